// Idea page: one chart per metric, drawn from the series API (the whole history,
// downsampled on the server), with the baseline and target as flat lines. A range dragged
// across a chart, or typed in its form, zooms in; the range is kept in the page's URL
// (from-<metric>, to-<metric>) so a zoomed view can be shared.
(function () {
  "use strict";
  if (!window.Chart || !window.TandemSeries) return;
  const S = window.TandemSeries;

  function urlState(metric) {
    const params = new URLSearchParams(window.location.search);
    return { from: params.get(`from-${metric}`) || "", to: params.get(`to-${metric}`) || "" };
  }

  function keepInUrl(metric, from, to) {
    const url = new URL(window.location.href);
    for (const [key, value] of [[`from-${metric}`, from], [`to-${metric}`, to]]) {
      if (value) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    window.history.replaceState(null, "", url);
  }

  // What a dragged position reads as in the form: a time (UTC, to the second) or a step.
  function formValue(axis, x) {
    return axis === "step" ? String(Math.round(x)) : S.iso(x).slice(0, 19).replace("T", " ");
  }

  function setUp(canvas) {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const meta = JSON.parse(source.textContent);
    const note = document.getElementById(`${canvas.id}-note`);
    const form = document.querySelector(`form.zoom-form[data-chart="${canvas.id}"]`);
    const error = form.querySelector(".zoom-error");
    let chart = null;
    let axis = "time";

    function draw(series) {
      axis = series.axis;
      const xs = series.points.flatMap((p) => [S.xOf(axis, p.x), S.xOf(axis, p.x_last)]);
      const now = Date.now();
      let start = xs.length ? Math.min(...xs) : (axis === "step" ? 0 : now - 7 * 864e5);
      let end = xs.length ? Math.max(...xs) : (axis === "step" ? 10 : now);
      if (end <= start) end = start + (axis === "step" ? 1 : 864e5);
      const datasets = S.seriesDatasets(series, "This idea", "#1d4ed8", "rgba(29, 78, 216, 0.25)");
      datasets.push(S.flatLine("Baseline", meta.baseline, start, end, "#4b5563", [6, 4]));
      if (meta.target !== null && meta.target !== undefined) {
        datasets.push(S.flatLine("Target", meta.target, start, end, "#166534", [2, 3]));
      }
      if (chart) chart.destroy();
      chart = new window.Chart(canvas, {
        type: "line",
        data: { datasets },
        options: {
          maintainAspectRatio: false, animation: false, parsing: false, normalized: true,
          scales: { x: S.xScale(axis, start, end), y: { title: { display: true, text: S.wrapped(meta.name) } } },
          plugins: {
            legend: S.legend,
            tooltip: { callbacks: { title: S.tooltipTitle(axis) } },
          },
        },
      });
      canvas.dataset.axis = axis;
      canvas.dataset.total = series.total;
      canvas.dataset.downsampled = series.downsampled;
    }

    async function load(from, to) {
      const params = new URLSearchParams({ metric: meta.metric, points: meta.points });
      if (from) params.set("from", from);
      if (to) params.set("to", to);
      error.textContent = "";
      let response;
      try {
        response = await fetch(`${meta.url}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      } catch (e) {
        note.textContent = "The chart could not be loaded; the readings table below has the values.";
        return;
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        error.textContent = Object.entries(body).map(([field, msgs]) =>
          `${field === "to" ? "To" : field === "from" ? "From" : field}: ${[].concat(msgs).join(" ")}`).join(" ");
        return;
      }
      draw(body);
      note.textContent = S.note(body, Boolean(from || to));
      form.elements.from.value = from;
      form.elements.to.value = to;
      keepInUrl(meta.metric, from, to);
      canvas.dataset.loaded = String(Number(canvas.dataset.loaded || 0) + 1);
    }

    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      load(form.elements.from.value.trim(), form.elements.to.value.trim());
    });
    form.querySelector("[data-reset]").addEventListener("click", () => load("", ""));

    // Drag across the chart to zoom into that range.
    let down = null;
    canvas.addEventListener("pointerdown", (event) => { down = event.offsetX; });
    canvas.addEventListener("pointerup", (event) => {
      if (down === null || !chart) return;
      const [a, b] = [down, event.offsetX].sort((p, q) => p - q);
      down = null;
      if (b - a < 8) return; // a click, not a drag
      const scale = chart.scales.x;
      load(formValue(axis, scale.getValueForPixel(a)), formValue(axis, scale.getValueForPixel(b)));
    });

    const state = urlState(meta.metric);
    load(state.from, state.to);
  }

  document.querySelectorAll("canvas.metric-chart").forEach(setUp);
})();
