// Admin: the audit log, newest first, filtered by action, object, user and time, 50 a page.
import { api, el, pager } from "./api.js";
import { dateTime, t } from "./i18n.js";

const PAGE = 50;
const FIELDS = ["action", "object_type", "object_id", "user_id", "since"];

function detail(entry) {
  const parts = Object.entries(entry.detail || {}).filter(([, v]) => v !== null && v !== undefined)  // no "null"
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`);
  return el("code", { class: "detail" }, parts.join("  ") || "–");
}

/** The entry's object, and the call it is about as a link (the object itself, or its call). */
function object(entry) {
  const callId = entry.object_type === "call" ? entry.object_id : entry.detail?.call_id;
  const callLink = callId && callId !== "[erased]"
    ? el("a", { href: `#/calls/${encodeURIComponent(callId)}`, class: "audit-call" },
         entry.object_type === "call" ? `${t("audit.call")} ${String(callId).slice(0, 8)}` : t("audit.open_call"))
    : null;
  if (entry.object_type === "call") return callLink || `${entry.object_type} ${entry.object_id}`;
  return [`${entry.object_type} ${entry.object_id ?? ""}`, callLink ? el("div", {}, callLink) : null];
}

export async function renderAudit(node, params) {
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const query = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) || ""]));
  const [page, users] = await Promise.all([
    api("/audit", { params: { ...query, since: query.since ? new Date(query.since).toISOString() : "", skip, limit: PAGE } }),
    api("/users", { params: { limit: 200 } })]);
  const go = (data, to = 0) => {
    const next = new URLSearchParams({ tab: "audit" });
    for (const [k, v] of data) if (v && k !== "tab") next.set(k, v);
    if (to) next.set("skip", to);
    location.hash = `#/admin?${next}`;
  };
  const form = el("form", { class: "filters", id: "audit-filters" },
    el("label", {}, t("audit.action"), el("input", { name: "action", value: query.action, placeholder: t("audit.action_example"),
                                                    list: "audit-actions" })),
    el("datalist", { id: "audit-actions" }, ["auth.login_failed", "user.create", "user.update", "user.password_change",
      "user.language", "review.close", "dispute.accept", "score.acknowledge", "clip.delete", "rubric.activate", "rubric.rescore"]
      .map((a) => el("option", { value: a }))),
    el("label", {}, t("audit.object_type"), el("input", { name: "object_type", value: query.object_type,
                                                         placeholder: t("audit.object_type_example") })),
    el("label", {}, t("audit.object_id"), el("input", { name: "object_id", value: query.object_id })),
    el("label", {}, t("admin.user"), el("select", { name: "user_id" }, el("option", { value: "" }, t("audit.anyone")),
      users.data.map((u) => el("option", { value: u.id, selected: String(u.id) === query.user_id }, u.username)))),
    el("label", {}, t("audit.since"), el("input", { type: "datetime-local", name: "since", value: query.since })),
    el("button", { type: "submit" }, t("common.filter")), el("button", { type: "reset" }, t("common.clear")));
  form.addEventListener("submit", (e) => { e.preventDefault(); go(new FormData(form)); });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  const link = (to, label) => el("button", { type: "button", class: "secondary", onclick: () => go(params, to) }, label);
  node.replaceChildren(form,
    page.data.length === 0 ? el("p", { class: "card", id: "audit-empty" }, t("audit.empty")) :
      el("table", { id: "audit-table" },
        el("thead", {}, el("tr", {}, [t("audit.when"), t("audit.who"), t("audit.action"), t("audit.object"), t("audit.detail")]
          .map((h) => el("th", {}, h)))),
        el("tbody", {}, page.data.map((e) => el("tr", { dataset: { action: e.action } },
          el("td", {}, dateTime(e.at)), el("td", {}, e.username || "–"),
          el("td", {}, el("b", {}, e.action)), el("td", {}, object(e)), el("td", {}, detail(e)))))),
    pager(page, skip, PAGE, link, [t("pager.newer"), t("pager.older")]));
}
