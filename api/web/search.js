// Trainers' call search: transcript words, flag code, criterion + verdict, sentiment and
// score range over GET /calls; each result opens the call page.
import { api, clock, el, num, pageLink, pager } from "./api.js";

const PAGE = 20;
const FIELDS = [
  ["q", "Transcript text", "text"], ["flag", "Flag code", "text"],
  ["criterion", "Criterion id", "text"], ["verdict", "Verdict", ["", "pass", "fail", "na"]],
  ["sentiment", "Customer sentiment", ["", "positive", "neutral", "negative"]],
  ["score_min", "Score ≥", "number"], ["score_max", "Score ≤", "number"],
];

function searchForm(params) {
  const inputs = FIELDS.map(([name, label, type]) => el("label", {}, label,
    Array.isArray(type)
      ? el("select", { name }, type.map((v) => el("option", { value: v, selected: params.get(name) === v }, v || "any")))
      : el("input", { name, type, value: params.get(name) || "",
                      min: type === "number" ? 0 : null, max: type === "number" ? 100 : null })));
  const form = el("form", { class: "filters", id: "search-form" }, ...inputs,
    el("button", { type: "submit" }, "Search"), el("button", { type: "reset" }, "Clear"));
  const go = (data) => {
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, v);
    location.hash = `#/search?${next}`;
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); go(new FormData(form)); });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  return form;
}

function row(call) {
  const open = () => { location.hash = `#/calls/${encodeURIComponent(call.id)}`; };
  return el("tr", { class: "queue-row result-row", dataset: { callId: call.id }, tabindex: 0, onclick: open,
                    onkeydown: (e) => { if (e.key === "Enter") open(); } },
    el("td", {}, call.started_at ? new Date(call.started_at).toLocaleString() : "–"),
    el("td", {}, call.agent_name || call.agent || "–", el("div", { class: "muted" }, call.agent || "")),
    el("td", {}, call.team || "–"), el("td", {}, call.queue || "–"), el("td", {}, call.language || "–"),
    el("td", {}, clock(call.duration)),
    el("td", { class: "num" }, num(call.score), call.auto_failed ? el("span", { class: "badge fail" }, "auto-fail") : null),
    el("td", {}, (call.flags || []).join(", ")));
}

export async function renderSearch(view, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries(FIELDS.map(([name]) => [name, params.get(name) || ""]));
  // the form is drawn once, so what is typed while the results load is kept
  const form = searchForm(params);
  view.replaceChildren(el("h1", {}, "Search calls"), form, el("p", { class: "muted" }, "Loading…"));
  const page = await api("/calls", { params: { ...query, skip, limit: PAGE } });
  const table = page.data.length === 0 ? el("p", { class: "card", id: "search-empty" }, "No calls match.") :
    el("table", { class: "queue", id: "search-results" },
      el("thead", {}, el("tr", {}, ["Started", "Agent", "Team", "Queue", "Lang", "Length", "Score", "Flags"]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, page.data.map(row)));
  view.replaceChildren(el("h1", {}, "Search calls"), form, table,
    pager(page, skip, PAGE, pageLink("search", params)));
}
