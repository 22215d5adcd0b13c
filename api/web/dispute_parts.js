// The pieces of a dispute that several pages show: the agent's form (tick the criteria
// you contest, say why), the disputed criteria beside the reason, the decision (accepted:
// old → new total and the verdicts given; rejected: the comment), the supervisor's
// accept / reject forms, and the "scored by <name>" mark of a scorecard a person made.
import { api, el, errorBox, num } from "./api.js";
import { dateTime, label, t } from "./i18n.js";

/** "Scored by <name>" for a scorecard a person made (a review, an accepted dispute). */
export function scoredBy(card) {
  if (!card?.scored_by) return null;
  return el("span", { class: "badge scored-by", title: t("dispute.scored_by_title") },
            t("dispute.scored_by", { name: card.scored_by }));
}

/** The agent's dispute form for `card` (their scorecard): the criteria to contest (at
 * least one ticked) and the reason; `done()` after it is sent. Hidden until shown. */
export function disputeForm(card, done) {
  const error = el("div");
  const boxes = card.results.map((r) => el("label", { class: "check" },
    el("input", { type: "checkbox", name: "criteria", value: r.id, dataset: { criterion: r.criterion_id } }),
    `${r.title || r.criterion_id} (${label("verdict", r.verdict)})`));
  const form = el("form", { id: "dispute-form", class: "close-form", hidden: true },
    el("fieldset", { class: "wide dispute-criteria" }, el("legend", {}, t("dispute.which_criteria")), boxes),
    el("label", { class: "wide" }, t("agent.why_wrong"),
       el("textarea", { name: "reason", required: true, minlength: 3, rows: 3 })),
    el("button", { type: "submit" }, t("agent.send_dispute")), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const criteria = data.getAll("criteria").map(Number);
    if (criteria.length === 0) {
      error.replaceChildren(el("p", { class: "error", role: "alert" }, t("dispute.pick_criteria")));
      return;
    }
    try {
      await api("/disputes", { method: "POST", body: { score_id: card.id, reason: data.get("reason"), criteria } });
      await done();
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return form;
}

function quote(c) {
  const ev = (c.evidence || []).find((e) => e.quote);
  return ev ? el("q", { class: "muted" }, ev.quote) : el("span", { class: "muted" }, t("dispute.no_quote"));
}

/** The disputed criteria: title, the automatic verdict with its evidence quote, and the
 * verdict a decision gave. */
export function disputedCriteria(d) {
  return el("ul", { class: "flags dispute-criteria-list" }, d.criteria.map((c) =>
    el("li", { class: "disputed-criterion", dataset: { criterion: c.criterion_id, resultId: c.id } },
      el("b", { title: c.criterion_id }, c.title || c.criterion_id), " ",
      el("span", { class: `verdict v-${c.automatic_verdict}` }, label("verdict", c.automatic_verdict)),
      ` ${num(c.automatic_points)}/${num(c.max_points)} `,
      c.decided_verdict ? [` → `, el("span", { class: `verdict v-${c.decided_verdict} decided` },
                                      label("verdict", c.decided_verdict)), ` ${num(c.decided_points)}`] : null,
      el("div", {}, quote(c)))));
}

/** What was decided, in one paragraph (nothing yet for an open dispute). */
export function decision(d) {
  if (d.status === "accepted") {
    const changed = d.criteria.filter((c) => c.decided_verdict && c.decided_verdict !== c.automatic_verdict);
    return el("div", { class: "dispute-decision", dataset: { status: d.status } },
      el("p", {}, t("dispute.accepted_by", { name: d.decider || "–", when: dateTime(d.decided_at) }), " ",
         el("b", { class: "dispute-totals" }, t("dispute.totals", { old: num(d.old_score), new: num(d.new_score) }))),
      changed.length ? el("ul", { class: "dispute-changes" }, changed.map((c) => el("li", {},
        t("dispute.changed_verdict", { title: c.title || c.criterion_id, old: label("verdict", c.automatic_verdict),
                                       new: label("verdict", c.decided_verdict) })))) :
        el("p", { class: "muted" }, t("dispute.none_changed")),
      d.decision_comment ? el("p", { class: "dispute-comment" }, d.decision_comment) : null);
  }
  if (d.status === "rejected") {
    return el("div", { class: "dispute-decision", dataset: { status: d.status } },
      el("p", {}, t("dispute.rejected_by", { name: d.decider || "–", when: dateTime(d.decided_at) })),
      el("p", { class: "dispute-comment" }, d.decision_comment || ""));
  }
  return el("p", { class: "muted dispute-decision", dataset: { status: d.status } }, t("dispute.waiting"));
}

/** The supervisor's accept (a verdict per disputed criterion) and reject (a comment)
 * forms for the open dispute `d`; `done()` after a decision. */
export function decideForms(d, done) {
  const error = el("div");
  const send = async (body) => {
    try {
      await api(`/disputes/${d.id}/decision`, { method: "POST", body });
      await done();
    } catch (err) { error.replaceChildren(errorBox(err)); }
  };
  const rows = d.criteria.map((c) => el("div", { class: "wide override-form", dataset: { resultId: c.id } },
    el("label", {}, t("dispute.verdict_for", { title: c.title || c.criterion_id }),
       el("select", { name: `verdict-${c.id}`, dataset: { criterion: c.criterion_id } },
         ["pass", "fail", "na"].map((v) => el("option", { value: v, selected: v === c.automatic_verdict }, label("verdict", v))))),
    el("label", {}, t("review.points"), el("input", { name: `points-${c.id}`, type: "number", step: "any", min: 0,
                                                     max: c.max_points || null, placeholder: t("review.points_default") }))));
  const accept = el("form", { class: "close-form accept-form", id: `accept-${d.id}` },
    el("h3", { class: "wide" }, t("dispute.accept_title")), rows,
    el("label", { class: "wide" }, t("dispute.comment_optional"), el("textarea", { name: "comment", rows: 2 })),
    el("button", { type: "submit" }, t("dispute.accept")));
  accept.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(accept);
    send({ decision: "accepted", comment: data.get("comment") || "", verdicts: d.criteria.map((c) => {
      const points = data.get(`points-${c.id}`);
      return { criterion_result_id: c.id, verdict: data.get(`verdict-${c.id}`),
               points: points === "" || points === null ? null : Number(points) };
    }) });
  });
  const reject = el("form", { class: "close-form reject-form", id: `reject-${d.id}` },
    el("h3", { class: "wide" }, t("dispute.reject_title")),
    el("label", { class: "wide" }, t("dispute.reject_comment"), el("textarea", { name: "comment", rows: 2, required: true })),
    el("button", { type: "submit", class: "secondary" }, t("dispute.reject")));
  reject.addEventListener("submit", (e) => {
    e.preventDefault();
    send({ decision: "rejected", comment: new FormData(reject).get("comment") });
  });
  return el("div", { class: "decide-forms" }, accept, reject, error);
}

/** One dispute as a card: who, when, the reason beside the disputed criteria, and the
 * decision, or (`decide`, for an open one) the forms to decide it. */
export function disputeCard(d, { decide = false, callLink = false, done = async () => {} } = {}) {
  return el("section", { class: "card dispute", id: `dispute-${d.id}`, dataset: { disputeId: d.id, callId: d.call_id, status: d.status } },
    el("h2", {}, t("dispute.title", { agent: d.agent_name || d.agent || "–" }),
       el("span", { class: `badge dispute-${d.status}` }, label("dispute", d.status))),
    el("p", { class: "muted" }, t("dispute.opened", { when: dateTime(d.created_at), score: num(d.old_score) }),
       callLink ? [" · ", el("a", { href: `#/calls/${encodeURIComponent(d.call_id)}`, class: "dispute-call" }, t("dispute.open_call"))] : null),
    el("div", { class: "dispute-body" },
      el("div", { class: "dispute-reason" }, el("h3", {}, t("dispute.reason")), el("blockquote", {}, d.reason)),
      el("div", {}, el("h3", {}, t("dispute.criteria")),
         d.whole_scorecard ? el("p", { class: "muted whole-scorecard" }, t("dispute.whole_scorecard")) : null,
         disputedCriteria(d))),
    d.status === "open" && decide ? decideForms(d, done) : decision(d));
}

/** The latest dispute of each call among `disputes` (call id -> dispute). */
export function latestByCall(disputes) {
  const out = new Map();
  for (const d of disputes) if (!out.has(d.call_id) || out.get(d.call_id).id < d.id) out.set(d.call_id, d);
  return out;
}

/** A short line of the decision for a list row (the agent's page). */
export function decisionLine(d) {
  if (!d || d.status === "open") return null;
  const changed = d.criteria.filter((c) => c.decided_verdict && c.decided_verdict !== c.automatic_verdict)
    .map((c) => `${c.title || c.criterion_id}: ${label("verdict", c.automatic_verdict)} → ${label("verdict", c.decided_verdict)}`);
  return el("div", { class: "muted dispute-line", dataset: { status: d.status } },
    d.status === "accepted" ? [t("dispute.totals", { old: num(d.old_score), new: num(d.new_score) }),
                               changed.length ? ` (${changed.join("; ")})` : ""]
      : t("dispute.rejected_line", { comment: d.decision_comment || "" }));
}
