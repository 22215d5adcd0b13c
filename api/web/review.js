// A supervisor's review of one call: start it (assign to self), override criteria with a
// comment, close it with a final score, and see the automatic vs human diff.
import { api, el, errorBox, num } from "./api.js";

function diffTable(diff) {
  return el("div", { class: "diff", id: "review-diff" },
    el("p", {}, "Automatic ", el("b", {}, num(diff.automatic_total)), " → human ",
       el("b", {}, num(diff.human_total)),
       diff.final_score === null ? "" : [" · final ", el("b", { class: "final" }, num(diff.final_score))],
       ` · ${diff.changed} changed`),
    el("table", { class: "criteria" },
      el("thead", {}, el("tr", {}, ["Criterion", "Automatic", "Human", "Comment"].map((h) => el("th", {}, h)))),
      el("tbody", {}, diff.criteria.map((r) => el("tr", { class: r.changed ? "changed" : "", dataset: { criterion: r.criterion_id } },
        el("td", {}, r.criterion_id),
        el("td", {}, el("span", { class: `verdict v-${r.automatic_verdict}` }, r.automatic_verdict), ` ${num(r.automatic_points)}`),
        el("td", {}, el("span", { class: `verdict v-${r.human_verdict}` }, r.human_verdict), ` ${num(r.human_points)}`),
        el("td", {}, r.comment || ""))))));
}

function overrideForm(review, result, done) {
  const error = el("div");
  const form = el("form", { class: "override-form" },
    el("label", {}, "Verdict", el("select", { name: "verdict" },
      ["pass", "fail", "na"].map((v) => el("option", { value: v, selected: v === result.verdict }, v)))),
    el("label", {}, "Points", el("input", { name: "points", type: "number", step: "any", min: 0,
                                            placeholder: "default" })),
    el("label", { class: "wide" }, "Comment", el("textarea", { name: "comment", required: true, rows: 2 })),
    el("button", { type: "submit" }, "Save override"), error);
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
  const error = el("div");
  const reload = async () => redraw(await reviewPanel(call, user, redraw));
  const guard = (fn) => async (e) => {
    e.preventDefault();
    try { await fn(e); } catch (err) { error.replaceChildren(errorBox(err)); }
  };
  const diff = latest ? await api(`/reviews/${latest.id}/diff`) : null;

  const node = el("section", { class: "card", id: "review" }, el("h2", {}, "Review"));
  if (!open) {
    if (latest) node.append(el("p", { class: "status", id: "review-status" },
      `Closed by ${latest.reviewer}: final score ${num(latest.final_score)}`, latest.comment ? ` — ${latest.comment}` : ""));
    else node.append(el("p", { class: "muted", id: "review-status" }, "Not reviewed."));
    if (call.scorecard) node.append(el("button", { type: "button", id: "start-review", onclick: guard(async () => {
      await api("/reviews", { method: "POST", body: { call_id: call.id } });
      await reload();
    }) }, latest ? "Review again" : "Start review"));
  } else if (!mine) {
    node.append(el("p", { class: "status", id: "review-status" }, `In review by ${open.reviewer} since ${new Date(open.opened_at).toLocaleString()}.`));
  } else {
    node.append(el("p", { class: "status", id: "review-status" }, `Your review #${open.id} is open: override criteria below, then close it.`));
    const close = el("form", { class: "close-form", id: "close-review" },
      el("label", {}, "Final score", el("input", { name: "final_score", type: "number", step: "any", min: 0, max: 100,
                                                   placeholder: diff ? num(diff.human_total) : "" })),
      el("label", { class: "wide" }, "Comment", el("textarea", { name: "comment", rows: 2 })),
      el("button", { type: "submit" }, "Close review"));
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
  if (diff) node.append(el("h3", {}, "Automatic vs human"), diffTable(diff));

  const overrides = new Map((open?.overrides || []).map((o) => [o.criterion_result_id, o]));
  const overrideCell = mine ? (result) => {
    const o = overrides.get(result.id);
    const slot = el("div", { class: "override" });
    const show = () => slot.replaceChildren(
      o ? el("p", { class: "human" }, "Human: ", el("span", { class: `verdict v-${o.verdict}` }, o.verdict), ` ${num(o.points)} — ${o.comment}`) : "",
      el("button", { type: "button", class: "link override-button", onclick: () => slot.replaceChildren(overrideForm(open, result, reload)) },
         o ? "Change override" : "Override"));
    show();
    return slot;
  } : null;
  return { node, overrideCell };
}
