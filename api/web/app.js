// The page shell: sign-in, hash routing, sign-out. Each role has its pages:
// supervisors and admins #/queue and #/dashboards, admins #/admin, trainers #/search and
// #/library, agents #/me; everyone opens #/calls/<id> (what it offers depends on the
// role) and #/account (their password).
import { api, el, errorBox, session } from "./api.js";
import { renderQueue } from "./queue.js";
import { renderCall } from "./call.js";
import { renderSearch } from "./search.js";
import { renderLibrary } from "./library.js";
import { renderMe } from "./me.js";
import { renderDashboards } from "./dashboards.js";
import { renderAdmin } from "./admin.js";
import { renderAccount } from "./account.js";

const view = document.getElementById("view");
let me = null;

const PAGES = {
  queue: { label: "Review queue", roles: ["admin", "supervisor"], render: renderQueue },
  search: { label: "Search calls", roles: ["admin", "supervisor", "trainer"], render: renderSearch },
  library: { label: "Clip library", roles: ["admin", "supervisor", "trainer"], render: renderLibrary },
  me: { label: "My scorecards", roles: ["agent"], render: renderMe },
  dashboards: { label: "Dashboards", roles: ["admin", "supervisor"], render: renderDashboards },
  admin: { label: "Admin", roles: ["admin"], render: renderAdmin },
  account: { label: "Account", roles: ["admin", "supervisor", "trainer", "agent"], render: renderAccount },
};

export function home(user) {
  return user?.role === "agent" ? "#/me" : user?.role === "trainer" ? "#/search" : "#/queue";
}

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
      location.hash = "#/home";
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  });
  view.replaceChildren(form);
}

function nav(user) {
  const links = Object.entries(PAGES).filter(([, p]) => p.roles.includes(user.role))
    .map(([name, p]) => el("a", { href: `#/${name}`, class: "nav-link", id: `nav-${name}` }, p.label));
  document.getElementById("nav").replaceChildren(...links);
}

async function whoami() {
  if (!me) {
    me = await api("/auth/me");
    nav(me);
  }
  document.getElementById("whoami").textContent = `${me.username} (${me.role})`;
  document.getElementById("logout").hidden = false;
  return me;
}

async function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  if (!session.token() || path === "/login") {
    document.getElementById("whoami").textContent = "";
    document.getElementById("nav").replaceChildren();
    document.getElementById("logout").hidden = true;
    return renderLogin();
  }
  // Each route draws into its own element: a page still loading when the user moves on
  // finishes into a detached element instead of covering the page they moved to.
  const target = el("div", { class: "page" });
  view.replaceChildren(target);
  try {
    const user = await whoami();
    const call = path.match(/^\/calls\/([^/]+)$/);
    if (call) return await renderCall(target, decodeURIComponent(call[1]), user);
    const page = PAGES[path.replace(/^\//, "")];
    if (!page || !page.roles.includes(user.role)) {
      location.replace(home(user));  // unknown or another role's page: go to your own
      return;
    }
    await page.render(target, new URLSearchParams(query), user);
  } catch (err) {
    target.replaceChildren(errorBox(err));
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
