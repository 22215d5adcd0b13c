// Dashboards for supervisors and admins: each metric over time (one line per group: the
// top N groups by calls, the rest as "others") and its period total per group as bars,
// from GET /dashboards/summary; the same rows download as CSV (summary.csv).
import { api, download, el, errorBox } from "./api.js";
import { PALETTE, barChart, lineChart } from "./charts.js";

const pct = (v) => `${Math.round(v * 1000) / 10}%`;
const mmss = (v) => `${Math.floor(v / 60)}:${String(Math.round(v % 60)).padStart(2, "0")}`;
const METRICS = {
  average_score: { label: "Average score", format: (v) => v.toFixed(1), domain: [0, 100], set: "quality" },
  auto_fail_rate: { label: "Auto-fail rate", format: pct, set: "quality" },
  flag_rate: { label: "Flag rate", format: pct, domain: [0, 1], set: "quality" },
  customer_sentiment_end: { label: "Customer sentiment at the end", format: (v) => v.toFixed(2), domain: [-1, 1], set: "quality" },
  calls: { label: "Scored calls", format: (v) => String(Math.round(v)), set: "calls", sum: true },
  avg_duration: { label: "Average duration (m:ss)", format: mmss, set: "calls" },
  avg_silence_pct: { label: "Silence (% of the call)", format: (v) => `${v.toFixed(1)}%`, set: "calls" },
  avg_talk_ratio_agent: { label: "Agent talk ratio", format: pct, domain: [0, 1], set: "calls" },
  avg_overtalk: { label: "Overtalk (s)", format: (v) => v.toFixed(1), set: "calls" },
};
const GROUPS = ["none", "agent", "team", "queue", "direction", "language", "category"];
const OTHERS = "others";

/** The form's state from the URL (#/dashboards?period=&group_by=&from=&to=&top=&show=). */
function state(params) {
  const pick = (name, allowed, fallback) => (allowed.includes(params.get(name)) ? params.get(name) : fallback);
  return {
    period: pick("period", ["day", "week", "month"], "week"),
    group_by: pick("group_by", GROUPS, "team"),
    from: params.get("from") || "", to: params.get("to") || "",
    top: pick("top", ["3", "5", "8"], "5"),
    show: pick("show", ["quality", "calls", "all"], "quality"),
  };
}

function nextDay(day) {  // the API's date_to is exclusive; the picker's "until" includes it
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function query(s) {
  return { period: s.period, group_by: s.group_by, date_from: s.from ? `${s.from}T00:00:00Z` : "",
           date_to: s.to ? `${nextDay(s.to)}T00:00:00Z` : "" };
}

function form(s) {
  const select = (name, label, options) => el("label", {}, label, el("select", { name },
    options.map(([v, text]) => el("option", { value: v, selected: v === s[name] }, text))));
  const node = el("form", { class: "filters", id: "dashboard-form" },
    select("period", "Period", [["day", "day"], ["week", "week"], ["month", "month"]]),
    select("group_by", "Group by", GROUPS.map((g) => [g, g === "none" ? "nothing (all calls)" : g])),
    el("label", {}, "From", el("input", { type: "date", name: "from", value: s.from })),
    el("label", {}, "Until (included)", el("input", { type: "date", name: "to", value: s.to })),
    select("top", "Lines", [["3", "top 3 + others"], ["5", "top 5 + others"], ["8", "top 8 + others"]]),
    select("show", "Metrics", [["quality", "quality"], ["calls", "call metrics"], ["all", "all"]]),
    el("button", { type: "submit" }, "Show"));
  node.addEventListener("submit", (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(node)) if (v) next.set(k, v);
    location.hash = `#/dashboards?${next}`;
  });
  return node;
}

/** Calls-weighted mean of `key` over rows (a sum for counts); null when no row has it. */
function combine(rows, key) {
  if (METRICS[key].sum) return rows.reduce((a, r) => a + r.calls, 0);
  let sum = 0, n = 0;
  for (const r of rows) if (r[key] !== null && r[key] !== undefined) { sum += r[key] * r.calls; n += r.calls; }
  return n ? sum / n : null;
}

/** Rows regrouped: the `top` groups with most calls keep their name, the rest are "others". */
export function regroup(rows, groupBy, top) {
  const name = (g) => (groupBy === "none" ? "all calls" : g ?? "(none)");
  const volume = new Map();
  for (const r of rows) volume.set(name(r.group), (volume.get(name(r.group)) || 0) + r.calls);
  const ranked = [...volume.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
  const kept = ranked.length > top + 1 ? ranked.slice(0, top) : ranked;
  const groups = ranked.length > kept.length ? [...kept, OTHERS] : kept;
  const byGroup = new Map(groups.map((g) => [g, []]));
  for (const r of rows) byGroup.get(kept.includes(name(r.group)) ? name(r.group) : OTHERS).push(r);
  return { groups, byGroup, volume };
}

function metricCard(key, labels, regrouped, period) {
  const m = METRICS[key];
  const { groups, byGroup } = regrouped;
  const color = (i, g) => (g === OTHERS ? "#9aa1ad" : PALETTE[i % PALETTE.length]);
  const series = groups.map((g, i) => {
    const rows = byGroup.get(g);
    return { name: g, color: color(i, g), values: labels.map((day) => {
      const here = rows.filter((r) => r.start === day);
      return here.length ? combine(here, key) : null;
    }), calls: labels.map((day) => rows.filter((r) => r.start === day).reduce((a, r) => a + r.calls, 0)) };
  });
  const bars = groups.map((g, i) => ({ name: g, color: color(i, g), value: combine(byGroup.get(g), key),
    detail: `${byGroup.get(g).reduce((a, r) => a + r.calls, 0)} calls` }));
  return el("section", { class: "card metric", dataset: { metric: key } },
    el("h2", {}, m.label),
    lineChart({ labels: labels.map((day) => (period === "month" ? day.slice(0, 7) : day)), series, format: m.format, domain: m.domain, yLabel: m.label, id: `line-${key}`,
                note: (s, i) => ` (${s.calls[i]} calls)` }),
    el("h3", {}, "Whole period"),
    barChart({ bars, format: m.format, domain: m.domain, id: `bars-${key}`, label: `${m.label}, whole period` }));
}

function legend(groups) {
  return el("p", { class: "legend chart-legend", id: "dashboard-legend" }, groups.map((g, i) =>
    el("span", { class: "legend-item" }, el("span", { class: "key", style: `background:${g === OTHERS ? "#9aa1ad" : PALETTE[i % PALETTE.length]}` }), g)));
}

export async function renderDashboards(view, params) {
  const s = state(params);
  const head = [el("h1", {}, "Dashboards"), form(s)];
  view.replaceChildren(...head, el("p", { class: "muted" }, "Loading…"));
  const q = query(s);
  const summary = await api("/dashboards/summary", { params: q });
  const csv = el("button", { type: "button", id: "export-csv", class: "secondary",
    onclick: () => download(`/dashboards/summary.csv?${new URLSearchParams(
      Object.entries(q).filter(([, v]) => v))}`, `callqa-summary-${s.period}-${s.group_by}.csv`)
      .catch((err) => csv.after(errorBox(err))) }, "Export CSV");
  if (summary.data.length === 0) {
    view.replaceChildren(...head, el("p", { class: "card", id: "dashboard-empty" }, "No scored calls in this range."));
    return;
  }
  const labels = [...new Set(summary.data.map((r) => r.start))].sort();
  const regrouped = regroup(summary.data, s.group_by, Number(s.top));
  const total = summary.data.reduce((a, r) => a + r.calls, 0);
  const keys = Object.keys(METRICS).filter((k) => s.show === "all" || METRICS[k].set === s.show);
  view.replaceChildren(...head,
    el("div", { class: "dashboard-head" },
      el("p", { class: "muted" }, `${total} scored calls, ${labels[0]} to ${labels[labels.length - 1]}, per ${s.period}`),
      csv),
    legend(regrouped.groups),
    el("div", { class: "dashboard", id: "dashboard" }, keys.map((k) => metricCard(k, labels, regrouped, s.period))));
}
