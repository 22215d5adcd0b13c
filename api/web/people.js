// Call-page panels for roles other than the review: trainers' "Save clip" form and
// agents' acknowledge / dispute actions.
import { api, el, errorBox } from "./api.js";
import { dateTime, label, t } from "./i18n.js";
import { disputeForm } from "./dispute_parts.js";

/** The "Save clip" form; `form.useSpan(start, end)` fills the span (a clicked turn). */
// A number input's value: plain digits with a "." (what <input type=number> takes), one decimal.
const seconds1 = (x) => String(Math.round(Number(x) * 10) / 10);

export function clipForm(call, audio, duration) {
  const error = el("div"), done = el("div");
  const time = (name, value) => el("input", { name, type: "number", step: "0.1", min: 0, max: duration,
                                              value: seconds1(value), required: true });
  const start = time("start", 0), end = time("end", Math.min(duration, 10));
  const now = (input) => el("button", { type: "button", class: "link",
    onclick: () => { input.value = seconds1(audio.currentTime); } }, `← ${t("clip.player")}`);
  const criteria = (call.scorecard?.results || []).map((r) => [r.criterion_id, r.title || r.criterion_id]);
  const tags = el("datalist", { id: "clip-tags" }, [t("clip.good_practice"), t("clip.bad_practice")]
    .map((tag) => el("option", { value: tag })));
  const form = el("form", { class: "card clip-form", id: "clip-form" },
    el("h2", {}, t("clip.save")),
    el("label", {}, t("clip.start"), start, now(start)), el("label", {}, t("clip.end"), end, now(end)),
    el("label", {}, t("clip.tag"), el("input", { name: "tag", list: "clip-tags", required: true, maxlength: 100,
                                                placeholder: t("clip.tag_placeholder") }), tags),
    el("label", {}, t("col.criterion"), el("select", { name: "criterion_id" },
      el("option", { value: "" }, t("clip.no_criterion")), criteria.map(([id, title]) => el("option", { value: id }, title)))),
    el("label", { class: "wide" }, t("clip.note"), el("textarea", { name: "note", rows: 2 })),
    el("button", { type: "submit" }, t("clip.save")), error, done);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    error.replaceChildren();
    try {
      const clip = await api("/clips", { method: "POST", body: {
        call_id: call.id, start: Number(data.start), end: Number(data.end), tag: data.tag.trim(),
        note: data.note || null, criterion_id: data.criterion_id || null } });
      done.replaceChildren(el("p", { id: "clip-saved" }, `${t("clip.saved", { id: clip.id })} `,
        el("a", { href: "#/library" }, t("clip.open_library"))));
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  form.useSpan = (from, to) => { start.value = seconds1(from); end.value = seconds1(to); };
  return form;
}

/** An agent's actions on their own scorecard: acknowledge it, or dispute it with a reason. */
export async function agentPanel(call) {
  const node = el("section", { class: "card", id: "agent-actions" });
  const draw = async () => {
    const card = call.scorecard;
    if (!card) return node.replaceChildren(el("p", { class: "muted" }, t("call.no_scorecard")));
    const mine = (await api("/me/scorecards", { params: { limit: 200 } })).data.find((c) => c.id === card.id);
    const error = el("div");
    const status = el("p", { id: "agent-status" },
      mine?.acknowledged_at ? `${t("agent.acknowledged_at", { when: dateTime(mine.acknowledged_at) })} ` : "",
      mine?.dispute_status ? t("agent.dispute_status", { status: label("dispute", mine.dispute_status) }) : "",
      !mine?.acknowledged_at && !mine?.dispute_status ? t("agent.read_then_act") : "");
    const open = mine?.dispute_status === "open";
    const ack = el("button", { type: "button", id: "acknowledge", disabled: !!mine?.acknowledged_at || open,
      onclick: async () => {
        try { await api(`/scores/${card.id}/acknowledge`, { method: "POST" }); await draw(); }
        catch (err) { error.replaceChildren(errorBox(err)); }
      } }, t("agent.acknowledge"));
    const form = disputeForm(card, () => window.dispatchEvent(new HashChangeEvent("hashchange")));
    const dispute = el("button", { type: "button", id: "dispute", disabled: open,
                                   onclick: () => { form.hidden = false; } }, t("agent.dispute"));
    node.replaceChildren(el("h2", {}, t("agent.your_scorecard")), status, el("div", { class: "clip-actions" }, ack, dispute), form, error);
  };
  await draw();
  return node;
}
