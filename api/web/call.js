// One call: the player, a talk/silence/overtalk timeline, the transcript, the scorecard,
// flags and metrics; the review panel (review.js) for supervisors; the call's dispute (its
// reason beside the disputed criteria, and for supervisors the forms to decide an open one).
import { api, clock, el, errorBox, num, streamAudio } from "./api.js";
import { reviewPanel } from "./review.js";
import { disputeCard, scoredBy } from "./dispute_parts.js";
import { agentPanel, clipForm } from "./people.js";
import { callCoaching } from "./coaching.js";
import { reasonsCard } from "./reasons.js";
import { dateTime, label, percentOf100, seconds, t } from "./i18n.js";

const REVIEWERS = ["admin", "supervisor"], CLIPPERS = ["admin", "supervisor", "trainer"];
const DISPUTERS = ["admin", "supervisor", "agent"];

const METRICS = [
  ["duration", () => t("metric.duration"), clock], ["talk_agent", () => t("metric.talk_agent"), clock],
  ["talk_customer", () => t("metric.talk_customer"), clock],
  ["talk_ratio_agent", () => t("metric.talk_ratio_agent"), (x) => num(x, 2)],
  ["silence_pct", () => t("metric.silence_pct"), percentOf100],
  ["longest_silence", () => t("metric.longest_silence"), clock],
  ["overtalk", () => t("metric.overtalk"), seconds],
  ["interruptions_agent", () => t("metric.interruptions_agent"), num],
  ["interruptions_customer", () => t("metric.interruptions_customer"), num],
  ["wpm_agent", () => t("metric.wpm_agent"), num], ["wpm_customer", () => t("metric.wpm_customer"), num],
  ["hold_gaps", () => t("metric.hold_gaps"), num],
];
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs, title) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (title) node.append(Object.assign(document.createElementNS(SVG, "title"), { textContent: title }));
  return node;
}

/** Spans where both sides talk at once, and where nobody talks. */
function spans(utterances, duration) {
  const agent = utterances.filter((u) => u.role === "agent");
  const other = utterances.filter((u) => u.role !== "agent");
  const overtalk = [];
  for (const a of agent) for (const c of other) {
    const start = Math.max(a.start, c.start), end = Math.min(a.end, c.end);
    if (end > start) overtalk.push([start, end]);
  }
  const silence = [];
  let cursor = 0;
  for (const u of [...utterances].sort((x, y) => x.start - y.start)) {
    if (u.start > cursor) silence.push([cursor, u.start]);
    cursor = Math.max(cursor, u.end);
  }
  if (duration > cursor) silence.push([cursor, duration]);
  return { overtalk, silence };
}

function timeline(utterances, duration, seek) {
  const W = 1000, x = (t) => (W * t) / duration;
  // a slider: click to seek, or from the keyboard (arrows 5 s, Page Up/Down 30 s, Home/End)
  const box = svg("svg", { viewBox: `0 0 ${W} 64`, class: "timeline", id: "timeline",
                           preserveAspectRatio: "none", role: "slider", tabindex: 0,
                           "aria-label": t("call.timeline"), "aria-valuemin": 0,
                           "aria-valuemax": Math.round(duration), "aria-valuenow": 0,
                           "aria-valuetext": clock(0) });
  const bar = (start, end, y, h, cls, title) =>
    box.append(svg("rect", { x: x(start), y, width: Math.max(1, x(end) - x(start)), height: h, class: cls }, title));
  for (const u of utterances) {
    bar(u.start, u.end, u.role === "agent" ? 2 : 22, 18, `tl-${u.role === "agent" ? "agent" : "customer"}`,
        `${label("party", u.role)} ${clock(u.start)}–${clock(u.end)}`);
  }
  const { overtalk, silence } = spans(utterances, duration);
  for (const [s, e] of silence) bar(s, e, 44, 16, "tl-silence", `${t("call.silence")} ${seconds(e - s)}`);
  for (const [s, e] of overtalk) bar(s, e, 44, 16, "tl-overtalk", `${t("call.overtalk")} ${seconds(e - s)}`);
  const head = svg("line", { x1: 0, x2: 0, y1: 0, y2: 64, class: "tl-head" });
  box.append(head);
  box.addEventListener("click", (e) => {
    const r = box.getBoundingClientRect();
    seek((duration * (e.clientX - r.left)) / r.width);
  });
  let at = 0;
  const steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };
  box.addEventListener("keydown", (e) => {
    const to = e.key === "Home" ? 0 : e.key === "End" ? duration : e.key in steps ? at + steps[e.key] : null;
    if (to === null) return;
    e.preventDefault();
    seek(Math.min(duration, Math.max(0, to)));
  });
  const legend = el("div", { class: "legend muted" },
    el("span", { class: "key tl-agent" }), `${label("party", "agent")} `,
    el("span", { class: "key tl-customer" }), `${label("party", "customer")} `,
    el("span", { class: "key tl-silence" }), `${t("call.silence")} `,
    el("span", { class: "key tl-overtalk" }), t("call.overtalk"));
  const move = (now) => {
    at = now;
    head.setAttribute("x1", x(now));
    head.setAttribute("x2", x(now));
    box.setAttribute("aria-valuenow", Math.round(now));
    box.setAttribute("aria-valuetext", clock(now));
  };
  return { node: el("div", {}, box, legend), move };
}

function sentimentClass(u) {
  if (u.sentiment_label) return `sent-${u.sentiment_label}`;
  if (u.sentiment === null || u.sentiment === undefined) return "sent-none";
  return u.sentiment > 0.2 ? "sent-positive" : u.sentiment < -0.2 ? "sent-negative" : "sent-neutral";
}

function transcript(utterances, seek) {
  return el("ol", { class: "transcript", id: "transcript" }, utterances.map((u) =>
    el("li", { class: `turn ${u.role === "agent" ? "agent" : "customer"} ${sentimentClass(u)}`,
               dataset: { start: u.start, idx: u.idx }, tabindex: 0,
               title: `${t("call.sentiment")}: ${label("sentiment", u.sentiment_label)} ${num(u.sentiment, 2)}`,
               onclick: () => seek(u.start, u), onkeydown: (e) => { if (e.key === "Enter") seek(u.start, u); } },
      el("div", { class: "who" }, label("party", u.role).toLocaleUpperCase(document.documentElement.lang),
         el("span", { class: "time" }, `${clock(u.start)}–${clock(u.end)}`)),
      el("div", { class: "text" }, u.text))));
}

// The transcript follows playback, except for a while after the person scrolled it.
const FOLLOW_PAUSE_MS = 4000;

/** The transcript turns an evidence item points at: its utterances, else those it spans. */
function evidenceTurns(ev, utterances) {
  if (ev.utterance_indexes?.length) return ev.utterance_indexes;
  return utterances.filter((u) => u.start < ev.end && u.end > ev.start).map((u) => u.idx);
}

/** Where `quote` (shortened with "…" by the scorer) occurs in `text`: [start, end] or null. */
function quoteSpan(text, quote) {
  const q = quote.replace(/…$/, "").trim();
  if (!q) return null;
  let at = text.indexOf(q);
  if (at < 0 && text.toLowerCase().length === text.length) at = text.toLowerCase().indexOf(q.toLowerCase());
  return at < 0 ? null : [at, at + q.length];
}

/** Wrap the words each verdict and flag quotes in <mark>, in the turns they come from. */
function markQuotes(turns, utterances, card) {
  const evidence = [...(card?.results || []), ...(card?.flags || [])].flatMap((r) => r.evidence || []);
  const spans = new Map();  // utterance idx -> [[start, end], ...]
  for (const ev of evidence.filter((e) => e.quote)) {
    for (const idx of evidenceTurns(ev, utterances)) {
      const u = utterances.find((x) => x.idx === idx);
      const span = u && quoteSpan(u.text || "", ev.quote);
      if (span) spans.set(idx, [...(spans.get(idx) || []), span]);
    }
  }
  for (const li of turns.children) {
    const found = spans.get(Number(li.dataset.idx));
    if (!found) continue;
    const box = li.querySelector(".text"), text = box.textContent, parts = [];
    let cursor = 0;
    for (const [s, e] of found.sort((a, b) => a[0] - b[0])) {
      if (e <= cursor) continue;
      if (s > cursor) parts.push(text.slice(cursor, s));
      parts.push(el("mark", {}, text.slice(Math.max(s, cursor), e)));
      cursor = e;
    }
    box.replaceChildren(...parts, text.slice(cursor));
  }
}

/** Scroll `box` (not the page) so that `item` shows, when it does not already. */
function scrollWithin(box, item) {
  const b = box.getBoundingClientRect(), r = item.getBoundingClientRect();
  if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - (b.height - r.height) / 2;
}

function evidenceList(items, seek) {
  return el("ul", { class: "evidence" }, (items || []).map((ev) =>
    el("li", {}, el("button", { type: "button", class: "link seek", dataset: { start: ev.start },
                                onclick: () => seek(ev.start, ev) },
      `▶ ${clock(ev.start)}`, ev.role ? ` ${label("party", ev.role)}` : "", ev.quote ? ` “${ev.quote}”` : ""),
      ev.note ? el("span", { class: "muted" }, ` ${ev.note}`) : null)));
}

/** The explanation as a sentence; nothing when it only repeats the criterion and its
 * verdict ("greeting: pass"), which the row shows already. */
function why(r) {
  let text = String(r.explanation || "").trim();
  for (const name of [r.criterion_id, r.title]) {
    if (name && text.startsWith(`${name}:`)) text = text.slice(name.length + 1).trim();
  }
  if (!text || text === r.verdict) return null;
  const lang = document.documentElement.lang || undefined;
  return el("p", { class: "why" }, text[0].toLocaleUpperCase(lang) + text.slice(1));
}

/** "Pass mark 60: passed" (or "below it") beside the total, from the rubric's low-score rule. */
function passMark(card) {
  if (card.pass_mark === null || card.pass_mark === undefined) return null;
  const passed = card.total >= card.pass_mark;
  return el("span", { class: `pass-mark ${passed ? "passed" : "below"}` },
    passed ? t("call.pass_mark_passed", { mark: num(card.pass_mark) })
      : t("call.pass_mark_below", { mark: num(card.pass_mark) }));
}

// A reviewer scoring this call blind in a calibration session sees no scorecard until the
// session is revealed (the API withholds it), only the way back to the session.
function blindCard(call) {
  const href = `#/calibration?id=${encodeURIComponent(call.blind_calibration)}`;
  return el("section", { class: "card", id: "blind-calibration" }, el("h2", {}, t("call.scorecard")),
    el("p", {}, t("call.blind_calibration")), el("a", { href }, t("call.blind_open_session")));
}

function scorecard(card, seek, review, disputed = new Set()) {
  if (!card) return el("p", { class: "card" }, t("call.no_scorecard"));
  const sectionTitle = new Map(card.sections.map((s) => [s.section_id, s.title || s.section_id]));
  const sections = el("ul", { class: "sections" }, card.sections.map((s) =>
    el("li", {}, `${s.title || s.section_id} `, el("b", {}, s.percent === null ? label("verdict", "na") : percentOf100(s.percent)),
       el("span", { class: "muted" }, ` (${t("call.section_points", { points: num(s.points), max: num(s.max_points), weight: num(s.weight) })})`))));
  const rows = card.results.map((r) => el("tr", { class: "criterion", dataset: { criterion: r.criterion_id, resultId: r.id } },
    el("td", {}, el("b", { class: "criterion-title", title: r.criterion_id }, r.title || r.criterion_id),
       el("div", { class: "muted" }, sectionTitle.get(r.section_id) || r.section_id),
       r.auto_fail && r.verdict === "fail" ? el("span", { class: "badge fail" }, t("common.auto_fail")) : null,
       disputed.has(r.id) ? el("span", { class: "badge dispute-open" }, t("dispute.disputed")) : null),
    el("td", {}, el("span", { class: `verdict v-${r.verdict}` }, label("verdict", r.verdict)), el("div", { class: "muted" }, `${num(r.points)}/${num(r.max_points)}`)),
    el("td", {}, why(r), evidenceList(r.evidence, seek),
       review.overrideCell ? review.overrideCell(r) : null)));
  return el("section", { class: "card", id: "scorecard" },
    el("h2", {}, `${t("call.scorecard")} `, el("span", { class: "total" }, num(card.total)), passMark(card),
       card.auto_failed ? el("span", { class: "badge fail" }, t("call.auto_failed")) : null, scoredBy(card)),
    el("p", { class: "muted" }, `${card.rubric_title || card.rubric} v${card.rubric_version}`,
       card.current ? "" : ` (${t("call.not_current")})`),
    sections, card.notes?.length ? el("ul", { class: "notes" }, card.notes.map((n) => el("li", {}, n))) : null,
    el("table", { class: "criteria" }, el("thead", {}, el("tr", {}, el("th", {}, t("col.criterion")),
                                                             el("th", {}, t("col.verdict")), el("th", {}, t("col.why")))),
       el("tbody", {}, rows)));
}

function flags(card, seek) {
  const list = card?.flags || [];
  return el("section", { class: "card", id: "flags" }, el("h2", {}, t("col.flags")),
    list.length === 0 ? el("p", { class: "muted" }, t("common.none")) :
      el("ul", { class: "flags" }, list.map((f) => el("li", { class: `sev-${f.severity}`, dataset: { code: f.code } },
        el("b", { title: f.code }, label("flag", f.code)),
        ` (${t("call.flag_meta", { severity: label("severity", f.severity), priority: num(f.priority) })}) ${f.reason}`,
        evidenceList(f.evidence, seek)))));
}

// Figures that need the speakers told apart: n/a (never 0) on a call that was not diarised.
const PER_PARTY = new Set(["talk_agent", "talk_customer", "talk_ratio_agent", "overtalk",
                           "interruptions_agent", "interruptions_customer", "wpm_agent", "wpm_customer"]);

const undiarised = (call) => call.diarization === "none";

function metrics(m, call) {
  if (!m) return el("section", { class: "card" }, el("h2", {}, t("call.metrics")), el("p", { class: "muted" }, t("common.none")));
  const na = undiarised(call);
  return el("section", { class: "card", id: "metrics" }, el("h2", {}, t("call.metrics")),
    na ? el("p", { class: "muted" }, t("call.undiarised")) : null,
    el("dl", { class: "metrics" }, METRICS.filter(([k]) => k in m).map(([k, name, fmt]) =>
      [el("dt", {}, name()), el("dd", { dataset: { metric: k } },
        na && PER_PARTY.has(k) ? t("call.figure_na") : fmt(m[k]))])));
}

/** A call whose processing failed: its stored error and how to process it again. */
function failedCard(call) {
  const command = `callqa process --force ${call.source_key || call.id}`;
  return el("section", { class: "card failed-call", id: "call-failed", role: "alert" },
    el("h2", {}, t("call.failed")),
    el("p", { class: "error" }, call.error ? call.error : t("call.failed_no_error")),
    el("p", {}, t("call.failed_what"), " ", el("code", {}, command)),
    el("p", { class: "muted" }, t("call.failed_rescore")));
}

/** The call's dispute (open first, else the latest) for supervisors and the agent, and
 * the criterion results of the current scorecard an open one contests. */
async function disputePanel(call, user) {
  if (!DISPUTERS.includes(user.role)) return { node: null, contested: new Set() };
  const [d] = (await api("/disputes", { params: { call_id: call.id, limit: 1 } })).data;
  if (!d) return { node: null, contested: new Set() };
  const done = async () => window.dispatchEvent(new HashChangeEvent("hashchange"));  // the score changed
  const open = d.status === "open" && d.score_id === call.scorecard?.id;
  return { node: disputeCard(d, { decide: REVIEWERS.includes(user.role), done }),
           contested: new Set(open ? d.criteria.map((c) => c.id) : []) };
}

export async function renderCall(view, callId, user) {
  view.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
  const call = await api(`/calls/${encodeURIComponent(callId)}`);
  const audio = el("audio", { controls: true, preload: "auto", id: "player" });
  const seek = (t, ev) => {
    if (ev) showEvidence(ev);
    audio.currentTime = Math.max(0, t);
    audio.play().catch(() => { /* autoplay may be refused; the position still moves */ });
  };
  const duration = call.metrics?.duration || call.duration ||
    Math.max(1, ...call.utterances.map((u) => u.end));
  const line = timeline(call.utterances, duration, seek);
  const clip = CLIPPERS.includes(user.role) ? clipForm(call, audio, duration) : null;
  const turns = transcript(call.utterances, (t, u) => { seek(t); clip?.useSpan(u.start, u.end); });
  markQuotes(turns, call.utterances, call.scorecard);
  let touched = 0;  // when the person last scrolled the transcript
  for (const name of ["wheel", "touchmove", "pointerdown", "keydown"]) {
    turns.addEventListener(name, () => { touched = Date.now(); }, { passive: true });
  }
  audio.addEventListener("timeupdate", () => {
    const t = audio.currentTime;
    line.move(t);
    for (const li of turns.children) {
      const u = call.utterances[Number(li.dataset.idx)] || {};
      const now = t >= u.start && t < u.end;
      if (now && !li.classList.contains("playing") && Date.now() - touched > FOLLOW_PAUSE_MS) {
        scrollWithin(turns, li);
      }
      li.classList.toggle("playing", now);
    }
  });
  // An evidence item clicked: its turn scrolled to the middle of the screen and outlined.
  const showEvidence = (ev) => {
    const wanted = new Set(evidenceTurns(ev, call.utterances).map(String));
    const hits = [...turns.children].filter((li) => wanted.has(li.dataset.idx));
    for (const li of turns.children) li.classList.toggle("evidence-focus", hits.includes(li));
    if (hits.length) hits[0].scrollIntoView({ block: "center" });
  };
  const audioError = el("div");
  streamAudio(audio, call.id, (err) => audioError.replaceChildren(errorBox(err)));
  // How much of the recording has come (it plays meanwhile): "loaded 40%", gone when all has.
  const loaded = el("p", { class: "muted loaded", id: "audio-loaded" });
  audio.addEventListener("progress", () => {
    const end = audio.buffered.length ? audio.buffered.end(audio.buffered.length - 1) : 0;
    const share = audio.duration > 0 ? Math.min(100, (100 * end) / audio.duration) : 0;
    loaded.textContent = share >= 99.5 ? "" : t("call.loaded", { percent: percentOf100(Math.floor(share)) });
  });

  const side = el("div", { class: "side" });
  const dispute = await disputePanel(call, user);
  const drawSide = (review) => side.replaceChildren(...[dispute.node, review.node].filter(Boolean),
    ...(call.status === "failed" ? [failedCard(call)]
      : call.blind_calibration ? [blindCard(call), metrics(call.metrics, call)]
        : [scorecard(call.scorecard, seek, review, dispute.contested), reasonsCard(call, seek),
           flags(call.scorecard, seek), metrics(call.metrics, call)]));
  const review = REVIEWERS.includes(user.role) && !call.blind_calibration ? await reviewPanel(call, user, drawSide)
    : { node: user.role === "agent" ? await agentPanel(call) : null };
  drawSide(review);
  const back = user.role === "agent" ? ["#/me", `← ${t("nav.me")}`]
    : user.role === "trainer" ? ["#/search", `← ${t("nav.search")}`] : ["#/queue", `← ${t("nav.queue")}`];
  const language = call.language ? label("lang", call.language)
    + (call.language_source ? ` (${label("language_source", call.language_source)})` : "") : null;
  const about = [call.team, call.queue, language,
                 call.direction ? label("direction", call.direction) : null,
                 call.diarization ? label("diarization", call.diarization) : null,
                 call.started_at ? dateTime(call.started_at) : null].filter(Boolean);

  view.replaceChildren(...[  // (a null child would be drawn as the word "null")
    el("p", {}, el("a", { href: back[0] }, back[1])),
    el("h1", {}, t("call.title", { agent: call.agent_name || call.agent || "" }),
       el("span", { class: "muted call-about" }, ` ${about.join(" · ")}`)),
    undiarised(call) ? el("p", { class: "notice", id: "undiarised" }, t("call.undiarised")) : null,
    el("div", { class: "call" },
      el("div", { class: "main" }, el("section", { class: "card player" }, audio, loaded, audioError, line.node),
         clip, callCoaching(call, user), el("section", { class: "card" }, el("h2", {}, t("call.transcript")), turns)),
      side)].filter(Boolean));
}
