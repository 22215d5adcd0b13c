// Call-page panels for roles other than the review: trainers' "Save clip" form and
// agents' acknowledge / dispute actions.
import { api, el, errorBox, num } from "./api.js";

/** The "Save clip" form; `form.useSpan(start, end)` fills the span (a clicked turn). */
export function clipForm(call, audio, duration) {
  const error = el("div"), done = el("div");
  const time = (name, value) => el("input", { name, type: "number", step: "0.1", min: 0, max: duration,
                                              value: num(value, 1), required: true });
  const start = time("start", 0), end = time("end", Math.min(duration, 10));
  const now = (input) => el("button", { type: "button", class: "link",
    onclick: () => { input.value = num(audio.currentTime, 1); } }, "← player");
  const criteria = (call.scorecard?.results || []).map((r) => r.criterion_id);
  const tags = el("datalist", { id: "clip-tags" }, ["good practice", "bad practice"].map((t) => el("option", { value: t })));
  const form = el("form", { class: "card clip-form", id: "clip-form" },
    el("h2", {}, "Save clip"),
    el("label", {}, "Start (s)", start, now(start)), el("label", {}, "End (s)", end, now(end)),
    el("label", {}, "Tag", el("input", { name: "tag", list: "clip-tags", required: true, maxlength: 100,
                                        placeholder: "good practice / bad practice / …" }), tags),
    el("label", {}, "Criterion", el("select", { name: "criterion_id" },
      el("option", { value: "" }, "none"), criteria.map((c) => el("option", { value: c }, c)))),
    el("label", { class: "wide" }, "Note", el("textarea", { name: "note", rows: 2 })),
    el("button", { type: "submit" }, "Save clip"), error, done);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    error.replaceChildren();
    try {
      const clip = await api("/clips", { method: "POST", body: {
        call_id: call.id, start: Number(data.start), end: Number(data.end), tag: data.tag.trim(),
        note: data.note || null, criterion_id: data.criterion_id || null } });
      done.replaceChildren(el("p", { id: "clip-saved" }, `Saved clip ${clip.id} `,
        el("a", { href: "#/library" }, "open the library")));
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  form.useSpan = (s, t) => { start.value = num(s, 1); end.value = num(t, 1); };
  return form;
}

/** An agent's actions on their own scorecard: acknowledge it, or dispute it with a reason. */
export async function agentPanel(call) {
  const node = el("section", { class: "card", id: "agent-actions" });
  const draw = async () => {
    const card = call.scorecard;
    if (!card) return node.replaceChildren(el("p", { class: "muted" }, "No scorecard yet."));
    const mine = (await api("/me/scorecards", { params: { limit: 200 } })).data.find((c) => c.id === card.id);
    const error = el("div");
    const status = el("p", { id: "agent-status" },
      mine?.acknowledged_at ? `Acknowledged ${new Date(mine.acknowledged_at).toLocaleString()}. ` : "",
      mine?.dispute_status ? `Dispute ${mine.dispute_status}.` : "",
      !mine?.acknowledged_at && !mine?.dispute_status ? "Read your scorecard, then acknowledge it or dispute it." : "");
    const open = mine?.dispute_status === "open";
    const ack = el("button", { type: "button", id: "acknowledge", disabled: !!mine?.acknowledged_at || open,
      onclick: async () => {
        try { await api(`/scores/${card.id}/acknowledge`, { method: "POST" }); await draw(); }
        catch (err) { error.replaceChildren(errorBox(err)); }
      } }, "Acknowledge");
    const form = el("form", { id: "dispute-form", class: "close-form", hidden: true },
      el("label", { class: "wide" }, "Why is this score wrong?",
         el("textarea", { name: "reason", required: true, minlength: 3, rows: 3 })),
      el("button", { type: "submit" }, "Send dispute"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api("/disputes", { method: "POST", body: { score_id: card.id, reason: new FormData(form).get("reason") } });
        await draw();
      } catch (err) { error.replaceChildren(errorBox(err)); }
    });
    const dispute = el("button", { type: "button", id: "dispute", disabled: open,
                                   onclick: () => { form.hidden = false; } }, "Dispute");
    node.replaceChildren(el("h2", {}, "Your scorecard"), status, el("div", { class: "clip-actions" }, ack, dispute), form, error);
  };
  await draw();
  return node;
}
