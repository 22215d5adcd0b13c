// Small inline-SVG charts, no library: a line chart (one line per series over shared x
// labels, gaps where a series has no value) and a horizontal bar chart. Tooltips are SVG
// <title> elements, so the browser shows them on hover with no script.
const NS = "http://www.w3.org/2000/svg";

export const PALETTE = ["#2f5dd0", "#d98b2b", "#1f8a4c", "#c0392b", "#7b4fc9", "#148f9c",
                        "#b0487a", "#6b7280"];

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

const title = (text) => svg("title", {}, text);

/** About five round ticks from at or below `lo` to at or above `hi`. */
export function ticks(lo, hi, count = 5) {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i += 1) out.push(+(i * step).toFixed(10));
  return out;
}

/** The y range: a fixed domain, or the values' range widened to round ticks. */
function yRange(values, domain) {
  if (domain) return domain;
  const lo = Math.min(0, ...values);
  let hi = Math.max(...values, lo);
  if (hi - lo < 1e-6) hi = lo + 1;  // all values equal (a 0% rate): a unit range, not six "0%" ticks
  const t = ticks(lo, hi);
  return [t[0], t[t.length - 1]];
}

/** `node` inside a link to `href` (an SVG <a>: focusable, opens with Enter; named by the
 * node's <title>), or as it is. */
const linked = (node, href) => (href ? svg("a", { href, class: "drill" }, node) : node);

/**
 * lineChart({labels, series: [{name, color, values, links}], format, domain, yLabel, id})
 * `values[i]` belongs to `labels[i]`; null leaves a gap; `links[i]` (optional) is where a
 * point leads (the calls behind it). `yLabel` names the chart for screen readers; the
 * card's heading says it on screen, so it is not written again beside the axis.
 */
export function lineChart({ labels, series, format = String, domain, yLabel = "", id, note = () => "" }) {
  const W = 640, H = 240, L = 56, R = 36, T = 12, B = 40;
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const [lo, hi] = yRange(all, domain);
  const x = (i) => L + (labels.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (labels.length - 1));
  const y = (v) => T + ((hi - v) * (H - T - B)) / (hi - lo || 1);
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart line-chart", id, "aria-label": yLabel,
                           role: series.some((s) => s.links?.some(Boolean)) ? "group" : "img" });
  for (const v of ticks(lo, hi)) {
    if (v < lo - 1e-9 || v > hi + 1e-9) continue;
    box.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v === 0 ? "grid zero" : "grid" }),
               svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, format(v)));
  }
  const every = Math.max(1, Math.ceil(labels.length / 8));  // at most ~8 x labels
  labels.forEach((label, i) => {
    if (i % every === 0 || i === labels.length - 1) {
      box.append(svg("text", { x: x(i), y: H - B + 16, "text-anchor": "middle", class: "axis" }, label));
    }
  });
  for (const s of series) {
    const g = svg("g", { class: "series", "data-series": s.name });
    let run = [];
    const flush = () => {
      if (run.length > 1) g.append(svg("polyline", { points: run.join(" "), fill: "none", stroke: s.color, "stroke-width": 2.2 }));
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return flush();
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      g.append(linked(svg("circle", { cx: x(i), cy: y(v), r: 4, fill: s.color, class: "point" },
                          title(`${s.name} · ${labels[i]}: ${format(v)}${note(s, i)}`)), s.links?.[i]));
    });
    flush();
    box.append(g);
  }
  return box;
}

/** barChart({bars: [{name, color, value, detail, link}], format, domain, id, label, empty}): one
 * row per bar; `empty` is written where a bar has no value; `link` is where a bar leads. */
export function barChart({ bars, format = String, domain, id, label = "", empty = "–" }) {
  const row = 26, L = 130, R = 70, W = 640, H = bars.length * row + 8;
  const values = bars.map((b) => b.value).filter((v) => v !== null && v !== undefined);
  const [lo, hi] = yRange(values, domain);
  const base = Math.max(lo, Math.min(0, hi));
  const x = (v) => L + ((v - lo) * (W - L - R)) / (hi - lo || 1);
  // a picture, or a group of links (an "img" may not hold anything to press)
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart bar-chart", id, "aria-label": label,
                           role: bars.some((b) => b.link) ? "group" : "img" });
  bars.forEach((b, i) => {
    const top = 4 + i * row;
    const name = b.name.length > 18 ? `${b.name.slice(0, 17)}…` : b.name;
    box.append(svg("text", { x: L - 8, y: top + row / 2 + 4, "text-anchor": "end", class: "axis" }, name));
    if (b.value === null || b.value === undefined) {
      box.append(svg("text", { x: L + 4, y: top + row / 2 + 4, class: "axis" }, empty));
      return;
    }
    const [a, z] = [x(base), x(b.value)].sort((p, q) => p - q);
    box.append(linked(svg("rect", { x: a, y: top + 4, width: Math.max(1, z - a), height: row - 8, fill: b.color, class: "bar" },
                          title(`${b.name}: ${format(b.value)}${b.detail ? ` (${b.detail})` : ""}`)), b.link),
               svg("text", { x: Math.max(z, x(base)) + 6, y: top + row / 2 + 4, class: "value" }, format(b.value)));
  });
  return box;
}
