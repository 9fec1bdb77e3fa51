// Early-warning page: flags raised per month, early (research, prototype) and late, stacked.
(function () {
  "use strict";
  if (!window.Chart) return;
  const canvas = document.getElementById("flags-by-month");
  const source = canvas && document.getElementById(canvas.dataset.source);
  if (!source) return;
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Early (research, prototype)", data: data.early, backgroundColor: "#1d4ed8" },
        { label: "Late (implementation and after)", data: data.late, backgroundColor: "#b45309" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Flags raised" } },
      },
    },
  });
})();
