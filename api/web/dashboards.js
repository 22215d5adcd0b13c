// Dashboards for supervisors and admins: each metric over time (one line per group: the
// top N groups by calls, the rest as "others") and its period total per group as bars,
// from GET /dashboards/summary; the same rows download as CSV (summary.csv).
import { api, download, el, errorBox } from "./api.js";
import { PALETTE, barChart, lineChart, svg } from "./charts.js";
import { day, duration, label, number, percent, percentOf100, seconds, t, tn } from "./i18n.js";

const METRICS = {
  average_score: { label: () => t("dash.average_score"), format: (v) => number(v, 1, true), domain: [0, 100], set: "quality" },
  auto_fail_rate: { label: () => t("dash.auto_fail_rate"), format: percent, set: "quality" },
  flag_rate: { label: () => t("dash.flag_rate"), format: percent, domain: [0, 1], set: "quality" },
  customer_sentiment_end: { label: () => t("dash.customer_sentiment_end"), format: (v) => number(v, 2, true), domain: [-1, 1], set: "quality" },
  calls: { label: () => t("dash.calls"), format: (v) => number(v, 0), set: "calls", sum: true },
  avg_duration: { label: () => t("dash.avg_duration"), format: duration, set: "calls" },
  avg_silence_pct: { label: () => t("dash.avg_silence_pct"), format: (v) => percentOf100(v, 1), set: "calls" },
  avg_talk_ratio_agent: { label: () => t("metric.talk_ratio_agent"), format: percent, domain: [0, 1], set: "calls" },
  avg_overtalk: { label: () => t("metric.overtalk"), format: (v) => seconds(v, 1), set: "calls" },
};
const GROUPS = ["none", "agent", "team", "queue", "direction", "language", "category"];
const OTHERS = "others";  // the groups past the top N, drawn as one line
const shown = (g) => (g === OTHERS ? t("dash.others") : g);

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
  const select = (name, text, options) => el("label", {}, text, el("select", { name },
    options.map(([v, shownAs]) => el("option", { value: v, selected: v === s[name] }, shownAs))));
  const node = el("form", { class: "filters", id: "dashboard-form" },
    select("period", t("dash.period"), ["day", "week", "month"].map((p) => [p, label("period", p)])),
    select("group_by", t("dash.group_by"), GROUPS.map((g) => [g, label("group", g)])),
    el("label", {}, t("dash.from"), el("input", { type: "date", name: "from", value: s.from })),
    el("label", {}, t("dash.until"), el("input", { type: "date", name: "to", value: s.to })),
    select("top", t("dash.lines"), ["3", "5", "8"].map((n) => [n, t("dash.top", { n })])),
    select("show", t("call.metrics"), [["quality", t("dash.show_quality")], ["calls", t("dash.show_calls")],
                                       ["all", t("dash.show_all")]]),
    el("button", { type: "submit" }, t("dash.show")));
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

/** Rows regrouped: the `top` groups with most calls keep their name, the rest are "others";
 * `names` (the API's) turns agents' ids into names, `rawOf` turns a name back. */
export function regroup(rows, groupBy, top, names = {}) {
  const kinds = { language: "lang", direction: "direction" };
  const name = (g) => (groupBy === "none" ? t("dash.all_calls") : g === null || g === undefined ? t("dash.no_group")
    : kinds[groupBy] ? label(kinds[groupBy], g) : names[g] || g);
  const rawOf = new Map();
  const volume = new Map();
  for (const r of rows) {
    volume.set(name(r.group), (volume.get(name(r.group)) || 0) + r.calls);
    rawOf.set(name(r.group), r.group);
  }
  const ranked = [...volume.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
  const kept = ranked.length > top + 1 ? ranked.slice(0, top) : ranked;
  const groups = ranked.length > kept.length ? [...kept, OTHERS] : kept;
  const byGroup = new Map(groups.map((g) => [g, []]));
  for (const r of rows) byGroup.get(kept.includes(name(r.group)) ? name(r.group) : OTHERS).push(r);
  return { groups, byGroup, volume, rawOf };
}

// The calls behind a figure: the search page with the dashboard's group and dates, scored
// calls only (what the dashboard counts). No link for "others", a missing group or category.
const FILTER_OF = { agent: "agent", team: "team", queue: "queue", direction: "direction", language: "language" };

function periodEnd(start, period) {
  const d = new Date(`${start}T00:00:00Z`);
  if (period === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (period === "week") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

export function drill(s, regrouped, group, start = null) {
  const p = new URLSearchParams({ score_min: "0" });
  if (group !== null && s.group_by !== "none") {
    const raw = regrouped.rawOf.get(group);
    if (!FILTER_OF[s.group_by] || raw === null || raw === undefined) return null;
    p.set(FILTER_OF[s.group_by], raw);
  }
  const q = query(s);
  const from = start ? `${start}T00:00:00Z` : q.date_from;
  const to = start ? `${periodEnd(start, s.period)}T00:00:00Z` : q.date_to;
  if (from) p.set("date_from", from);
  if (to) p.set("date_to", to);
  return `#/search?${p}`;
}

const KPIS = ["calls", "average_score", "auto_fail_rate", "flag_rate", "customer_sentiment_end"];

/** The period at a glance: one tile per headline figure, each opening the calls behind it. */
function kpiTiles(s, rows, regrouped) {
  return el("ul", { class: "kpis", id: "kpis", "aria-label": t("dash.at_a_glance") }, KPIS.map((key) => {
    const value = combine(rows, key);
    return el("li", { class: "kpi", dataset: { metric: key } },
      el("a", { href: drill(s, regrouped, null) },
        el("span", { class: "kpi-value" }, value === null ? "–" : METRICS[key].format(value)),
        el("span", { class: "kpi-label" }, METRICS[key].label())));
  }));
}

function metricCard(key, labels, regrouped, s) {
  const m = METRICS[key];
  const { groups, byGroup } = regrouped;
  const color = (i, g) => (g === OTHERS ? "#9aa1ad" : PALETTE[i % PALETTE.length]);
  const link = (g, start) => (g === OTHERS ? null : drill(s, regrouped, g, start));
  const series = groups.map((g, i) => {
    const rows = byGroup.get(g);
    return { name: shown(g), color: color(i, g), values: labels.map((start) => {
      const here = rows.filter((r) => r.start === start);
      return here.length ? combine(here, key) : null;
    }), calls: labels.map((start) => rows.filter((r) => r.start === start).reduce((a, r) => a + r.calls, 0)),
    links: labels.map((start) => link(g, start)) };
  });
  const bars = groups.map((g, i) => ({ name: shown(g), color: color(i, g), value: combine(byGroup.get(g), key),
    detail: tn("dash.n_calls", byGroup.get(g).reduce((a, r) => a + r.calls, 0)), link: link(g) }));
  // one period is a dot per group, not a line: the bars below say it all
  const overTime = labels.length < 2
    ? el("p", { class: "muted one-period" }, t("dash.one_period", { period: label("period", s.period) }))
    : lineChart({ labels: labels.map((start) => day(start, { month: s.period === "month" })), series, format: m.format,
                  domain: m.domain, yLabel: m.label(), id: `line-${key}`,
                  note: (x, i) => ` (${tn("dash.n_calls", x.calls[i])})` });
  return el("section", { class: "card metric", dataset: { metric: key } },
    el("h2", {}, m.label()),
    overTime,
    el("h3", {}, t("dash.whole_period")),
    barChart({ bars, format: m.format, domain: m.domain, id: `bars-${key}`, label: t("dash.whole_period_of", { metric: m.label() }),
               empty: t("dash.no_data") }));
}

function legend(groups) {
  return el("p", { class: "legend chart-legend", id: "dashboard-legend" }, groups.map((g, i) =>
    el("span", { class: "legend-item" }, swatch(g === OTHERS ? "#9aa1ad" : PALETTE[i % PALETTE.length]), shown(g))));
}

// A colour key as a tiny SVG: its fill is an SVG attribute, so the CSP needs no inline style.
function swatch(color) {
  return svg("svg", { class: "key", viewBox: "0 0 10 10", "aria-hidden": "true", focusable: "false" },
    svg("rect", { width: 10, height: 10, fill: color }));
}

export async function renderDashboards(view, params) {
  const s = state(params);
  const head = [el("h1", {}, t("nav.dashboards")), form(s)];
  view.replaceChildren(...head, el("p", { class: "muted" }, t("common.loading")));
  const q = query(s);
  const summary = await api("/dashboards/summary", { params: q });
  const csv = el("button", { type: "button", id: "export-csv", class: "secondary",
    onclick: () => download(`/dashboards/summary.csv?${new URLSearchParams(
      Object.entries(q).filter(([, v]) => v))}`, `callqa-summary-${s.period}-${s.group_by}.csv`)
      .catch((err) => csv.after(errorBox(err))) }, t("dash.export_csv"));
  if (summary.data.length === 0) {
    view.replaceChildren(...head, el("p", { class: "card", id: "dashboard-empty" }, t("dash.empty")));
    return;
  }
  const labels = [...new Set(summary.data.map((r) => r.start))].sort();
  const regrouped = regroup(summary.data, s.group_by, Number(s.top), summary.names || {});
  const total = summary.data.reduce((a, r) => a + r.calls, 0);
  const keys = Object.keys(METRICS).filter((k) => s.show === "all" || METRICS[k].set === s.show);
  view.replaceChildren(...head,
    el("div", { class: "dashboard-head" },
      el("p", { class: "muted" }, tn("dash.summary", total, { from: day(labels[0]), to: day(labels[labels.length - 1]),
                                                             period: label("period", s.period) })),
      csv),
    kpiTiles(s, summary.data, regrouped),
    legend(regrouped.groups),
    el("div", { class: "dashboard", id: "dashboard" }, keys.map((k) => metricCard(k, labels, regrouped, s))));
}
