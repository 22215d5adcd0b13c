// An agent's own page: their current scorecards (newest first) with acknowledgement and
// dispute status, and their score trend beside the team average as a small SVG line chart.
import { api, el, num } from "./api.js";
import { dateTime, day, label, t } from "./i18n.js";
import { decisionLine, latestByCall, scoredBy } from "./dispute_parts.js";
import { coachingForYou, coachingMarks } from "./coaching.js";

const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs, text) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
};

function chart(trend, period) {
  const points = trend.data;
  if (points.length === 0) return el("p", { class: "muted" }, t("me.no_scored_calls"));
  const W = 600, H = 200, L = 36, B = 24, T = 10, R = 10;
  const x = (i) => L + (points.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (points.length - 1));
  const y = (v) => T + ((100 - v) * (H - T - B)) / 100;
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "trend", id: "trend-chart", role: "img",
                           "aria-label": t("me.chart_label") });
  for (const v of [0, 50, 100]) {
    box.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }),
               svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, String(v)));
  }
  const line = (key, cls) => {
    const pts = points.map((p, i) => [i, p[key]]).filter(([, v]) => v !== null && v !== undefined);
    if (pts.length === 0) return;
    box.append(svg("polyline", { class: cls, fill: "none", points: pts.map(([i, v]) => `${x(i)},${y(v)}`).join(" ") }));
    for (const [i, v] of pts) {
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 3.5, class: `${cls} dot` });
      dot.append(svg("title", {}, `${day(points[i].start, { month: period === "month" })}: ${num(v)}`));
      box.append(dot);
    }
  };
  line("team_average", "team");
  line("average", "mine");
  const coached = coachingMarks(box, trend, { x, top: T, bottom: H - B, left: L, right: W - R });
  points.forEach((p, i) => box.append(svg("text", { x: x(i), y: H - 6, "text-anchor": "middle", class: "axis" },
                                           day(p.start, { month: period === "month" }))));
  return el("div", {}, box, el("div", { class: "legend muted" },
    el("span", { class: "key mine" }), `${t("me.you")} `, el("span", { class: "key team" }),
    t("me.team", { team: trend.team || "" })), coached);
}

function status(card, dispute) {
  if (card.dispute_status) {
    return [el("span", { class: `badge dispute-${card.dispute_status}` },
               t("me.dispute_status", { status: label("dispute", card.dispute_status) })),
            card.acknowledged_at ? el("span", { class: "badge ack" }, t("me.acknowledged")) : null,
            decisionLine(dispute)];
  }
  if (card.acknowledged_at) return el("span", { class: "badge ack" }, t("me.acknowledged"));
  return el("span", { class: "badge" }, t("me.to_read"));
}

export async function renderMe(view, params) {
  const period = ["day", "week", "month"].includes(params.get("period")) ? params.get("period") : "week";
  view.replaceChildren(el("h1", {}, t("nav.me")), el("p", { class: "muted" }, t("common.loading")));
  // decisions, beside each call; the page still draws without them
  const disputes = api("/disputes", { params: { limit: 100 } }).catch(() => ({ data: [] }));
  const [cards, trend, coaching] = await Promise.all([
    api("/me/scorecards", { params: { limit: 100 } }), api("/me/trend", { params: { period } }),
    coachingForYou(() => renderMe(view, params))]);
  const periods = el("p", {}, ["day", "week", "month"].map((p) =>
    p === period ? el("b", {}, `${label("period", p)} `) : el("a", { href: `#/me?period=${p}` }, `${label("period", p)} `)));
  const decided = latestByCall((await disputes).data);
  const table = cards.data.length === 0 ? el("p", { class: "card" }, t("me.no_scorecards")) :
    el("table", { class: "queue", id: "my-scorecards" },
      el("thead", {}, el("tr", {}, [t("me.call_started"), t("col.score"), t("me.rubric"), t("me.status")]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, cards.data.map((c) => {
        const open = () => { location.hash = `#/calls/${encodeURIComponent(c.call_id)}`; };
        return el("tr", { class: "queue-row", dataset: { callId: c.call_id, scoreId: c.id }, tabindex: 0,
                          onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); } },
          el("td", {}, dateTime(c.started_at)),
          el("td", { class: "num" }, num(c.total), c.auto_failed ? el("span", { class: "badge fail" }, t("common.auto_fail")) : null,
             scoredBy(c)),
          el("td", {}, `${c.rubric_title || c.rubric} v${c.rubric_version}`),
          el("td", { class: "status" }, status(c, decided.get(c.call_id))));
      })));
  view.replaceChildren(el("h1", {}, t("nav.me")),
    el("section", { class: "card", id: "trend" }, el("h2", {}, t("me.trend", { period: label("period", period) })),
      periods, chart(trend, period)),
    coaching, table);
}
