// Data gaps: the triage-figures chart (median hours to first triage and to delivery per
// month). The table under it has the same figures; without this file the page still reads.
(function () {
  "use strict";
  const canvas = document.getElementById("triage-chart");
  const source = canvas && document.getElementById(canvas.dataset.source);
  if (!window.Chart || !source) return;
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.months,
      datasets: [
        { label: "Median hours to first triage", data: data.triage, backgroundColor: "#1d4ed8" },
        { label: "Median hours to delivery", data: data.delivery, backgroundColor: "#b45309" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "Hours" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
