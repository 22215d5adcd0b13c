// The review queue: flagged and disputed calls, highest priority first, with filters as
// choices (from GET /review-queue/choices: only what the calls in sight have), sortable
// columns, rows that open the call, and "Open the next call" (?disputed=true: only calls
// with an open dispute).
import { api, clock, el, num, pageLink, pager } from "./api.js";
import { dateTime, label, t } from "./i18n.js";

const PAGE = 20;
// (query name, label, the choices' list in /review-queue/choices, how a choice is named)
const CHOICES = [
  ["team", () => t("filter.team"), "teams", (v) => v],
  ["agent", () => t("filter.agent"), "agents", null],
  ["queue", () => t("filter.queue"), "queues", (v) => v],
  ["flag", () => t("filter.flag"), "flags", (v) => label("flag", v)],
  ["language", () => t("filter.language"), "languages", (v) => label("lang", v)],
];
const NUMBERS = [["score_min", () => t("filter.score_min")], ["score_max", () => t("filter.score_max")]];
const FIELDS = [...CHOICES.map(([name]) => name), ...NUMBERS.map(([name]) => name)];

function choice([name, text, list, named], params, choices) {
  const options = name === "agent"
    ? choices.agents.map((a) => [a.external_id, a.name ? `${a.name} (${a.external_id})` : a.external_id])
    : choices[list].map((v) => [v, named(v)]);
  const chosen = params.get(name) || "";
  if (chosen && !options.some(([v]) => v === chosen)) options.push([chosen, chosen]);  // a link's value
  return el("label", {}, text(), el("select", { name },
    el("option", { value: "" }, t("common.any")),
    options.map(([v, shown]) => el("option", { value: v, selected: v === chosen }, shown))));
}

function filterForm(params, choices) {
  const numbers = NUMBERS.map(([name, text]) => el("label", {}, text(),
    el("input", { name, value: params.get(name) || "", type: "number", min: 0, max: 100 })));
  const disputed = el("label", { class: "check" }, el("input", { type: "checkbox", name: "disputed", value: "true",
    id: "queue-disputed", checked: params.get("disputed") === "true" }), t("dispute.only"));
  const form = el("form", { class: "filters", id: "queue-filters" },
    ...CHOICES.map((c) => choice(c, params, choices)), ...numbers, disputed,
    el("button", { type: "submit" }, t("common.filter")),
    el("button", { type: "reset" }, t("common.clear")));
  const go = (data) => {
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, v);
    if (params.get("sort")) next.set("sort", params.get("sort"));
    location.hash = `#/queue?${next}`;
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); go(new FormData(form)); });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  return form;
}

function flagList(item) {
  return el("ul", { class: "flags" }, item.flag_details.map((f) =>
    el("li", { class: `sev-${f.severity}`, title: f.reason, dataset: { code: f.code } },
       el("b", {}, label("flag", f.code)), ` ${f.reason}`)));
}

/** Why the call is this high: its most urgent flag, or its open dispute. */
function priorityWhy(item) {
  const top = [...item.flag_details].sort((a, b) => b.priority - a.priority)[0];
  if (top) return t("queue.priority_of", { flag: label("flag", top.code), severity: label("severity", top.severity) });
  return item.disputed ? t("queue.priority_disputed") : "";
}

const callHref = (item) => `#/calls/${encodeURIComponent(item.id)}`;

function row(item) {
  const open = () => { location.hash = callHref(item); };
  const status = item.review_id ? t("queue.in_review", { reviewer: item.reviewer })
    : item.disputed ? t("queue.disputed") : t("queue.new");
  const why = priorityWhy(item);
  return el("tr", { class: "queue-row", dataset: { callId: item.id }, onclick: (e) => { if (!e.target.closest("a")) open(); } },
    el("td", { class: "num priority", title: why }, num(item.priority), why ? el("div", { class: "muted why" }, why) : null),
    el("td", {}, el("a", { href: callHref(item), class: "call-link" }, dateTime(item.started_at))),
    el("td", {}, item.agent_name || item.agent || "–", el("div", { class: "muted" }, item.agent || "")),
    el("td", {}, item.team || "–"), el("td", {}, item.queue || "–"),
    el("td", {}, label("lang", item.language)), el("td", {}, clock(item.duration)),
    el("td", { class: "num" }, num(item.score), item.auto_failed ? el("span", { class: "badge fail" }, t("common.auto_fail")) : null),
    el("td", {}, flagList(item)), el("td", {}, status));
}

// The columns, and the sort each header sets (null: not sortable).
const COLUMNS = [
  [() => t("col.priority"), "priority"], [() => t("col.started"), "started_at"], [() => t("col.agent"), null],
  [() => t("col.team"), null], [() => t("col.queue"), null], [() => t("col.language"), null],
  [() => t("col.length"), "duration"], [() => t("col.score"), "score"], [() => t("col.flags"), null],
  [() => t("col.review"), null],
];

function header(params) {
  const sort = params.get("sort") || "-priority";
  return el("tr", {}, COLUMNS.map(([text, key]) => {
    if (!key) return el("th", { scope: "col" }, text());
    const now = sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none";
    const next = new URLSearchParams(params);
    next.delete("skip");
    next.set("sort", now === "descending" ? key : `-${key}`);
    return el("th", { scope: "col", "aria-sort": now, dataset: { sort: key } },
      el("a", { href: `#/queue?${next}`, class: "sort" }, text()));  // ▲/▼ from the stylesheet
  }));
}

export async function renderQueue(view, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries(FIELDS.map((name) => [name, params.get(name) || ""]));
  if (params.get("disputed") === "true") query.disputed = "true";
  if (params.get("sort")) query.sort = params.get("sort");
  view.replaceChildren(el("h1", {}, t("nav.queue")), el("p", { class: "muted" }, t("common.loading")));
  const [page, choices] = await Promise.all([
    api("/review-queue", { params: { ...query, skip, limit: PAGE } }), api("/review-queue/choices")]);
  const nextUp = page.data.find((item) => !item.review_id);
  const next = el("a", { class: "button", id: "queue-next", href: nextUp ? callHref(nextUp) : null,
                         "aria-disabled": nextUp ? null : "true" },
    nextUp ? t("queue.next") : t("queue.no_next"));
  const empty = query.disputed ? t("dispute.queue_empty") : t("queue.empty");
  const table = page.data.length === 0 ? el("p", { class: "card", id: "queue-empty" }, empty) :
    el("table", { class: "queue", id: "queue-table" },
      el("thead", {}, header(params)), el("tbody", {}, page.data.map(row)));
  view.replaceChildren(el("h1", {}, t("nav.queue")), filterForm(params, choices),
    el("div", { class: "queue-head" }, el("p", { class: "muted", id: "priority-note" }, t("queue.priority_note")), next),
    table, pager(page, skip, PAGE, pageLink("queue", params)));
}
