// The page shell: sign-in, hash routing (#/login, #/queue?..., #/calls/<id>), sign-out.
import { api, el, errorBox, session } from "./api.js";
import { renderQueue } from "./queue.js";
import { renderCall } from "./call.js";

const view = document.getElementById("view");
let me = null;

function renderLogin() {
  const error = el("div");
  const form = el("form", { class: "card login", id: "login-form" },
    el("h1", {}, "Sign in"),
    el("label", {}, "Username", el("input", { name: "username", autocomplete: "username", required: true })),
    el("label", {}, "Password", el("input", { name: "password", type: "password",
                                             autocomplete: "current-password", required: true })),
    el("button", { type: "submit" }, "Sign in"), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      const token = await api("/auth/login", { method: "POST", body: data });
      session.save(token.access_token);
      me = null;
      location.hash = "#/queue";
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  });
  view.replaceChildren(form);
}

async function whoami() {
  if (!me) me = await api("/auth/me");
  document.getElementById("whoami").textContent = `${me.username} (${me.role})`;
  document.getElementById("logout").hidden = false;
  return me;
}

async function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  if (!session.token() || path === "/login") {
    document.getElementById("whoami").textContent = "";
    document.getElementById("logout").hidden = true;
    return renderLogin();
  }
  try {
    const user = await whoami();
    if (!["admin", "supervisor"].includes(user.role)) {
      view.replaceChildren(el("p", { class: "card" },
        "The review screens are for supervisors and admins; agent and trainer views are not built yet."));
      return;
    }
    const call = path.match(/^\/calls\/([^/]+)$/);
    if (call) await renderCall(view, decodeURIComponent(call[1]), user);
    else await renderQueue(view, new URLSearchParams(query));
  } catch (err) {
    view.replaceChildren(errorBox(err));
  }
}

document.getElementById("logout").addEventListener("click", async () => {
  try { await api("/auth/logout", { method: "POST" }); } catch { /* already gone */ }
  session.clear();
  me = null;
  location.hash = "#/login";
});
window.addEventListener("hashchange", route);
route();
