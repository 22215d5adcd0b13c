// One customer's calls (#/customer?ref=<customer_ref> or ?call=<a call of theirs>): why
// each call was made, its score and flags, and which call it repeats, newest first. For
// admins, supervisors and trainers; redacted as everywhere else (no transcript here).
import { api, el, num } from "./api.js";
import { dateTime, label, t } from "./i18n.js";

export const CUSTOMER_READERS = ["admin", "supervisor", "trainer"];

function item(c, when) {
  const href = `#/calls/${encodeURIComponent(c.id)}`;
  return el("li", { class: "card customer-call", dataset: { callId: c.id, repeat: c.repeat_of ? "true" : "false" } },
    el("a", { href, class: "customer-call-link" }, c.started_at ? dateTime(c.started_at) : t("customer.undated")),
    el("span", { class: "muted" }, ` · ${c.agent_name || c.agent || "–"}${c.queue ? ` · ${c.queue}` : ""}`),
    el("div", { class: "customer-reason" }, c.reason_title || t("call.no_reason"),
       c.repeat_of ? el("span", { class: "badge complaint" }, t("customer.repeat")) : null),
    el("div", { class: "muted" }, t("customer.score", { score: c.score === null ? "–" : num(c.score) }),
       c.flags.length ? ` · ${c.flags.map((f) => label("flag", f)).join(", ")}` : ""),
    c.repeat_of ? el("div", { class: "muted" }, t("customer.repeats"), " ",
      el("a", { href: `#/calls/${encodeURIComponent(c.repeat_of)}` }, when.get(c.repeat_of) || t("customer.earlier_call"))) : null);
}

export async function renderCustomer(view, params) {
  const ref = params.get("ref"), call = params.get("call");
  view.replaceChildren(el("h1", {}, t("customer.title")), el("p", { class: "muted" }, t("common.loading")));
  const data = ref ? await api(`/customers/${encodeURIComponent(ref)}`)
    : await api(`/customers/of-call/${encodeURIComponent(call || "")}`);
  const when = new Map(data.calls.map((c) => [c.id, c.started_at ? dateTime(c.started_at) : t("customer.undated")]));
  view.replaceChildren(
    el("h1", {}, data.customer_ref ? t("customer.title_ref", { ref: data.customer_ref }) : t("customer.title")),
    el("p", { id: "customer-summary" }, t("customer.summary", { count: data.count, repeats: data.repeats }),
       data.more ? ` ${t("customer.more")}` : ""),
    el("ol", { class: "customer-calls", id: "customer-calls" }, data.calls.map((c) => item(c, when))));
}
