// A supervisor's review of one call: start it (assign to self), override criteria with a
// comment, close it with a final score, and see the automatic vs human diff.
import { api, el, errorBox, num } from "./api.js";
import { dateTime, label, t, tn } from "./i18n.js";

/** The automatic vs human table; `titles` maps criterion ids to the scorecard's titles. */
function diffTable(diff, titles) {
  return el("div", { class: "diff", id: "review-diff" },
    el("p", {}, `${t("review.automatic")} `, el("b", {}, num(diff.automatic_total)), ` → ${t("review.human_total")} `,
       el("b", {}, num(diff.human_total)),
       diff.final_score === null ? "" : [` · ${t("review.final")} `, el("b", { class: "final" }, num(diff.final_score))],
       ` · ${tn("review.changed", diff.changed)}`),
    el("table", { class: "criteria" },
      el("thead", {}, el("tr", {}, [t("col.criterion"), t("review.automatic"), t("review.human"), t("review.comment")]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, diff.criteria.map((r) => el("tr", { class: r.changed ? "changed" : "", dataset: { criterion: r.criterion_id } },
        el("td", { title: r.criterion_id }, r.title || titles.get(r.criterion_id) || r.criterion_id),
        el("td", {}, el("span", { class: `verdict v-${r.automatic_verdict}` }, label("verdict", r.automatic_verdict)), ` ${num(r.automatic_points)}`),
        el("td", {}, el("span", { class: `verdict v-${r.human_verdict}` }, label("verdict", r.human_verdict)), ` ${num(r.human_points)}`),
        el("td", {}, r.comment || ""))))));
}

function overrideForm(review, result, done) {
  const error = el("div");
  const form = el("form", { class: "override-form" },
    el("label", {}, t("col.verdict"), el("select", { name: "verdict" },
      ["pass", "fail", "na"].map((v) => el("option", { value: v, selected: v === result.verdict }, label("verdict", v))))),
    el("label", {}, t("review.points"), el("input", { name: "points", type: "number", step: "any", min: 0,
                                                     placeholder: t("review.points_default") })),
    el("label", { class: "wide" }, t("review.comment"), el("textarea", { name: "comment", required: true, rows: 2 })),
    el("button", { type: "submit" }, t("review.save_override")), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      await api(`/reviews/${review.id}/criteria/${result.id}`, { method: "PUT", body: {
        verdict: data.verdict, comment: data.comment,
        points: data.points === "" ? null : Number(data.points) } });
      await done();
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return form;
}

/** The review panel for `call`; `redraw(panel)` re-renders the side column after a change. */
export async function reviewPanel(call, user, redraw) {
  const reviews = (await api("/reviews", { params: { call_id: call.id, limit: 20 } })).data;
  const open = reviews.find((r) => r.status === "open");
  const latest = open || reviews[0];
  const mine = open && (open.reviewer_id === user.id || user.role === "admin") &&
    call.scorecard && call.scorecard.id === open.score_id;
  // my open review, on a scorecard replaced since (an accepted dispute, a rescore)
  const stale = open && open.reviewer_id === user.id && call.scorecard && !mine;
  const error = el("div");
  const reload = async () => redraw(await reviewPanel(call, user, redraw));
  const guard = (fn) => async (e) => {
    e.preventDefault();
    try { await fn(e); } catch (err) { error.replaceChildren(errorBox(err)); }
  };
  const diff = latest ? await api(`/reviews/${latest.id}/diff`) : null;

  const titles = new Map((call.scorecard?.results || []).map((r) => [r.criterion_id, r.title]));
  const node = el("section", { class: "card", id: "review" }, el("h2", {}, t("col.review")));
  if (!open) {
    if (latest) node.append(el("p", { class: "status", id: "review-status" },
      t("review.closed_by", { reviewer: latest.reviewer, score: num(latest.final_score) }),
      latest.comment ? ` — ${latest.comment}` : ""));
    else node.append(el("p", { class: "muted", id: "review-status" }, t("review.not_reviewed")));
    if (call.scorecard) node.append(el("button", { type: "button", id: "start-review", onclick: guard(async () => {
      await api("/reviews", { method: "POST", body: { call_id: call.id } });
      await reload();
    }) }, latest ? t("review.again") : t("review.start")));
  } else if (stale) {
    node.append(el("p", { class: "notice", id: "review-status" }, t("review.stale", { id: open.id })),
      el("button", { type: "button", id: "rebase-review", onclick: guard(async () => {
        await api("/reviews", { method: "POST", body: { call_id: call.id } });
        await reload();
      }) }, t("review.rebase")));
  } else if (!mine) {
    node.append(el("p", { class: "status", id: "review-status" },
      t("review.in_review_by", { reviewer: open.reviewer, since: dateTime(open.opened_at) })));
  } else {
    node.append(el("p", { class: "status", id: "review-status" }, t("review.yours_open", { id: open.id })));
    const close = el("form", { class: "close-form", id: "close-review" },
      el("label", {}, t("review.final_score"), el("input", { name: "final_score", type: "number", step: "any", min: 0, max: 100,
                                                            placeholder: diff ? num(diff.human_total) : "" })),
      el("label", { class: "wide" }, t("review.comment"), el("textarea", { name: "comment", rows: 2 })),
      el("button", { type: "submit" }, t("review.close")));
    close.addEventListener("submit", guard(async () => {
      const data = Object.fromEntries(new FormData(close));
      await api(`/reviews/${open.id}/close`, { method: "POST", body: {
        final_score: data.final_score === "" ? null : Number(data.final_score),
        comment: data.comment || null } });
      window.dispatchEvent(new HashChangeEvent("hashchange"));  // reload: the call's score changed
    }));
    node.append(close);
  }
  node.append(error);
  if (diff) node.append(el("h3", {}, t("review.diff_title")), diffTable(diff, titles));

  const overrides = new Map((open?.overrides || []).map((o) => [o.criterion_result_id, o]));
  const overrideCell = mine ? (result) => {
    const o = overrides.get(result.id);
    const slot = el("div", { class: "override" });
    const show = () => slot.replaceChildren(
      o ? el("p", { class: "human" }, `${t("review.human")}: `, el("span", { class: `verdict v-${o.verdict}` }, label("verdict", o.verdict)),
             ` ${num(o.points)} — ${o.comment}`) : "",
      el("button", { type: "button", class: "link override-button", onclick: () => slot.replaceChildren(overrideForm(open, result, reload)) },
         o ? t("review.change_override") : t("review.override")));
    show();
    return slot;
  } : null;
  return { node, overrideCell };
}
