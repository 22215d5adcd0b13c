// Coaching: the "Assign coaching" form (on the call page and under each clip of the
// library), the #/coaching page of supervisors, trainers and admins (open tasks by agent,
// overdue first; done ones after), "Coaching for you" on an agent's #/me with "Mark done",
// and the marks of coaching done on the agent's trend chart.
import { api, clock, el, errorBox } from "./api.js";
import { dateTime, day, label, t, tn } from "./i18n.js";

const STAFF = ["admin", "supervisor", "trainer"];
const SVG = "http://www.w3.org/2000/svg";
const MARK = "#1f8a4c";
const todayUtc = () => new Date().toISOString().slice(0, 10);  // the server judges by UTC days

/** The form that gives an agent a call, a clip or a criterion; `agent` is preset (the
 * call's), `criteria` are [id, title] pairs (or a promise of them). */
export function assignForm({ callId = null, clipId = null, agent = "", criteria = [], criterionId = "", id = "coach-form" }) {
  const error = el("div", { class: "wide" }), done = el("div", { class: "wide" });
  const choice = el("select", { name: "criterion_id" }, el("option", { value: "" }, t("coach.no_criterion")));
  Promise.resolve(criteria).then((pairs) => {
    choice.append(...pairs.map(([cid, title]) => el("option", { value: cid, selected: cid === criterionId }, title)));
  }, (err) => error.replaceChildren(errorBox(err)));
  const form = el("form", { class: "card clip-form coach-form", id },
    el("h2", {}, t("coach.assign")),
    el("label", {}, t("coach.agent"), el("input", { name: "agent", value: agent || "", maxlength: 200,
                                                 placeholder: t("coach.agent_hint"), required: !callId && !clipId })),
    el("label", {}, t("col.criterion"), choice),
    el("label", { class: "wide" }, t("coach.note"), el("textarea", { name: "note", rows: 2, required: true, maxlength: 5000 })),
    el("label", {}, t("coach.due"), el("input", { name: "due_on", type: "date", min: todayUtc() })),
    el("button", { type: "submit" }, t("coach.submit")), error, done);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    error.replaceChildren();
    try {
      const task = await api("/coaching", { method: "POST", body: {
        call_id: callId, clip_id: clipId, agent: data.agent.trim() || null,
        criterion_id: data.criterion_id || null, note: data.note, due_on: data.due_on || null } });
      done.replaceChildren(el("p", { class: "coach-assigned" }, `${t("coach.assigned", { id: task.id, agent: task.agent })} `,
        el("a", { href: "#/coaching" }, t("coach.see_all"))));
      form.querySelector("textarea").value = "";
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return form;
}

/** The call page's hook: the form for staff (agent preset to the call's, the scorecard's
 * criteria with their titles), nothing for agents. */
export function callCoaching(call, user) {
  if (!STAFF.includes(user.role)) return null;
  const criteria = (call.scorecard?.results || []).map((r) => [r.criterion_id, r.title || r.criterion_id]);
  return assignForm({ callId: call.id, agent: call.agent, criteria, id: "coach-form" });
}

const inForce = () => api("/coaching/criteria").then((r) => r.data.map((c) => [c.id, c.title]));

/** The library's hook under one clip: an "Assign coaching" button that opens the form. */
export function clipCoaching(clip) {
  const box = el("div", { class: "clip-coaching" });
  const open = el("button", { type: "button", class: "secondary assign-coaching", onclick: () => {
    open.hidden = true;
    box.append(assignForm({ clipId: clip.id, criteria: inForce(), criterionId: clip.criterion_id || "",
                            id: `coach-form-${clip.id}` }));
  } }, t("coach.assign"));
  box.append(open);
  return box;
}

// What the task points at besides its title (the criterion's, the clip's tag or the note's).
function what(task) {
  if (task.clip_id && task.criterion_id) return `${t("coach.clip", { tag: task.clip_tag || task.clip_id })} · `;
  if (task.call_id && !task.clip_id) return `${t("coach.call", { id: task.call_id.slice(0, 8) })} · `;
  return "";
}

function due(task) {
  return el("span", { class: "coach-due" }, task.due_on ? t("coach.due_on", { date: day(task.due_on) }) : t("coach.no_due"),
    task.overdue ? el("span", { class: "badge fail overdue" }, t("coach.overdue")) : null,
    task.status === "done" ? el("span", { class: "badge ack" }, t("coach.status_done")) : null);
}

function example(task) {
  const box = el("div", { class: "coach-example" });
  if (task.call_id && task.call_is_agents) {
    box.append(el("a", { href: `#/calls/${encodeURIComponent(task.call_id)}` }, t("coach.open_call")));
    return box;
  }
  if (!task.call_id) return null;
  const read = el("button", { type: "button", class: "link read-example", onclick: async () => {
    read.disabled = true;
    try {
      const detail = await api(`/coaching/${task.id}`);
      box.replaceChildren(el("h4", {}, t("coach.example")), el("ol", { class: "transcript clip-transcript" },
        detail.example.map((u) => el("li", { class: `turn ${u.role === "agent" ? "agent" : "customer"}` },
          el("div", { class: "who" }, label("party", u.role).toLocaleUpperCase(document.documentElement.lang),
             el("span", { class: "time" }, `${clock(u.start)}–${clock(u.end)}`)),
          el("div", { class: "text" }, u.text)))));
    } catch (err) { box.append(errorBox(err)); read.disabled = false; }
  } }, t("coach.read_example"));
  box.append(read);
  return box;
}

function taskItem(task, actions) {
  return el("li", { class: `card coaching-task status-${task.status}`, dataset: { taskId: task.id, status: task.status } },
    el("h3", {}, task.title), el("p", { class: "muted" }, what(task), due(task)),
    el("p", { class: "note" }, task.note),
    el("p", { class: "muted" }, t("coach.by", { name: task.created_by_name, when: dateTime(task.created_at) })),
    task.done_at ? el("p", { class: "coach-done" }, t("coach.done_at", { when: dateTime(task.done_at) }),
                      task.done_note ? ` — ${task.done_note}` : "") : null,
    actions);
}

/** An agent's "Mark done" control: a button that opens an optional note, then sends it. */
function markDone(task, redraw) {
  const error = el("div");
  const form = el("form", { class: "close-form mark-done-form", hidden: true },
    el("label", { class: "wide" }, t("coach.done_note"), el("textarea", { name: "done_note", rows: 2, maxlength: 5000 })),
    el("button", { type: "submit" }, t("coach.confirm_done")));
  const open = el("button", { type: "button", class: "mark-done", onclick: () => { open.hidden = true; form.hidden = false; } },
                  t("coach.mark_done"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api(`/coaching/${task.id}/done`, { method: "POST", body: { done_note: new FormData(form).get("done_note") || null } });
      await redraw();
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return el("div", { class: "coach-actions" }, example(task), open, form, error);
}

/** "Coaching for you" on an agent's own page; `redraw` draws the page again (the trend
 * then marks what was just done). */
export async function coachingForYou(redraw) {
  const page = await api("/coaching", { params: { limit: 100 } });
  const open = page.data.filter((x) => x.status === "open"), done = page.data.filter((x) => x.status === "done");
  return el("section", { class: "card", id: "my-coaching" }, el("h2", {}, t("coach.for_you")),
    page.data.length === 0 ? el("p", { class: "muted" }, t("coach.none_for_you")) : null,
    open.length ? el("ul", { class: "clips", id: "my-coaching-open" }, open.map((x) => taskItem(x, markDone(x, redraw)))) : null,
    done.length ? el("h3", {}, t("coach.done_list")) : null,
    done.length ? el("ul", { class: "clips", id: "my-coaching-done" }, done.map((x) => taskItem(x, example(x)))) : null);
}

function staffActions(task, user, redraw) {
  if (task.created_by !== user.id && user.role !== "admin") return null;
  const error = el("div");
  const reopen = task.status === "done" ? el("button", { type: "button", class: "secondary reopen", onclick: async () => {
    try { await api(`/coaching/${task.id}`, { method: "PATCH", body: { status: "open" } }); await redraw(); }
    catch (err) { error.replaceChildren(errorBox(err)); }
  } }, t("coach.reopen")) : null;
  const remove = el("button", { type: "button", class: "danger delete-task" }, t("library.delete"));
  const confirm = el("span", { class: "confirm-delete", hidden: true }, `${t("coach.confirm_delete")} `,
    el("button", { type: "button", class: "danger confirm-yes", onclick: async () => {
      try { await api(`/coaching/${task.id}`, { method: "DELETE" }); await redraw(); }
      catch (err) { error.replaceChildren(errorBox(err)); }
    } }, t("library.yes_delete")),
    el("button", { type: "button", class: "secondary confirm-no",
                   onclick: () => { confirm.hidden = true; remove.hidden = false; } }, t("common.cancel")));
  remove.addEventListener("click", () => { remove.hidden = true; confirm.hidden = false; });
  return el("div", {}, el("div", { class: "clip-actions" }, reopen, remove, confirm), error);
}

/** #/coaching: open tasks grouped by agent (overdue and soonest due first), then done. */
export async function renderCoaching(view, params, user) {
  const onlyOverdue = params.get("overdue") === "true";
  view.replaceChildren(el("h1", {}, t("coach.nav")), el("p", { class: "muted" }, t("common.loading")));
  const page = await api("/coaching", { params: { limit: 200, overdue: onlyOverdue ? "true" : "" } });
  const redraw = () => renderCoaching(view, params, user);
  const open = page.data.filter((x) => x.status === "open"), done = page.data.filter((x) => x.status === "done");
  const byAgent = new Map();
  for (const x of open) {
    if (!byAgent.has(x.agent)) byAgent.set(x.agent, []);
    byAgent.get(x.agent).push(x);
  }
  const agents = [...byAgent.entries()].sort(([, a], [, b]) =>
    Number(b.some((x) => x.overdue)) - Number(a.some((x) => x.overdue)));
  const toggle = el("p", {}, onlyOverdue ? el("a", { href: "#/coaching" }, t("coach.show_all"))
    : el("a", { href: "#/coaching?overdue=true", id: "only-overdue" }, t("coach.only_overdue")));
  const form = el("details", { class: "coach-new" }, el("summary", {}, t("coach.assign")),
    assignForm({ criteria: inForce(), id: "coach-form" }));
  view.replaceChildren(el("h1", {}, t("coach.nav")), toggle, form,
    el("section", { id: "coaching-open" }, el("h2", {}, `${t("coach.open_list")} (${tn("coach.count", open.length)})`),
      open.length === 0 ? el("p", { class: "card muted" }, t("coach.none")) : null,
      agents.map(([agent, tasks]) => el("div", { class: "coach-agent", dataset: { agent } },
        el("h3", {}, tasks[0].agent_name ? `${tasks[0].agent_name} (${agent})` : agent,
           tasks[0].team ? el("span", { class: "muted" }, ` · ${tasks[0].team}`) : null),
        el("ul", { class: "clips" }, tasks.map((x) => taskItem(x, staffActions(x, user, redraw))))))),
    onlyOverdue ? null : el("section", { id: "coaching-done" }, el("h2", {}, `${t("coach.done_list")} (${tn("coach.count", done.length)})`),
      done.length === 0 ? el("p", { class: "card muted" }, t("coach.none")) : null,
      el("ul", { class: "clips" }, done.map((x) => taskItem(x, staffActions(x, user, redraw))))));
}

/** Where a mark of bucket `bucket` goes on a chart whose bucket i is at `x(i)`: on its
 * bucket, halfway between the two it falls between, or half a step past either end. */
function place(points, bucket, { x, left, right }) {
  const step = points.length > 1 ? x(1) - x(0) : (right - left) / 2;
  const i = points.findIndex((p) => p.start >= bucket);
  if (i === -1) return Math.min(right, x(points.length - 1) + step / 2);
  if (points[i].start === bucket) return x(i);
  return i === 0 ? Math.max(left, x(0) - step / 2) : (x(i - 1) + x(i)) / 2;
}

/** Marks on the trend chart: a dashed line and a diamond (its tooltip: when, and what) where
 * each coaching task was done, among the chart's buckets (`frame`: x(i), top, bottom, left,
 * right). The list of them, or null. */
export function coachingMarks(box, trend, frame) {
  const marks = trend.coaching || [], points = trend.data;
  if (marks.length === 0 || points.length === 0) return null;
  const { top, bottom } = frame;
  const at = new Map();
  for (const m of marks) {
    const cx = place(points, m.bucket, frame);
    if (!at.has(cx)) at.set(cx, []);
    at.get(cx).push(m);
  }
  const node = (tag, attrs) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    return n;
  };
  for (const [cx, group] of at) {
    const g = node("g", { class: "coach-mark", "data-tasks": group.map((m) => m.task_id).join(" ") });
    const title = node("title", {});
    title.textContent = group.map((m) => t("coach.mark_title", { day: day(m.day), title: m.title })).join("\n");
    g.append(title, node("line", { x1: cx, x2: cx, y1: top, y2: bottom, stroke: MARK, "stroke-dasharray": "4 3" }),
             node("polygon", { points: `${cx},${top - 1} ${cx + 6},${top + 6} ${cx},${top + 13} ${cx - 6},${top + 6}`, fill: MARK }));
    box.append(g);
  }
  // the tooltips are for a mouse; a phone or a screen reader reads the same in this list
  return el("ul", { class: "clips legend muted coach-legend" }, marks.map((m) =>
    el("li", {}, `◆ ${t("coach.mark_title", { day: day(m.day), title: m.title })}`)));
}
