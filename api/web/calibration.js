// Calibration (#/calibration): reviewers score one call blind, then see each other's
// verdicts side by side with the automatic one. The page lists my sessions (to score,
// waiting for others, revealed), opens a new one (supervisors and admins: a call and the
// reviewers), and shows the agreement report: percent agreement and Cohen's kappa per
// criterion and per reviewer, the criteria that disagree most first.
// #/calibration?id=N is one session; #/calibration?call=<id> fills the new-session form.
import { api, audioUrl, clock, el, errorBox } from "./api.js";
import { dateTime, label, number, percentOf100, t, tn } from "./i18n.js";

const VERDICTS = ["pass", "fail", "na"];
const AGREEMENT = {
  all: () => `✓ ${t("calib.agree.all")}`,
  people: () => `≈ ${t("calib.agree.people")}`,
  split: () => `✗ ${t("calib.agree.split")}`,
};
const STATUS = { open: () => t("calib.status.open"), revealed: () => t("calib.status.revealed") };
const ORGANISERS = ["admin", "supervisor"];

const isoDay = (date) => date.toISOString().slice(0, 10);
const verdictBadge = (v) => el("span", { class: `verdict v-${v}` }, label("verdict", v));

function sessionName(s) {
  return s.title || t("calib.session", { id: s.id });
}

function progress(s) {
  const done = s.reviewers.filter((r) => r.submitted_at).length;
  return tn("calib.progress", done, { total: number(s.reviewers.length, 0) });
}

function sessionItem(s) {
  return el("li", { class: "card calib-item", dataset: { sessionId: s.id } },
    el("a", { href: `#/calibration?id=${s.id}`, class: "calib-link" }, sessionName(s)),
    el("div", { class: "muted" },
       `${t("calib.call", { id: s.call_id.slice(0, 8) })} · ${t("calib.by", { name: s.organiser })} · `
       + `${dateTime(s.created_at)} · ${progress(s)}`));
}

function group(id, heading, items) {
  return el("section", { id, class: "calib-group" }, el("h2", {}, heading),
    items.length ? el("ul", { class: "clips" }, items.map(sessionItem))
      : el("p", { class: "muted" }, t("common.none")));
}

async function newSessionForm(params) {
  const error = el("div");
  const people = (await api("/calibrations/reviewers")).data;
  const form = el("form", { class: "card", id: "calib-new" },
    el("h2", {}, t("calib.new")),
    el("div", { class: "filters" },
      el("label", {}, t("calib.call_id"), el("input", { name: "call_id", required: true, maxlength: 36,
                                                        value: params.get("call") || "" })),
      el("label", {}, t("calib.session_title"), el("input", { name: "title", maxlength: 200 }))),
    el("fieldset", { class: "calib-reviewers" }, el("legend", {}, t("calib.reviewers")),
      people.map((p) => el("label", { class: "check" },
        el("input", { type: "checkbox", name: "reviewer", value: p.id }),
        `${p.full_name || p.username} (${p.username}, ${label("role", p.role)})`))),
    el("button", { type: "submit" }, t("calib.open")), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const made = await api("/calibrations", { method: "POST", body: {
        call_id: String(data.get("call_id")).trim(), title: data.get("title") || null,
        reviewer_ids: data.getAll("reviewer").map(Number) } });
      location.hash = `#/calibration?id=${made.id}`;
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return form;
}

function figures(f) {
  if (!f.n) return el("span", { class: "muted" }, t("calib.no_pairs"));
  const kappa = f.kappa === null ? t("calib.kappa_na") : number(f.kappa, 2, true);
  return el("span", {}, el("b", {}, percentOf100(f.percent)), ` · κ ${kappa} · n ${number(f.n, 0)}`);
}

function reportTable(id, heads, rows, name) {
  return el("table", { class: "calib-report", id, tabindex: 0 },
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {},
      el("th", { scope: "row" }, name(r)), el("td", {}, figures(r.automatic)), el("td", {}, figures(r.people))))));
}

async function report(box, since, until) {
  box.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
  try {
    const r = await api("/calibrations/agreement", { params: { since, until } });
    const empty = r.criteria.length === 0;
    box.replaceChildren(
      el("p", { id: "calib-counts" }, t("calib.report_counts", {
        sessions: number(r.sessions, 0), reviews: number(r.reviews, 0) })),
      ...(empty ? [el("p", { class: "card", id: "calib-report-empty" }, t("calib.report_empty"))] : [
        el("h3", {}, t("calib.by_criterion")),
        reportTable("calib-criteria", [t("col.criterion"), t("calib.auto_people"), t("calib.people_people")],
                    r.criteria, (c) => c.title),
        el("h3", {}, t("calib.by_reviewer")),
        reportTable("calib-reviewers", [t("calib.reviewer"), t("calib.with_auto"), t("calib.with_others")],
                    r.reviewers, (p) => p.username),
        el("p", { class: "muted" }, t("calib.kappa_note"))]));
  } catch (err) { box.replaceChildren(errorBox(err)); }
}

function reportSection() {
  const until = new Date(Date.now() + 86_400_000);
  const since = new Date(Date.now() - 90 * 86_400_000);
  const box = el("div", { id: "calib-report" });
  const form = el("form", { class: "filters", id: "calib-period" },
    el("label", {}, t("calib.since"), el("input", { type: "date", name: "since", value: isoDay(since), required: true })),
    el("label", {}, t("calib.until"), el("input", { type: "date", name: "until", value: isoDay(until), required: true })),
    el("button", { type: "submit" }, t("calib.show")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    report(box, data.get("since"), data.get("until"));
  });
  report(box, isoDay(since), isoDay(until));
  return el("section", { class: "card", id: "calib-agreement" }, el("h2", {}, t("calib.report")), form, box);
}

async function renderList(view, params, user) {
  view.replaceChildren(el("h1", {}, t("calib.title")), el("p", { class: "muted" }, t("common.loading")));
  const mine = (await api("/calibrations", { params: { limit: 200 } })).data;
  const toScore = mine.filter((s) => s.status === "open" && s.reviewer && !s.submitted);
  const waiting = mine.filter((s) => s.status === "open" && !(s.reviewer && !s.submitted));
  const revealed = mine.filter((s) => s.status === "revealed");
  const form = ORGANISERS.includes(user.role) ? await newSessionForm(params) : null;
  view.replaceChildren(el("h1", {}, t("calib.title")),
    group("calib-to-score", t("calib.to_score"), toScore),
    group("calib-waiting", t("calib.waiting"), waiting),
    group("calib-revealed", t("calib.revealed"), revealed),
    ...[form, reportSection()].filter(Boolean));
}

function reviewerList(s) {
  return el("ul", { class: "chips", id: "calib-progress" }, s.reviewers.map((r) =>
    el("li", { dataset: { reviewer: r.username } }, `${r.username}: `,
       r.submitted_at ? t("calib.reviewer_submitted") : t("calib.reviewer_waiting"))));
}

function verdictForm(s, redraw) {
  const error = el("div");
  const form = el("form", { id: "calib-verdicts" },
    s.criteria.map((c) => el("fieldset", { class: "card calib-criterion", dataset: { criterion: c.criterion_id } },
      el("legend", {}, c.title),
      el("div", { class: "inline-form" }, VERDICTS.map((v) => el("label", { class: "check" },
        el("input", { type: "radio", name: `v-${c.criterion_result_id}`, value: v, required: true,
                      checked: c.mine?.verdict === v }),
        label("verdict", v)))),
      el("label", {}, t("calib.comment"), el("textarea", { name: `c-${c.criterion_result_id}`, rows: 1,
                                                        maxlength: 5000 }, c.mine?.comment || "")))),
    el("button", { type: "submit" }, s.submitted ? t("calib.resubmit") : t("calib.submit")), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const done = await api(`/calibrations/${s.id}/verdicts`, { method: "PUT", body: {
        verdicts: s.criteria.map((c) => ({ criterion_result_id: c.criterion_result_id,
          verdict: data.get(`v-${c.criterion_result_id}`),
          comment: data.get(`c-${c.criterion_result_id}`) || null })) } });
      redraw(done);
    } catch (err) { error.replaceChildren(errorBox(err)); }
  });
  return form;
}

function sideBySide(s) {
  const people = s.reviewers.map((r) => r.username);
  // tabindex: on a phone the table scrolls inside itself, and a keyboard must reach it
  return el("table", { class: "criteria", id: "calib-side-by-side", tabindex: 0 },
    el("thead", {}, el("tr", {}, [t("col.criterion"), t("calib.automatic"), ...people, t("calib.agreement")]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, s.criteria.map((c) => {
      const said = new Map(c.verdicts.map((v) => [v.username, v]));
      return el("tr", { dataset: { criterion: c.criterion_id, agreement: c.agreement || "" } },
        el("th", { scope: "row" }, c.title), el("td", {}, verdictBadge(c.automatic)),
        people.map((name) => {
          const v = said.get(name);
          return el("td", { dataset: { reviewer: name } }, v ? [verdictBadge(v.verdict),
            v.comment ? el("div", { class: "muted" }, v.comment) : null]
            : el("span", { class: "muted" }, t("calib.not_given")));
        }),
        el("td", { class: "calib-mark" }, c.agreement ? AGREEMENT[c.agreement]() : "–"));
    })));
}

// The recording and the redacted transcript, on the session page: the call page shows
// the automatic scorecard, so a reviewer is sent there only after the reveal.
function listenPanel(s) {
  const error = el("div");
  const audio = el("audio", { controls: true, preload: "metadata", id: "calib-player" });
  const seek = (at) => {
    audio.currentTime = Math.max(0, at);
    audio.play().catch(() => { /* autoplay may be refused; the position still moves */ });
  };
  const turns = el("ol", { class: "transcript", id: "calib-transcript" },
    el("li", { class: "muted" }, t("common.loading")));
  audioUrl(s.call_id).then((url) => { audio.src = url; }, (err) => error.replaceChildren(errorBox(err)));
  api(`/calls/${encodeURIComponent(s.call_id)}`).then((call) => turns.replaceChildren(...call.utterances.map((u) =>
    el("li", { class: `turn ${u.role === "agent" ? "agent" : "customer"}`, tabindex: 0,
               onclick: () => seek(u.start), onkeydown: (e) => { if (e.key === "Enter") seek(u.start); } },
      el("div", { class: "who" }, label("party", u.role).toLocaleUpperCase(document.documentElement.lang),
         el("span", { class: "time" }, `${clock(u.start)}–${clock(u.end)}`)),
      el("div", { class: "text" }, u.text)))), (err) => turns.replaceChildren(errorBox(err)));
  return el("section", { class: "card", id: "calib-listen" }, el("h2", {}, t("calib.listen")), audio, error, turns);
}

function drawSession(view, s) {
  const error = el("div");
  const redraw = (next) => drawSession(view, next);
  const revealButton = s.may_reveal ? el("button", { type: "button", id: "calib-reveal", class: "secondary",
    onclick: async () => {
      try { redraw(await api(`/calibrations/${s.id}/reveal`, { method: "POST" })); }
      catch (err) { error.replaceChildren(errorBox(err)); }
    } }, t("calib.reveal")) : null;
  let body;
  if (s.status === "revealed") {
    body = [el("h2", {}, t("calib.side_by_side")), sideBySide(s)];
  } else if (s.reviewer) {
    body = [el("p", { class: "card", id: "calib-blind" }, s.submitted ? t("calib.submitted_wait") : t("calib.blind")),
      verdictForm(s, redraw)];
  } else {
    body = [el("p", { class: "card", id: "calib-blind" }, t("calib.organiser_wait"))];
  }
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/calibration" }, `← ${t("calib.title")}`)),
    el("h1", {}, sessionName(s)),
    el("p", { id: "calib-status" }, el("b", {}, STATUS[s.status]()), ` · ${t("calib.by", { name: s.organiser })}`,
       s.status === "revealed" ? [" · ", el("a", { href: `#/calls/${encodeURIComponent(s.call_id)}`, id: "calib-call" },
                                             t("calib.open_call"))] : null),
    ...[reviewerList(s), revealButton, error,
        ...(s.status === "revealed" ? [...body, listenPanel(s)] : [listenPanel(s), ...body])].filter(Boolean));
}

export async function renderCalibration(view, params, user) {
  const id = params.get("id");
  if (!id) return renderList(view, params, user);
  view.replaceChildren(el("h1", {}, t("calib.title")), el("p", { class: "muted" }, t("common.loading")));
  drawSession(view, await api(`/calibrations/${encodeURIComponent(id)}`));
}
