// The research board: drag cards between columns, and draw the funnel chart.
// Without this file every card still has its labelled "Move to" select and button.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const status = document.getElementById("board-status");

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(text, isError) {
    if (status) status.textContent = text;
    if (isError) {
      const box = document.createElement("p");
      box.className = "message message-error";
      box.setAttribute("role", "alert");
      box.textContent = text;
      document.querySelector("main")?.prepend(box);
      setTimeout(() => box.remove(), 8000);
    }
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

  async function move(card, to) {
    const allowed = (card.dataset.allowed || "").split(" ").filter(Boolean);
    const title = card.dataset.title;
    if (!allowed.includes(to)) {
      announce(`“${title}” cannot move to ${to} from its current column.`, true);
      return;
    }
    const body = new FormData();
    body.append("to", to);
    body.append("from", card.dataset.status || "");
    if (to === "dropped") {
      const reason = window.prompt(`Why is “${title}” dropped?`);
      if (!reason || !reason.trim()) { announce("Not dropped: a reason is needed.", true); return; }
      body.append("reason", reason);
    }
    card.classList.add("is-moving");
    const response = await fetch(card.dataset.moveUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (data.redirect) { window.location.assign(data.redirect); return; }
    if (!response.ok) {
      card.classList.remove("is-moving");
      announce(data.error || `Not moved (HTTP ${response.status}).`, true);
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
    const response = await fetch(card.dataset.reorderUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    if (!response.ok) {
      let data = {};
      try { data = await response.json(); } catch (e) { data = {}; }
      announce(data.error || `Not reordered (HTTP ${response.status}).`, true);
      return;
    }
    announce(`“${card.dataset.title}” is now number ${index + 1} in its column.`, false);
    await refreshBoard();
  }

  if (board) {
    let dragged = null;
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
      board.querySelectorAll(".board-column").forEach((c) => c.classList.remove("drop-allowed", "drop-over"));
    });
    board.addEventListener("dragover", (event) => {
      const column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      if (column.classList.contains("drop-allowed")) {
        event.preventDefault();
        column.classList.add("drop-over");
      }
    });
    board.addEventListener("dragleave", (event) => {
      const column = event.target.closest(".board-column");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-over");
    });
    board.addEventListener("drop", (event) => {
      const column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      const card = dragged;
      dragged = null;
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
