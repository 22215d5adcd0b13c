// Supervisors' disputes (#/disputes): open ones first, each with its call, the agent,
// the reason beside the disputed criteria (automatic verdict and evidence quote), and the
// forms to accept it (a verdict per criterion) or reject it (a comment); decided ones show
// their decision. ?status=open|accepted|rejected narrows the list.
import { api, el, pageLink, pager } from "./api.js";
import { label, t } from "./i18n.js";
import { disputeCard } from "./dispute_parts.js";

const PAGE = 20;
const STATUSES = ["open", "accepted", "rejected"];

function tabs(current) {
  const tab = (status, text) => el("a", {
    href: status ? `#/disputes?status=${status}` : "#/disputes",
    class: `tab${current === status ? " active" : ""}`, "aria-current": current === status ? "page" : null,
  }, text);
  return el("nav", { class: "tabs", id: "dispute-tabs", "aria-label": t("dispute.filter") },
    tab("", t("dispute.all")), STATUSES.map((s) => tab(s, label("dispute", s))));
}

export async function renderDisputes(view, params) {
  const status = STATUSES.includes(params.get("status")) ? params.get("status") : "";
  const skip = Math.max(0, Number(params.get("skip")) || 0);
  const head = [el("h1", {}, t("nav.disputes")), el("p", { class: "muted" }, t("dispute.intro")), tabs(status)];
  view.replaceChildren(...head, el("p", { class: "muted" }, t("common.loading")));
  const page = await api("/disputes", { params: { status, skip, limit: PAGE } });
  const reload = () => renderDisputes(view, params);
  const list = page.data.length === 0 ? el("p", { class: "card", id: "disputes-empty" }, t("dispute.none")) :
    el("div", { id: "dispute-list" }, page.data.map((d) => disputeCard(d, { decide: true, callLink: true, done: reload })));
  view.replaceChildren(...head, list, pager(page, skip, PAGE, pageLink("disputes", params)));
}
