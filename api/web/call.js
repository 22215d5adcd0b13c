// One call: the player, a talk/silence/overtalk timeline, the transcript, the scorecard,
// flags and metrics; the review panel (review.js) for supervisors.
import { api, audioUrl, clock, el, errorBox, num } from "./api.js";
import { reviewPanel } from "./review.js";
import { agentPanel, clipForm } from "./people.js";

const REVIEWERS = ["admin", "supervisor"], CLIPPERS = ["admin", "supervisor", "trainer"];

const METRICS = [
  ["duration", "Duration", clock], ["talk_agent", "Agent talk", clock],
  ["talk_customer", "Customer talk", clock], ["talk_ratio_agent", "Agent talk ratio", (x) => num(x, 2)],
  ["silence_pct", "Silence %", num], ["longest_silence", "Longest silence", clock],
  ["overtalk", "Overtalk (s)", num], ["interruptions_agent", "Agent interruptions", num],
  ["interruptions_customer", "Customer interruptions", num], ["wpm_agent", "Agent WPM", num],
  ["wpm_customer", "Customer WPM", num], ["hold_gaps", "Hold gaps", num],
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
  const box = svg("svg", { viewBox: `0 0 ${W} 64`, class: "timeline", id: "timeline",
                           preserveAspectRatio: "none", role: "img",
                           "aria-label": "Talk, silence and overtalk over the call" });
  const bar = (start, end, y, h, cls, title) =>
    box.append(svg("rect", { x: x(start), y, width: Math.max(1, x(end) - x(start)), height: h, class: cls }, title));
  for (const u of utterances) {
    bar(u.start, u.end, u.role === "agent" ? 2 : 22, 18, `tl-${u.role === "agent" ? "agent" : "customer"}`,
        `${u.role} ${clock(u.start)}–${clock(u.end)}`);
  }
  const { overtalk, silence } = spans(utterances, duration);
  for (const [s, e] of silence) bar(s, e, 44, 16, "tl-silence", `silence ${num(e - s)} s`);
  for (const [s, e] of overtalk) bar(s, e, 44, 16, "tl-overtalk", `overtalk ${num(e - s)} s`);
  const head = svg("line", { x1: 0, x2: 0, y1: 0, y2: 64, class: "tl-head" });
  box.append(head);
  box.addEventListener("click", (e) => {
    const r = box.getBoundingClientRect();
    seek((duration * (e.clientX - r.left)) / r.width);
  });
  const legend = el("div", { class: "legend muted" },
    el("span", { class: "key tl-agent" }), "agent ", el("span", { class: "key tl-customer" }), "customer ",
    el("span", { class: "key tl-silence" }), "silence ", el("span", { class: "key tl-overtalk" }), "overtalk");
  return { node: el("div", {}, box, legend), move: (t) => { head.setAttribute("x1", x(t)); head.setAttribute("x2", x(t)); } };
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
               title: `sentiment: ${u.sentiment_label || "–"} ${u.sentiment ?? ""}`,
               onclick: () => seek(u.start, u), onkeydown: (e) => { if (e.key === "Enter") seek(u.start, u); } },
      el("div", { class: "who" }, u.role.toUpperCase(), el("span", { class: "time" }, `${clock(u.start)}–${clock(u.end)}`)),
      el("div", { class: "text" }, u.text))));
}

function evidenceList(items, seek) {
  return el("ul", { class: "evidence" }, (items || []).map((ev) =>
    el("li", {}, el("button", { type: "button", class: "link seek", dataset: { start: ev.start },
                                onclick: () => seek(ev.start) },
      `▶ ${clock(ev.start)}`, ev.role ? ` ${ev.role}` : "", ev.quote ? ` “${ev.quote}”` : ""),
      ev.note ? el("span", { class: "muted" }, ` ${ev.note}`) : null)));
}

function scorecard(card, seek, review) {
  if (!card) return el("p", { class: "card" }, "No scorecard yet.");
  const sections = el("ul", { class: "sections" }, card.sections.map((s) =>
    el("li", {}, `${s.title} `, el("b", {}, s.percent === null ? "n/a" : `${num(s.percent)}%`),
       el("span", { class: "muted" }, ` (${num(s.points)}/${num(s.max_points)}, weight ${s.weight})`))));
  const rows = card.results.map((r) => el("tr", { class: "criterion", dataset: { criterion: r.criterion_id, resultId: r.id } },
    el("td", {}, el("b", {}, r.criterion_id), el("div", { class: "muted" }, r.section_id),
       r.auto_fail ? el("span", { class: "badge fail" }, "auto-fail") : null),
    el("td", {}, el("span", { class: `verdict v-${r.verdict}` }, r.verdict), el("div", { class: "muted" }, `${num(r.points)}/${num(r.max_points)}`)),
    el("td", {}, r.explanation, evidenceList(r.evidence, seek),
       review.overrideCell ? review.overrideCell(r) : null)));
  return el("section", { class: "card", id: "scorecard" },
    el("h2", {}, "Scorecard ", el("span", { class: "total" }, num(card.total)),
       card.auto_failed ? el("span", { class: "badge fail" }, "auto-failed") : null),
    el("p", { class: "muted" }, `${card.rubric} v${card.rubric_version}`, card.current ? "" : " (not current)"),
    sections, card.notes?.length ? el("ul", { class: "notes" }, card.notes.map((n) => el("li", {}, n))) : null,
    el("table", { class: "criteria" }, el("thead", {}, el("tr", {}, el("th", {}, "Criterion"), el("th", {}, "Verdict"), el("th", {}, "Why"))),
       el("tbody", {}, rows)));
}

function flags(card, seek) {
  const list = card?.flags || [];
  return el("section", { class: "card", id: "flags" }, el("h2", {}, "Flags"),
    list.length === 0 ? el("p", { class: "muted" }, "None.") :
      el("ul", { class: "flags" }, list.map((f) => el("li", { class: `sev-${f.severity}` },
        el("b", {}, f.code), ` (${f.severity}, priority ${num(f.priority)}) ${f.reason}`,
        evidenceList(f.evidence, seek)))));
}

function metrics(m) {
  if (!m) return el("section", { class: "card" }, el("h2", {}, "Metrics"), el("p", { class: "muted" }, "None."));
  return el("section", { class: "card", id: "metrics" }, el("h2", {}, "Metrics"),
    el("dl", { class: "metrics" }, METRICS.filter(([k]) => k in m).map(([k, label, fmt]) =>
      [el("dt", {}, label), el("dd", {}, fmt(m[k]))])));
}

export async function renderCall(view, callId, user) {
  view.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  const call = await api(`/calls/${encodeURIComponent(callId)}`);
  const audio = el("audio", { controls: true, preload: "auto", id: "player" });
  const seek = (t) => {
    audio.currentTime = Math.max(0, t);
    audio.play().catch(() => { /* autoplay may be refused; the position still moves */ });
  };
  const duration = call.metrics?.duration || call.duration ||
    Math.max(1, ...call.utterances.map((u) => u.end));
  const line = timeline(call.utterances, duration, seek);
  const clip = CLIPPERS.includes(user.role) ? clipForm(call, audio, duration) : null;
  const turns = transcript(call.utterances, (t, u) => { seek(t); clip?.useSpan(u.start, u.end); });
  audio.addEventListener("timeupdate", () => {
    const t = audio.currentTime;
    line.move(t);
    for (const li of turns.children) {
      const u = call.utterances[Number(li.dataset.idx)] || {};
      li.classList.toggle("playing", t >= u.start && t < u.end);
    }
  });
  const audioError = el("div");
  audioUrl(call.id).then((url) => { audio.src = url; }, (err) => audioError.replaceChildren(errorBox(err)));

  const side = el("div", { class: "side" });
  const drawSide = (review) => side.replaceChildren(
    review.node, scorecard(call.scorecard, seek, review), flags(call.scorecard, seek), metrics(call.metrics));
  const review = REVIEWERS.includes(user.role) ? await reviewPanel(call, user, drawSide)
    : { node: user.role === "agent" ? await agentPanel(call) : null };
  drawSide(review);
  const back = user.role === "agent" ? ["#/me", "← My scorecards"]
    : user.role === "trainer" ? ["#/search", "← Search calls"] : ["#/queue", "← Review queue"];

  view.replaceChildren(
    el("p", {}, el("a", { href: back[0] }, back[1])),
    el("h1", {}, `Call ${call.agent_name || call.agent || ""}`,
       el("span", { class: "muted" }, ` ${call.team || ""} · ${call.queue || ""} · ${call.language || ""} · ${call.direction || ""} · ${call.started_at ? new Date(call.started_at).toLocaleString() : ""}`)),
    el("div", { class: "call" },
      el("div", { class: "main" }, el("section", { class: "card player" }, audio, audioError, line.node),
         clip, el("section", { class: "card" }, el("h2", {}, "Transcript"), turns)),
      side));
}
