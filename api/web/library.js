// The trainers' clip library: filter by tag and criterion; each clip shows its redacted
// transcript, plays its PII-silenced audio (fetched with the bearer header as a blob),
// downloads it, and can be deleted (after a confirm step).
import { api, blobUrl, clock, download, el, errorBox } from "./api.js";
import { label, number, seconds, t, tn } from "./i18n.js";
import { clipCoaching } from "./coaching.js";

function filterForm(params) {
  const form = el("form", { class: "filters", id: "library-filters" },
    el("label", {}, t("clip.tag"), el("input", { name: "tag", value: params.get("tag") || "" })),
    el("label", {}, t("search.criterion"), el("input", { name: "criterion_id", value: params.get("criterion_id") || "" })),
    el("label", {}, t("library.note_words"), el("input", { name: "q", value: params.get("q") || "" })),
    el("button", { type: "submit" }, t("common.filter")), el("button", { type: "reset" }, t("common.clear")));
  const go = (data) => {
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, v);
    location.hash = `#/library?${next}`;
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); go(new FormData(form)); });
  form.addEventListener("reset", (e) => { e.preventDefault(); go([]); });
  return form;
}

function clipCard(clip) {
  const error = el("div");
  const audio = el("audio", { controls: true, preload: "auto", class: "clip-player", hidden: true });
  const lines = el("ol", { class: "transcript clip-transcript" }, el("li", { class: "muted" }, t("common.loading")));
  api(`/clips/${clip.id}`).then((detail) => {
    lines.replaceChildren(...detail.transcript.map((u) =>
      el("li", { class: `turn ${u.role === "agent" ? "agent" : "customer"}` },
        el("div", { class: "who" }, label("party", u.role).toLocaleUpperCase(document.documentElement.lang),
           el("span", { class: "time" }, `${clock(u.start)}–${clock(u.end)}`)),
        el("div", { class: "text" }, u.text))));
    if (detail.silenced.length) {
      lines.after(el("p", { class: "muted" }, t("library.silenced", {
        spans: detail.silenced.map((s) => `${label("pii", s.kind)} ${clock(s.start)}–${clock(s.end)}`).join(", ") })));
    }
  }, (err) => lines.replaceChildren(errorBox(err)));
  const play = async () => {
    try {
      if (!audio.src) audio.src = await blobUrl(`/clips/${clip.id}/audio`);
      audio.hidden = false;
      await audio.play().catch(() => { /* autoplay may be refused; the controls still work */ });
    } catch (err) { error.replaceChildren(errorBox(err)); }
  };
  const save = () => download(`/clips/${clip.id}/audio?download=true`, `clip-${clip.id}.wav`)
    .catch((err) => error.replaceChildren(errorBox(err)));
  const remove = el("button", { type: "button", class: "danger delete-clip" }, t("library.delete"));
  const confirm = el("span", { class: "confirm-delete", hidden: true }, `${t("library.confirm_delete")} `,
    el("button", { type: "button", class: "danger confirm-yes", onclick: async () => {
      try {
        await api(`/clips/${clip.id}`, { method: "DELETE" });
        card.replaceWith(el("li", { class: "card muted clip-deleted" }, t("library.deleted", { id: clip.id, tag: clip.tag })));
      } catch (err) { error.replaceChildren(errorBox(err)); }
    } }, t("library.yes_delete")),
    el("button", { type: "button", class: "secondary confirm-no",
                   onclick: () => { confirm.hidden = true; remove.hidden = false; } }, t("common.cancel")));
  remove.addEventListener("click", () => { remove.hidden = true; confirm.hidden = false; });
  const card = el("li", { class: "card clip", dataset: { clipId: clip.id } },
    el("h2", {}, el("span", { class: "badge tag" }, clip.tag), " ",
       el("a", { href: `#/calls/${encodeURIComponent(clip.call_id)}` }, t("call.title", { agent: clip.call_id.slice(0, 8) })),
       el("span", { class: "muted" }, ` ${clock(clip.start)}–${clock(clip.end)} (${seconds(Math.round(clip.end - clip.start), 0)})`,
          clip.criterion_id ? ` · ${clip.criterion_id}` : "")),
    clip.note ? el("p", { class: "note" }, clip.note) : null,
    el("div", { class: "clip-actions" },
      el("button", { type: "button", class: "play-clip", onclick: play }, `▶ ${t("library.play")}`),
      el("button", { type: "button", class: "download-clip", onclick: save }, t("library.download")),
      remove, confirm),
    audio, error, lines, clipCoaching(clip));
  return card;
}

export async function renderLibrary(view, params) {
  const query = { tag: params.get("tag") || "", criterion_id: params.get("criterion_id") || "",
                  q: params.get("q") || "" };
  // the form is drawn once, so what is typed while the results load is kept
  const form = filterForm(params);
  view.replaceChildren(el("h1", {}, t("nav.library")), form, el("p", { class: "muted" }, t("common.loading")));
  const page = await api("/clips", { params: { ...query, limit: 50 } });
  view.replaceChildren(el("h1", {}, t("nav.library")), form,
    page.data.length === 0 ? el("p", { class: "card" }, t("library.empty")) :
      el("ul", { class: "clips", id: "clip-list" }, page.data.map(clipCard)),
    el("p", { class: "muted" }, tn("library.shown", page.count, { shown: number(page.data.length, 0) })));
}
