// The review queue: flagged and disputed calls, highest priority first, with filters.
import { api, clock, el, num, pageLink, pager } from "./api.js";

const FILTERS = [
  ["team", "Team"], ["agent", "Agent id"], ["queue", "Queue"], ["flag", "Flag code"],
  ["language", "Language"], ["score_min", "Score ≥"], ["score_max", "Score ≤"],
];
const PAGE = 20;

function filterForm(params) {
  const inputs = FILTERS.map(([name, label]) => el("label", {}, label,
    el("input", { name, value: params.get(name) || "",
                  type: name.startsWith("score") ? "number" : "text",
                  min: name.startsWith("score") ? 0 : null,
                  max: name.startsWith("score") ? 100 : null })));
  const form = el("form", { class: "filters", id: "queue-filters" }, ...inputs,
    el("button", { type: "submit" }, "Filter"),
    el("button", { type: "reset" }, "Clear"));
  const go = (data) => {
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, v);
    location.hash = `#/queue?${next}`;
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); go(new FormData(form)); });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  return form;
}

function flagList(item) {
  return el("ul", { class: "flags" }, item.flag_details.map((f) =>
    el("li", { class: `sev-${f.severity}`, title: f.reason },
       el("b", {}, f.code), ` ${f.reason}`)));
}

function row(item) {
  const open = () => { location.hash = `#/calls/${encodeURIComponent(item.id)}`; };
  const status = item.review_id ? `in review (${item.reviewer})` : item.disputed ? "disputed" : "new";
  return el("tr", { class: "queue-row", dataset: { callId: item.id }, tabindex: 0, onclick: open,
                    onkeydown: (e) => { if (e.key === "Enter") open(); } },
    el("td", { class: "num" }, num(item.priority)),
    el("td", {}, item.started_at ? new Date(item.started_at).toLocaleString() : "–"),
    el("td", {}, item.agent_name || item.agent || "–", el("div", { class: "muted" }, item.agent || "")),
    el("td", {}, item.team || "–"), el("td", {}, item.queue || "–"),
    el("td", {}, item.language || "–"), el("td", {}, clock(item.duration)),
    el("td", { class: "num" }, num(item.score), item.auto_failed ? el("span", { class: "badge fail" }, "auto-fail") : null),
    el("td", {}, flagList(item)), el("td", {}, status));
}

export async function renderQueue(view, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries(FILTERS.map(([name]) => [name, params.get(name) || ""]));
  view.replaceChildren(el("h1", {}, "Review queue"), filterForm(params), el("p", { class: "muted" }, "Loading…"));
  const page = await api("/review-queue", { params: { ...query, skip, limit: PAGE } });
  const table = page.data.length === 0 ? el("p", { class: "card" }, "Nothing to review.") :
    el("table", { class: "queue", id: "queue-table" },
      el("thead", {}, el("tr", {}, ["Priority", "Started", "Agent", "Team", "Queue", "Lang",
                                    "Length", "Score", "Flags", "Review"].map((h) => el("th", {}, h)))),
      el("tbody", {}, page.data.map(row)));
  view.replaceChildren(el("h1", {}, "Review queue"), filterForm(params), table,
    pager(page, skip, PAGE, pageLink("queue", params)));
}
