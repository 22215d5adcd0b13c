// Everyone's own account: who they are, and changing their password (the current one is
// required; the new one needs 10 characters and must not be the username). The API signs
// out every other session of theirs; this tab stays signed in.
import { api, el, errorBox } from "./api.js";

export async function renderAccount(view, _params, me) {
  const result = el("div", { id: "password-result" });
  const form = el("form", { class: "card login", id: "password-form" },
    el("h2", {}, "Change your password"),
    el("label", {}, "Current password", el("input", { name: "current_password", type: "password", required: true,
                                                     autocomplete: "current-password" })),
    el("label", {}, "New password (at least 10 characters)", el("input", { name: "new_password", type: "password",
      required: true, minlength: 10, autocomplete: "new-password" })),
    el("label", {}, "New password again", el("input", { name: "repeat", type: "password", required: true,
                                                       autocomplete: "new-password" })),
    el("button", { type: "submit" }, "Change password"), result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (data.new_password !== data.repeat) {
      result.replaceChildren(el("p", { class: "error", role: "alert" }, "The two new passwords differ."));
      return;
    }
    try {
      await api("/auth/password", { method: "POST",
        body: { current_password: data.current_password, new_password: data.new_password } });
      form.reset();
      result.replaceChildren(el("p", { class: "ok", id: "password-changed" },
        "Password changed. Your other sessions are signed out."));
    } catch (err) { result.replaceChildren(errorBox(err)); }
  });
  view.replaceChildren(el("h1", {}, "Account"),
    el("p", { class: "muted" }, `${me.username}${me.full_name ? ` (${me.full_name})` : ""}, ${me.role}` +
      (me.agent ? `, agent ${me.agent}` : "")),
    form);
}
