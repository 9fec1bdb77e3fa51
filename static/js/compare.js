// Compare page: one chart per metric overlaying the picked ideas' series (embedded in the
// page, downsampled on the server), with the baseline, the target and the gain bar.
(function () {
  "use strict";
  if (!window.Chart || !window.TandemSeries) return;
  const S = window.TandemSeries;

  function band(hex) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, 0.2)`;
  }

  document.querySelectorAll("canvas.compare-chart").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const all = data.ideas.map((idea) => idea.series);
    const axis = (all.find((s) => s.total) || { axis: "time" }).axis;
    const xs = all.flatMap((s) => s.points.flatMap((p) => [S.xOf(axis, p.x), S.xOf(axis, p.x_last)]));
    const now = Date.now();
    let start = xs.length ? Math.min(...xs) : (axis === "step" ? 0 : now - 7 * 864e5);
    let end = xs.length ? Math.max(...xs) : (axis === "step" ? 10 : now);
    if (end <= start) end = start + (axis === "step" ? 1 : 864e5);
    const datasets = data.ideas.flatMap((idea) => S.seriesDatasets(idea.series, idea.title, idea.colour, band(idea.colour)));
    datasets.push(S.flatLine("Baseline", data.baseline, start, end, "#4b5563", [6, 4]));
    if (data.target !== null && data.target !== undefined) {
      datasets.push(S.flatLine("Target", data.target, start, end, "#166534", [2, 3]));
    }
    if (data.gain_bar !== null && data.gain_bar !== undefined) {
      datasets.push(S.flatLine(data.gain_bar_label, data.gain_bar, start, end, "#111827", [10, 3, 2, 3]));
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        maintainAspectRatio: false, animation: false, parsing: false, normalized: true,
        scales: { x: S.xScale(axis, start, end), y: { title: { display: true, text: S.wrapped(data.name) } } },
        plugins: {
          legend: S.legend,
          tooltip: { callbacks: { title: S.tooltipTitle(axis) } },
        },
      },
    });
  });
})();
