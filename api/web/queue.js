// The review queue: flagged and disputed calls, highest priority first, with filters
// (?disputed=true: only calls with an open dispute).
import { api, clock, el, num, pageLink, pager } from "./api.js";
import { dateTime, label, t } from "./i18n.js";

const FILTERS = [
  ["team", () => t("filter.team")], ["agent", () => t("filter.agent")], ["queue", () => t("filter.queue")],
  ["flag", () => t("filter.flag")], ["language", () => t("filter.language")],
  ["score_min", () => t("filter.score_min")], ["score_max", () => t("filter.score_max")],
];
const PAGE = 20;

function filterForm(params) {
  const inputs = FILTERS.map(([name, text]) => el("label", {}, text(),
    el("input", { name, value: params.get(name) || "",
                  type: name.startsWith("score") ? "number" : "text",
                  min: name.startsWith("score") ? 0 : null,
                  max: name.startsWith("score") ? 100 : null })));
  const disputed = el("label", { class: "check" }, el("input", { type: "checkbox", name: "disputed", value: "true",
    id: "queue-disputed", checked: params.get("disputed") === "true" }), t("dispute.only"));
  const form = el("form", { class: "filters", id: "queue-filters" }, ...inputs, disputed,
    el("button", { type: "submit" }, t("common.filter")),
    el("button", { type: "reset" }, t("common.clear")));
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
    el("li", { class: `sev-${f.severity}`, title: f.reason, dataset: { code: f.code } },
       el("b", {}, label("flag", f.code)), ` ${f.reason}`)));
}

function row(item) {
  const open = () => { location.hash = `#/calls/${encodeURIComponent(item.id)}`; };
  const status = item.review_id ? t("queue.in_review", { reviewer: item.reviewer })
    : item.disputed ? t("queue.disputed") : t("queue.new");
  return el("tr", { class: "queue-row", dataset: { callId: item.id }, tabindex: 0, onclick: open,
                    onkeydown: (e) => { if (e.key === "Enter") open(); } },
    el("td", { class: "num" }, num(item.priority)),
    el("td", {}, dateTime(item.started_at)),
    el("td", {}, item.agent_name || item.agent || "–", el("div", { class: "muted" }, item.agent || "")),
    el("td", {}, item.team || "–"), el("td", {}, item.queue || "–"),
    el("td", {}, label("lang", item.language)), el("td", {}, clock(item.duration)),
    el("td", { class: "num" }, num(item.score), item.auto_failed ? el("span", { class: "badge fail" }, t("common.auto_fail")) : null),
    el("td", {}, flagList(item)), el("td", {}, status));
}

export async function renderQueue(view, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries(FILTERS.map(([name]) => [name, params.get(name) || ""]));
  if (params.get("disputed") === "true") query.disputed = "true";
  view.replaceChildren(el("h1", {}, t("nav.queue")), filterForm(params), el("p", { class: "muted" }, t("common.loading")));
  const page = await api("/review-queue", { params: { ...query, skip, limit: PAGE } });
  const heads = [t("col.priority"), t("col.started"), t("col.agent"), t("col.team"), t("col.queue"),
                 t("col.language"), t("col.length"), t("col.score"), t("col.flags"), t("col.review")];
  const empty = query.disputed ? t("dispute.queue_empty") : t("queue.empty");
  const table = page.data.length === 0 ? el("p", { class: "card", id: "queue-empty" }, empty) :
    el("table", { class: "queue", id: "queue-table" },
      el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))),
      el("tbody", {}, page.data.map(row)));
  view.replaceChildren(el("h1", {}, t("nav.queue")), filterForm(params), table,
    pager(page, skip, PAGE, pageLink("queue", params)));
}
