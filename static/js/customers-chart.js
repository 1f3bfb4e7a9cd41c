/* Customer segments: draw the monthly cohorts' retention with uPlot
   (static/vendor/uPlot.iife.min.js) from the chart element's data-cohorts JSON:
   [{month, shares: [percent who ordered again 1, 2, 3... months later]}]. The
   same numbers are in the table below the chart, so the page works without JS. */

const COLORS = ["#ff3d5a", "#5b8def", "#4caf6a", "#f2a93b", "#b06ad9", "#6b6b76"];

function draw(el) {
  let cohorts;
  try {
    cohorts = JSON.parse(el.dataset.cohorts || "[]");
  } catch {
    return;
  }
  const width = Math.max(0, ...cohorts.map((c) => c.shares.length));
  if (width === 0 || typeof window.uPlot !== "function") {
    return;
  }
  const xs = Array.from({ length: width }, (_, i) => i + 1);
  const series = [{ label: el.dataset.labelMonths, value: (u, v) => (v == null ? "–" : `+${v}`) }];
  const data = [xs];
  cohorts.forEach((c, i) => {
    series.push({
      label: c.month,
      stroke: COLORS[i % COLORS.length],
      width: 2,
      value: (u, v) => (v == null ? "–" : `${v}%`),
    });
    data.push(xs.map((x) => (x <= c.shares.length ? c.shares[x - 1] : null)));
  });
  const height = 240;
  const opts = {
    width: Math.max(280, el.clientWidth),
    height,
    scales: { x: { time: false }, y: { range: (u, lo, hi) => [0, Math.max(10, hi * 1.1)] } },
    series,
    axes: [
      { values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? `+${t}` : "")) },
      { size: 50, values: (u, ticks) => ticks.map((t) => `${t}%`) },
    ],
  };
  const chart = new window.uPlot(opts, data, el);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() =>
      chart.setSize({ width: Math.max(280, el.clientWidth), height }),
    );
  });
}

for (const el of document.querySelectorAll(".cu-chart[data-cohorts]")) {
  draw(el);
}
