// Admin: rubric versions. Paste or open a YAML file, validate it (an error names its line,
// which is marked in the numbered listing), upload it, activate a version, rescore the
// stored calls with it (human scores stay current unless overridden).
import { api, el, errorBox } from "./api.js";
import { dateTime, label, t } from "./i18n.js";

/** The numbered YAML with `line` marked, scrolled into view. */
function listing(text, line) {
  const lines = text.split("\n");
  const from = Math.max(0, line - 4), to = Math.min(lines.length, line + 3);
  return el("ol", { class: "yaml-listing", start: from + 1, id: "rubric-error-lines" },
    lines.slice(from, to).map((l, i) => el("li", { class: from + i + 1 === line ? "bad-line" : "" }, l || " ")));
}

function editor(redraw, say) {
  const result = el("div", { id: "rubric-result" });
  const text = el("textarea", { name: "yaml", rows: 14, spellcheck: "false", class: "code",
                                placeholder: "name: inbound_service_en\nversion: \"2.0\"\n…" });
  const file = el("input", { type: "file", accept: ".yaml,.yml,text/yaml", name: "file" });
  file.addEventListener("change", async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const run = (path, done) => async () => {
    result.replaceChildren();
    try {
      const body = await api(path, { method: "POST", body: { yaml: text.value } });
      result.replaceChildren(el("p", { class: "ok", id: "rubric-ok" }, done(body)));
      if (path === "/admin/rubrics") { await redraw(); say(done(body)); }
    } catch (err) {
      const line = Number((/:(\d+): /.exec(err.message) || [])[1]);
      result.replaceChildren(errorBox(err), line ? listing(text.value, line) : "");
    }
  };
  return el("section", { class: "card", id: "rubric-editor" },
    el("h2", {}, t("rubrics.new_version")),
    el("label", {}, t("rubrics.file"), file), el("label", {}, "YAML", text),
    el("div", { class: "clip-actions" },
      el("button", { type: "button", id: "validate-rubric", class: "secondary",
        onclick: run("/admin/rubrics/validate", (r) => t("rubrics.valid", {
          name: r.name, version: r.version, language: label("lang", r.language), criteria: r.criteria })) },
        t("rubrics.validate")),
      el("button", { type: "button", id: "upload-rubric",
        onclick: run("/admin/rubrics", (r) => t("rubrics.stored", { name: r.name, version: r.version, id: r.id })) },
        t("rubrics.upload"))),
    result);
}

export async function renderRubrics(node, act, notice) {
  const redraw = () => renderRubrics(node, act, notice);
  const say = (message) => notice.replaceChildren(el("p", { class: "ok" }, message));
  const rubrics = await api("/admin/rubrics");
  const override = el("input", { type: "checkbox", id: "override-human" });
  const row = (r) => {
    const actions = [];
    if (r.id !== null && !r.active) {
      actions.push(el("button", { type: "button", class: "activate-rubric",
        onclick: act(notice, () => api(`/admin/rubrics/${r.id}/activate`, { method: "POST" }), redraw,
          (x) => t("rubrics.activated", { name: x.name, version: x.version })) }, t("admin.activate")));
    }
    if (r.id !== null) {
      const rescore = el("button", { type: "button", class: "secondary rescore-rubric", onclick: async () => {
        rescore.disabled = true;
        rescore.textContent = t("rubrics.rescoring");
        notice.replaceChildren();
        try {
          const done = await api(`/admin/rubrics/${r.id}/rescore`, { method: "POST",
            params: { override_human: override.checked ? "true" : "" } });
          await redraw();
          say(t("rubrics.rescored", { rubric: done.rubric, scored: done.scored, unscored: done.unscored,
                                      kept: done.kept_human }));
        } catch (err) {
          notice.replaceChildren(errorBox(err));
          rescore.disabled = false;
          rescore.textContent = t("rubrics.rescore");
        }
      } }, t("rubrics.rescore"));
      actions.push(rescore);
    }
    return el("tr", { dataset: { rubric: `${r.name}@${r.version}` }, class: r.active ? "active" : "" },
      el("td", {}, el("b", {}, r.title || r.name), r.title ? el("div", { class: "muted" }, r.name) : null),
      el("td", {}, r.version), el("td", {}, label("lang", r.language)),
      el("td", {}, r.shipped ? t("rubrics.shipped") : t("rubrics.uploaded")),
      el("td", { class: "status" }, r.active ? el("span", { class: "badge ack" }, t("admin.active")) : ""),
      el("td", {}, dateTime(r.created_at)), el("td", {}, el("div", { class: "clip-actions" }, actions)));
  };
  node.replaceChildren(
    el("section", { class: "card" }, el("h2", {}, t("rubrics.versions")),
      el("table", { id: "rubrics-table" },
        el("thead", {}, el("tr", {}, [t("admin.name"), t("rubrics.version"), t("col.language"), t("rubrics.source"), "",
                                      t("rubrics.stored_at"), ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, rubrics.data.map(row))),
      el("label", { class: "check" }, override, t("rubrics.override_human"))),
    editor(redraw, say));
}
