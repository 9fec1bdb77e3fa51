// Shared by the idea charts and the compare charts: the x axis of a metric series (time or
// training step) with ticks that never repeat a label, and the datasets of one series.
(function () {
  "use strict";

  const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
  const TIME_STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE,
    15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
    14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
  const MAX_TICKS = 5;

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  // Ticks at whole multiples of one step (a day, six hours, a minute...), so two ticks never
  // share a label: before, a day's worth of readings showed the same date twice.
  function timeTicks(min, max) {
    const span = Math.max(max - min, 1);
    const step = TIME_STEPS.find((s) => span / s <= MAX_TICKS) || 365 * DAY;
    const ticks = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
    return { ticks, step };
  }

  function timeLabel(ms, step) {
    const text = iso(ms);
    if (step >= DAY) return text.slice(0, 10);
    if (step >= MINUTE) return text.slice(5, 16).replace("T", " ");
    return text.slice(11, 19);
  }

  function stepTicks(min, max) {
    const span = Math.max(max - min, 1);
    const raw = span / MAX_TICKS;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw));
    const ticks = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
    return { ticks, step };
  }

  // The x scale of a series: "time" (ms since the epoch) or "step".
  function xScale(axis, min, max) {
    const build = axis === "step" ? stepTicks : timeTicks;
    let step = 1;
    return {
      type: "linear", min, max,
      title: { display: axis === "step", text: "Training step" },
      afterBuildTicks(scale) {
        const made = build(scale.min, scale.max);
        step = made.step;
        scale.ticks = made.ticks.map((value) => ({ value }));
      },
      ticks: {
        callback: (value) => (axis === "step" ? Number(value).toLocaleString("en") : timeLabel(value, step)),
        autoSkip: true, autoSkipPadding: 16, maxRotation: 0, includeBounds: false,
      },
    };
  }

  function xOf(axis, x) {
    return axis === "step" ? x : Date.parse(x);
  }

  // The datasets of one idea's series: its readings as a line, or, downsampled, the mean of
  // each bucket as a line over a band from each bucket's minimum to its maximum.
  function seriesDatasets(series, label, colour, band) {
    const pts = series.points;
    if (!series.downsampled) {
      return [{ label, data: pts.map((p) => ({ x: xOf(series.axis, p.x), y: p.min })),
        borderColor: colour, backgroundColor: colour, pointRadius: pts.length > 60 ? 0 : 3,
        tension: 0.2 }];
    }
    const at = (p) => xOf(series.axis, p.x);
    return [
      { label: `${label}: lowest in each bucket`, data: pts.map((p) => ({ x: at(p), y: p.min })),
        borderColor: band, backgroundColor: band, borderWidth: 1, pointRadius: 0, inLegend: false },
      { label: `${label}: lowest to highest`, data: pts.map((p) => ({ x: at(p), y: p.max })),
        borderColor: band, backgroundColor: band, borderWidth: 1, pointRadius: 0, fill: "-1" },
      { label: `${label}: mean`, data: pts.map((p) => ({ x: at(p), y: p.mean })),
        borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: 2 },
    ];
  }

  function flatLine(label, value, start, end, colour, dash) {
    return { label, data: [{ x: start, y: value }, { x: end, y: value }], borderColor: colour,
      backgroundColor: colour, borderDash: dash, pointRadius: 0 };
  }

  // "1 reading", "2 readings", "1,000,000 readings".
  function readings(n) {
    return `${n.toLocaleString("en")} reading${n === 1 ? "" : "s"}`;
  }

  function note(series, zoomed) {
    if (!series.total) return zoomed ? "No readings in this range." : "No readings yet.";
    if (series.downsampled) {
      const m = series.points.length;
      return `Downsampled: ${readings(series.total)} shown as ${m.toLocaleString("en")} point${m === 1 ? "" : "s"} — zoom in for detail.`;
    }
    return `${readings(series.total)}${zoomed ? " in this range" : ""}, every one shown.`;
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

  function tooltipTitle(axis) {
    return (items) => {
      if (!items.length) return "";
      const x = items[0].parsed.x;
      return axis === "step" ? `Step ${Math.round(x).toLocaleString("en")}` : iso(x).slice(0, 16).replace("T", " ");
    };
  }

  // A legend entry longer than a narrow chart is cut in the middle of the idea's name, so
  // what it is (": mean", ": lowest to highest") stays readable; the tooltip has it whole.
  function shortLabel(text, max = 40) {
    if (text.length <= max) return text;
    const cut = text.lastIndexOf(": ");
    const suffix = cut > 0 ? text.slice(cut) : "";
    const name = cut > 0 ? text.slice(0, cut) : text;
    return `${name.slice(0, Math.max(max - suffix.length - 1, 8)).trimEnd()}…${suffix}`;
  }

  // The legend shows one entry for a bucket band (its upper edge), not both edges.
  const legend = { position: "bottom", labels: { boxWidth: 24,
    filter: (item, data) => data.datasets[item.datasetIndex].inLegend !== false,
    generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
      .map((item) => ({ ...item, text: shortLabel(item.text) })) } };

  window.TandemSeries = { legend, xScale, xOf, seriesDatasets, flatLine, note, readings, wrapped,
    tooltipTitle, iso, shortLabel };
})();
