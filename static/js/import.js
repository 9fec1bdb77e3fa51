// Progress feedback for the CSV import: the upload's bytes, then "saving" while the server
// checks and stores the readings. The form works without this file (a plain post).
(() => {
  const panel = () => document.querySelector(".import-form");
  const parts = () => {
    const form = panel();
    return form && {
      box: form.querySelector(".import-progress"),
      bar: form.querySelector("progress"),
      status: form.querySelector(".import-status"),
      button: form.querySelector("button[type=submit]"),
    };
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (!event.target.matches(".import-form")) return;
    const p = parts();
    p.box.hidden = false;
    p.bar.value = 0;
    p.status.textContent = "Uploading…";
    p.button.disabled = true;
    p.button.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:xhr:progress", (event) => {
    const p = parts();
    if (!p || !event.detail.lengthComputable) return;
    const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    p.bar.value = percent;
    if (percent >= 100) {
      p.bar.removeAttribute("value"); // indeterminate: the server is working now
      p.status.textContent = "Checking and saving the readings…";
    } else {
      p.status.textContent = `Uploading… ${percent} %`;
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.target.matches(".import-form")) return;
    const p = parts();
    if (!p) return; // the panel was swapped for the answer
    p.button.disabled = false;
    p.button.removeAttribute("aria-busy");
    if (!event.detail.successful) {
      p.box.hidden = true;
    }
  });
})();
