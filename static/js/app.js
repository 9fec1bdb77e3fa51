// Small progressive enhancements. Every page works without this file.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.createElement("p");
  box.className = "message message-error";
  box.setAttribute("role", "alert");
  box.textContent = status === 403
    ? "You are not allowed to do that."
    : `Something went wrong (HTTP ${status}). Reload the page and try again.`;
  document.querySelector("main")?.prepend(box);
});
