// Everyone's own account: who they are, their UI language (Türkçe, English, or their
// browser's), and changing their password (the current one is required; the new one needs
// 10 characters and must not be the username). The API signs out every other session of
// theirs; this tab stays signed in.
import { api, el, errorBox } from "./api.js";
import { LANGUAGES, label, t } from "./i18n.js";

function languageForm(me) {
  const result = el("div", { id: "language-result" });
  const choice = el("select", { name: "language", id: "language-choice" },
    el("option", { value: "", selected: !me.language }, t("account.language_browser")),
    LANGUAGES.map((lang) => el("option", { value: lang, selected: me.language === lang, lang }, label("lang", lang))));
  const form = el("form", { class: "card login", id: "language-form" },
    el("h2", {}, t("account.language")), el("label", {}, t("account.language_label"), choice),
    el("button", { type: "submit" }, t("common.save")), result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const user = await api("/auth/language", { method: "PUT", body: { language: choice.value || null } });
      window.dispatchEvent(new CustomEvent("callqa:user", { detail: user }));  // redraws the page
    } catch (err) { result.replaceChildren(errorBox(err)); }
  });
  return form;
}

export async function renderAccount(view, _params, me) {
  const result = el("div", { id: "password-result" });
  const form = el("form", { class: "card login", id: "password-form" },
    el("h2", {}, t("account.change_password")),
    el("label", {}, t("account.current_password"), el("input", { name: "current_password", type: "password", required: true,
                                                                autocomplete: "current-password" })),
    el("label", {}, t("account.new_password"), el("input", { name: "new_password", type: "password",
      required: true, minlength: 10, autocomplete: "new-password" })),
    el("label", {}, t("account.repeat_password"), el("input", { name: "repeat", type: "password", required: true,
                                                               autocomplete: "new-password" })),
    el("button", { type: "submit" }, t("account.change_password_button")), result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (data.new_password !== data.repeat) {
      result.replaceChildren(el("p", { class: "error", role: "alert" }, t("account.passwords_differ")));
      return;
    }
    try {
      await api("/auth/password", { method: "POST",
        body: { current_password: data.current_password, new_password: data.new_password } });
      form.reset();
      result.replaceChildren(el("p", { class: "ok", id: "password-changed" }, t("account.password_changed")));
    } catch (err) { result.replaceChildren(errorBox(err, { forbidden: t("account.wrong_current_password") })); }
  });
  const who = [me.full_name ? `${me.username} (${me.full_name})` : me.username, label("role", me.role)];
  if (me.agent) who.push(t("account.agent", { agent: me.agent }));
  view.replaceChildren(el("h1", {}, t("nav.account")),
    el("p", { class: "muted" }, who.join(", ")),
    el("div", { class: "account-forms" }, form, languageForm(me)));
}
