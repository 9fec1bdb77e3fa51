// The research board: drag cards between columns, and draw the funnel chart.
// Without this file every card still has its labelled "Move to" select and button.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const status = document.getElementById("board-status");
  const alerts = document.getElementById("board-alerts");

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // An error the person must see: a styled message above the board that stays until
  // dismissed (the next one replaces it), read out by screen readers.
  function showError(text) {
    if (!alerts) { window.alert(text); return; }
    const box = document.createElement("p");
    box.className = "message message-error";
    const words = document.createElement("span");
    words.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "secondary outline";
    close.textContent = "Dismiss";
    close.addEventListener("click", () => box.remove());
    box.append(words, close);
    alerts.replaceChildren(box);
  }

  function announce(text, isError) {
    if (status) status.textContent = text;
    if (isError) showError(text);
  }

  // A script failure says so on the page instead of leaving a drag that did nothing.
  window.addEventListener("error", (event) => {
    showError(`Something went wrong on this page (${event.message || "script error"}). ` +
      "Reload it; the Move menu on each card still works.");
  });
  window.addEventListener("unhandledrejection", (event) => {
    const reason = event.reason && event.reason.message ? event.reason.message : String(event.reason);
    showError(`Something went wrong on this page (${reason}). ` +
      "Reload it; the Move menu on each card still works.");
  });

  function columnLabel(statusKey) {
    const column = board && board.querySelector(`.board-column[data-status="${statusKey}"]`);
    return column ? column.dataset.label : statusKey;
  }

  function listWords(words) {
    if (words.length <= 1) return words.join("");
    return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
  }

  // Why a card may not go to a column, in the board's words (the transition table's
  // allowed moves come from the server on each card).
  function refusal(card, to) {
    const allowed = (card.dataset.allowed || "").split(" ").filter(Boolean);
    const here = columnLabel(card.dataset.status);
    const options = listWords(allowed.map(columnLabel));
    return `“${card.dataset.title}” cannot move from ${here} to ${columnLabel(to)}: ` +
      (options ? `from ${here} it can move to ${options}.` : `it cannot move from ${here}.`);
  }

  // The drop reason, asked in a modal dialog: labelled, focus kept inside, Escape or
  // Cancel gives null, the same length limit as the form.
  const dialog = document.getElementById("drop-dialog");
  function askReason(title) {
    if (!dialog || typeof dialog.showModal !== "function") {
      showError(`To drop “${title}”, use its Move menu: it asks for the reason.`);
      return Promise.resolve(null);
    }
    const form = dialog.querySelector("form");
    const field = dialog.querySelector("textarea");
    const error = dialog.querySelector(".dialog-error");
    const cancel = dialog.querySelector("[data-cancel]");
    dialog.querySelector("[data-idea-title]").textContent = title;
    field.value = "";
    error.hidden = true;
    field.removeAttribute("aria-invalid");
    const opener = document.activeElement;
    return new Promise((resolve) => {
      function finish(value) {
        form.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        dialog.removeEventListener("keydown", onKeydown);
        if (dialog.open) dialog.close();
        if (opener && opener.focus) opener.focus();
        resolve(value);
      }
      function onSubmit(event) {
        event.preventDefault();
        const reason = field.value.trim();
        if (!reason) {
          error.textContent = "Give a reason for dropping the idea.";
          error.hidden = false;
          field.setAttribute("aria-invalid", "true");
          field.focus();
          return;
        }
        finish(reason);
      }
      function onCancel(event) { event.preventDefault(); finish(null); }
      function onKeydown(event) {
        if (event.key !== "Tab") return;
        const focusable = [...dialog.querySelectorAll("textarea, button, input, select, a[href]")]
          .filter((el) => !el.disabled && el.offsetParent !== null);
        if (!focusable.length) return;
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
        else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
      }
      form.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      dialog.addEventListener("keydown", onKeydown);
      dialog.showModal();
      field.focus();
    });
  }

  async function refreshBoard() {
    // Re-render the columns from the server, so progress, counts and forms stay right.
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) { window.location.reload(); return; }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.querySelector("#board .board-columns");
    const current = board.querySelector(".board-columns");
    if (fresh && current) current.replaceWith(fresh);
  }

  async function post(url, body) {
    try {
      return await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
    } catch (e) {
      showError("The server could not be reached; nothing was changed. Check the connection and try again.");
      return null;
    }
  }

  async function move(card, to) {
    const allowed = (card.dataset.allowed || "").split(" ").filter(Boolean);
    const title = card.dataset.title;
    if (!allowed.includes(to)) {
      announce(refusal(card, to), true);
      return;
    }
    const body = new FormData();
    body.append("to", to);
    body.append("from", card.dataset.status || "");
    if (to === "dropped") {
      const reason = await askReason(title);
      if (reason === null || !reason.trim()) { announce(`“${title}” was not dropped.`, false); return; }
      body.append("reason", reason);
    }
    card.classList.add("is-moving");
    const response = await post(card.dataset.moveUrl, body);
    if (!response) { card.classList.remove("is-moving"); return; }
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (data.redirect) { window.location.assign(data.redirect); return; }
    if (!response.ok) {
      card.classList.remove("is-moving");
      announce(data.error || `“${title}” was not moved (the server answered ${response.status}).`, true);
      if (response.status === 409) await refreshBoard();
      return;
    }
    announce(`“${title}” moved to ${data.label}.`, false);
    await refreshBoard();
    document.getElementById(card.id)?.focus?.();
  }

  async function reorder(card, index) {
    const body = new FormData();
    body.append("index", String(index));
    const response = await post(card.dataset.reorderUrl, body);
    if (!response) return;
    if (!response.ok) {
      let data = {};
      try { data = await response.json(); } catch (e) { data = {}; }
      announce(data.error || `“${card.dataset.title}” was not reordered (the server answered ${response.status}).`, true);
      return;
    }
    announce(`“${card.dataset.title}” is now number ${index + 1} in its column.`, false);
    await refreshBoard();
  }

  if (board) {
    let dragged = null;
    const clearMarks = () => board.querySelectorAll(".board-column")
      .forEach((c) => c.classList.remove("drop-allowed", "drop-over", "drop-refused"));
    board.addEventListener("dragstart", (event) => {
      const card = event.target.closest?.(".idea-card[draggable=true]");
      if (!card) return;
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.idea);
      card.classList.add("is-dragging");
      const allowed = (card.dataset.allowed || "").split(" ");
      const home = card.closest(".board-column");
      board.querySelectorAll(".board-column").forEach((column) => {
        column.classList.toggle(
          "drop-allowed", column === home || allowed.includes(column.dataset.status));
      });
    });
    board.addEventListener("dragend", () => {
      dragged?.classList.remove("is-dragging");
      clearMarks();
    });
    board.addEventListener("dragover", (event) => {
      const column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      // Every column takes the drop (a "none" drop effect would cancel it), so a refused
      // one can say why instead of doing nothing; the red outline warns before the drop.
      event.preventDefault();
      column.classList.add(column.classList.contains("drop-allowed") ? "drop-over" : "drop-refused");
    });
    board.addEventListener("dragleave", (event) => {
      const column = event.target.closest(".board-column");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-over", "drop-refused");
    });
    board.addEventListener("drop", (event) => {
      const column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      const card = dragged;
      dragged = null;
      card.classList.remove("is-dragging");
      clearMarks();
      if (column.dataset.status !== card.closest(".board-column")?.dataset.status) {
        move(card, column.dataset.status);
        return;
      }
      // Same column: drop before the card under the pointer, or at the end.
      const siblings = [...column.querySelectorAll(".idea-card")].filter((c) => c !== card);
      const over = event.target.closest(".idea-card");
      const index = over && over !== card ? siblings.indexOf(over) : siblings.length;
      const current = [...column.querySelectorAll(".idea-card")].indexOf(card);
      if (index !== current) reorder(card, index);
    });
  }

  // The funnel: stacked bars of active ideas per status per week.
  const source = document.getElementById("funnel-data");
  const canvas = document.getElementById("funnel-chart");
  if (source && canvas && window.Chart) {
    const funnel = JSON.parse(source.textContent);
    const colours = {
      proposed: "#94a3b8", exploring: "#60a5fa", prototyping: "#818cf8",
      shortlisted: "#f59e0b", promoted: "#16a34a",
    };
    const labels = { proposed: "Proposed", exploring: "Exploring", prototyping: "Prototyping",
      shortlisted: "Shortlisted", promoted: "Promoted" };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: funnel.labels,
        datasets: Object.entries(funnel.series).map(([key, values]) => ({
          label: labels[key] || key, data: values, backgroundColor: colours[key] || "#999",
        })),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
})();
