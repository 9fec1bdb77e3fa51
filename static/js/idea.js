// Idea page: one line chart per metric, with its baseline and target as flat lines.
(function () {
  "use strict";
  if (!window.Chart) return;

  function dateLabel(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  // A vertical axis title is drawn along the chart's height and cut off when longer: break
  // it into lines of a few words (Chart.js draws an array as lines side by side).
  function wrapped(text, width = 24) {
    const lines = [];
    for (const word of text.split(/\s+/)) {
      const last = lines.length ? lines[lines.length - 1] : null;
      if (last !== null && (last + " " + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    return lines;
  }

  document.querySelectorAll("canvas.metric-chart").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const points = data.points.map(([at, value]) => ({ x: Date.parse(at), y: value }));
    const xs = points.map((p) => p.x);
    const now = Date.now();
    const start = xs.length ? Math.min(...xs) : now - 7 * 864e5;
    const end = xs.length ? Math.max(...xs, start + 864e5) : now;
    const flat = (value) => [{ x: start, y: value }, { x: end, y: value }];
    const datasets = [
      { label: "This idea", data: points, borderColor: "#1d4ed8", backgroundColor: "#1d4ed8",
        pointRadius: points.length > 60 ? 0 : 3, tension: 0.2 },
      { label: "Baseline", data: flat(data.baseline), borderColor: "#4b5563", borderDash: [6, 4],
        pointRadius: 0 },
    ];
    if (data.target !== null && data.target !== undefined) {
      datasets.push({ label: "Target", data: flat(data.target), borderColor: "#166534",
        borderDash: [2, 3], pointRadius: 0 });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        scales: {
          // A few unrotated dates, skipped when they would touch; no forced ticks at the
          // ends, which land a day or two from their neighbours and overlap them.
          x: { type: "linear", min: start, max: end,
               ticks: { callback: dateLabel, maxTicksLimit: 5, autoSkip: true, autoSkipPadding: 16,
                        maxRotation: 0, includeBounds: false } },
          // The name, wrapped; the direction is in the card's caption. A longer title was cut
          // off by the chart's height.
          y: { title: { display: true, text: wrapped(data.name) } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { title: (items) => items.length ? new Date(items[0].parsed.x).toISOString().slice(0, 16).replace("T", " ") : "" } },
        },
      },
    });
  });
})();
