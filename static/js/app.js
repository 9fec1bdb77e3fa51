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

// ===== Projects slice =====
// Sizes computed by the server (staffing bars, gain meters) come as data-left / data-width in
// percent, and the timeline's week count as data-weeks; they are set through the CSSOM, since
// the Content-Security-Policy refuses style attributes in the markup.
function layOutTimeline() {
  document.querySelectorAll("table.staffing[data-weeks]").forEach((table) => {
    table.style.setProperty("--weeks", table.dataset.weeks);
  });
  document.querySelectorAll("[data-width]").forEach((element) => {
    element.style.width = `${element.dataset.width}%`;
  });
  document.querySelectorAll("[data-left]").forEach((element) => {
    element.style.marginLeft = `${element.dataset.left}%`;
  });
}
document.addEventListener("DOMContentLoaded", layOutTimeline);
document.addEventListener("htmx:afterSettle", layOutTimeline);
// Staffing timeline: start scrolled so that this week is in view (it opens 12 weeks back).
function scrollTimelineToThisWeek() {
  document.querySelectorAll(".staffing-scroll").forEach((box) => {
    const now = box.querySelector(".week-label.this-week");
    if (!now) return;
    const who = box.querySelector("th.who");
    const sticky = who ? who.offsetWidth : 0;
    // Measured on screen (offsetLeft is relative to the week's own cell, not the box).
    const fromBoxEdge = now.getBoundingClientRect().left - box.getBoundingClientRect().left;
    const offset = box.scrollLeft + fromBoxEdge - sticky - (box.clientWidth - sticky) / 4;
    box.scrollLeft = Math.max(offset, 0);
  });
}
document.addEventListener("DOMContentLoaded", scrollTimelineToThisWeek);
document.addEventListener("htmx:afterSettle", scrollTimelineToThisWeek);

// ===== Search slice =====
// "/" anywhere but in a field jumps to the header search box (as on GitHub and Gmail).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("header-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

// Roadmap: on a narrow screen, start scrolled so that today's line is in view.
function scrollRoadmapToToday() {
  document.querySelectorAll(".roadmap-scroll").forEach((box) => {
    const today = box.querySelector(".today-line");
    if (!today || box.scrollWidth <= box.clientWidth) return;
    const who = box.querySelector("th.who");
    const sticky = who ? who.offsetWidth : 0;
    const fromBoxEdge = today.getBoundingClientRect().left - box.getBoundingClientRect().left;
    box.scrollLeft = Math.max(box.scrollLeft + fromBoxEdge - sticky - (box.clientWidth - sticky) / 2, 0);
  });
}
document.addEventListener("DOMContentLoaded", () => requestAnimationFrame(scrollRoadmapToToday));

// ===== Staffing: the rotation form's availability list =====
// "Choose" on a row puts that person in the form's Person field; the change refreshes the
// list (htmx), which then marks the row as chosen and shows any warning for them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.choose-person");
  if (!button) return;
  const select = document.querySelector("#rotation-form select[name=person]");
  if (!select) return;
  select.value = button.dataset.person;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  select.focus();
});
