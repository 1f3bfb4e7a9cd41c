/* Sales by content: draw the daily attributed vs direct revenue with uPlot
   (static/vendor/uPlot.iife.min.js) from the chart element's data-series JSON.
   Amounts stay integer cents; labels are formatted from them with integer math.
   The same numbers are in the table below the chart, so the page works without JS. */

const SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£", HKD: "HK$", JPY: "¥" };

function money(cents, currency, withCents = true) {
  const c = Math.round(cents);
  const sign = c < 0 ? "-" : "";
  const abs = Math.abs(c);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  if (!withCents) return `${sign}${symbol}${whole}`;
  return `${sign}${symbol}${whole}.${String(abs % 100).padStart(2, "0")}`;
}

function draw(el) {
  let days;
  try {
    days = JSON.parse(el.dataset.series || "[]");
  } catch {
    return;
  }
  if (!Array.isArray(days) || days.length === 0 || typeof window.uPlot !== "function") {
    return;
  }
  const currency = el.dataset.currency || "CNY";
  const css = getComputedStyle(document.documentElement);
  const accent = css.getPropertyValue("--accent").trim() || "#ff3d5a";
  const muted = css.getPropertyValue("--muted").trim() || "#6b6b76";
  const xs = days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
  const attributed = days.map((d) => d.attributed_cents);
  const direct = days.map((d) => d.direct_cents);
  const height = 260;
  const value = (u, v) => (v == null ? "–" : money(v, currency));
  const opts = {
    width: Math.max(280, el.clientWidth),
    height,
    tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { y: { range: (u, lo, hi) => [0, Math.max(100, hi * 1.1)] } },
    series: [
      {
        label: el.dataset.labelDate,
        value: (u, ts) => (ts == null ? "–" : new Date(ts * 1000).toISOString().slice(0, 10)),
      },
      { label: el.dataset.labelAttributed, stroke: accent, width: 2, fill: `${accent}22`, value },
      { label: el.dataset.labelDirect, stroke: muted, width: 2, dash: [6, 4], value },
    ],
    axes: [
      {},
      { size: 80, values: (u, ticks) => ticks.map((t) => money(t, currency, false)) },
    ],
  };
  const chart = new window.uPlot(opts, [xs, attributed, direct], el);
  el.classList.add("drawn");
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() =>
      chart.setSize({ width: Math.max(280, el.clientWidth), height }),
    );
  });
}

for (const el of document.querySelectorAll(".attr-chart[data-series]")) {
  draw(el);
}
