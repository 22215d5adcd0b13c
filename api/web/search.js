// Trainers' call search: transcript words, flag code, criterion + verdict, sentiment and
// score range over GET /calls; each result opens the call page.
import { api, clock, el, num, pageLink, pager } from "./api.js";
import { dateTime, day, label, t } from "./i18n.js";

const PAGE = 20;
const FIELDS = [
  ["q", () => t("search.text"), "text"], ["flag", () => t("filter.flag"), "text"],
  ["criterion", () => t("search.criterion"), "text"],
  ["verdict", () => t("col.verdict"), ["", "pass", "fail", "na"], "verdict"],
  ["sentiment", () => t("search.sentiment"), ["", "positive", "neutral", "negative"], "sentiment"],
  ["score_min", () => t("filter.score_min"), "number"], ["score_max", () => t("filter.score_max"), "number"],
];

function searchForm(params) {
  const inputs = FIELDS.map(([name, text, type, kind]) => el("label", {}, text(),
    Array.isArray(type)
      ? el("select", { name }, type.map((v) => el("option", { value: v, selected: params.get(name) === v },
                                                  v ? label(kind, v) : t("common.any"))))
      : el("input", { name, type, value: params.get(name) || "",
                      min: type === "number" ? 0 : null, max: type === "number" ? 100 : null })));
  const form = el("form", { class: "filters", id: "search-form" }, ...inputs,
    el("button", { type: "submit" }, t("common.search")), el("button", { type: "reset" }, t("common.clear")));
  const go = (data) => {
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, v);
    location.hash = `#/search?${next}`;
  };
  form.addEventListener("submit", (e) => {  // a dashboard's scope stays until cleared
    e.preventDefault();
    go([...new FormData(form), ...DRILL.filter((n) => params.get(n)).map((n) => [n, params.get(n)])]);
  });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  return form;
}

function row(call) {
  const open = () => { location.hash = `#/calls/${encodeURIComponent(call.id)}`; };
  return el("tr", { class: "queue-row result-row", dataset: { callId: call.id }, tabindex: 0, onclick: open,
                    onkeydown: (e) => { if (e.key === "Enter") open(); } },
    el("td", {}, dateTime(call.started_at)),
    el("td", {}, call.agent_name || call.agent || "–", el("div", { class: "muted" }, call.agent || "")),
    el("td", {}, call.team || "–"), el("td", {}, call.queue || "–"), el("td", {}, label("lang", call.language)),
    el("td", {}, clock(call.duration)),
    el("td", { class: "num" }, num(call.score), call.auto_failed ? el("span", { class: "badge fail" }, t("common.auto_fail")) : null),
    el("td", {}, (call.flags || []).map((code) => label("flag", code)).join(", ")));
}

// What a dashboard's figure adds when it opens the calls behind it (not in the form).
const DRILL = ["team", "agent", "queue", "language", "direction", "date_from", "date_to"];

/** "Team Billing · 16 Nov 2026 – 22 Nov 2026", and a link to search without them. */
function drillNote(params) {
  const parts = [];
  const named = { team: () => t("col.team"), agent: () => t("col.agent"), queue: () => t("col.queue"),
                  direction: () => t("col.direction"), language: () => t("col.language") };
  for (const [name, title] of Object.entries(named)) {
    const v = params.get(name);
    if (v) parts.push(`${title()} ${name === "language" ? label("lang", v) : name === "direction" ? label("direction", v) : v}`);
  }
  const from = params.get("date_from"), to = params.get("date_to");
  if (from || to) {
    const last = to ? new Date(new Date(to).getTime() - 86400000).toISOString() : null;  // date_to is exclusive
    parts.push(`${from ? day(from.slice(0, 10)) : "…"} – ${last ? day(last.slice(0, 10)) : "…"}`);
  }
  if (!parts.length) return null;
  const rest = new URLSearchParams(params);
  for (const name of DRILL) rest.delete(name);
  return el("p", { class: "drill-note", id: "search-scope" }, t("search.scope"), " ", el("b", {}, parts.join(" · ")), " ",
    el("a", { href: `#/search?${rest}` }, t("search.all_calls")));
}

export async function renderSearch(view, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries([...FIELDS.map(([name]) => [name, params.get(name) || ""]),
                                    ...DRILL.map((name) => [name, params.get(name) || ""])]);
  // the form is drawn once, so what is typed while the results load is kept
  const form = searchForm(params);
  view.replaceChildren(el("h1", {}, t("nav.search")), form, el("p", { class: "muted" }, t("common.loading")));
  const page = await api("/calls", { params: { ...query, skip, limit: PAGE } });
  const heads = [t("col.started"), t("col.agent"), t("col.team"), t("col.queue"), t("col.language"),
                 t("col.length"), t("col.score"), t("col.flags")];
  const table = page.data.length === 0 ? el("p", { class: "card", id: "search-empty" }, t("search.empty")) :
    el("table", { class: "queue", id: "search-results" },
      el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))),
      el("tbody", {}, page.data.map(row)));
  view.replaceChildren(...[el("h1", {}, t("nav.search")), form, drillNote(params), table,
    pager(page, skip, PAGE, pageLink("search", params))].filter(Boolean));  // no "null" drawn
}
