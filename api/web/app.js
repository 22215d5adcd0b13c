// The page shell: sign-in, hash routing, sign-out. Each role has its pages:
// supervisors and admins #/queue and #/dashboards, admins #/admin, trainers #/search and
// #/library, agents #/me; everyone opens #/calls/<id> (what it offers depends on the
// role) and #/account (their password and language). The TR | EN switcher in the header,
// on every page and the sign-in page, redraws the page in the other language and, when
// someone is signed in, stores the choice with the user (PUT /auth/language).
import { api, el, errorBox, session } from "./api.js";
import { LANGUAGES, label, language, pick, t, useStored } from "./i18n.js";
import { renderQueue } from "./queue.js";
import { renderDisputes } from "./disputes.js";
import { renderCall } from "./call.js";
import { renderSearch } from "./search.js";
import { renderLibrary } from "./library.js";
import { renderCalibration } from "./calibration.js";
import { renderCoaching } from "./coaching.js";
import { renderMe } from "./me.js";
import { renderDashboards } from "./dashboards.js";
import { renderAdmin } from "./admin.js";
import { renderAccount } from "./account.js";
import { CUSTOMER_READERS, renderCustomer } from "./customer.js";

const view = document.getElementById("view");
let me = null;

const PAGES = {
  queue: { label: () => t("nav.queue"), roles: ["admin", "supervisor"], render: renderQueue },
  disputes: { label: () => t("nav.disputes"), roles: ["admin", "supervisor"], render: renderDisputes },
  search: { label: () => t("nav.search"), roles: ["admin", "supervisor", "trainer"], render: renderSearch },
  library: { label: () => t("nav.library"), roles: ["admin", "supervisor", "trainer"], render: renderLibrary },
  coaching: { label: () => t("coach.nav"), roles: ["admin", "supervisor", "trainer"], render: renderCoaching },
  calibration: { label: () => t("nav.calibration"), roles: ["admin", "supervisor", "trainer"], render: renderCalibration },
  me: { label: () => t("nav.me"), roles: ["agent"], render: renderMe },
  dashboards: { label: () => t("nav.dashboards"), roles: ["admin", "supervisor"], render: renderDashboards },
  admin: { label: () => t("nav.admin"), roles: ["admin"], render: renderAdmin },
  account: { label: () => t("nav.account"), roles: ["admin", "supervisor", "trainer", "agent"], render: renderAccount },
};

export function home(user) {
  return user?.role === "agent" ? "#/me" : user?.role === "trainer" ? "#/search" : "#/queue";
}

function renderLogin() {
  const error = el("div");
  const form = el("form", { class: "card login", id: "login-form" },
    el("h1", {}, t("login.title")),
    el("label", {}, t("login.username"), el("input", { name: "username", autocomplete: "username", required: true })),
    el("label", {}, t("login.password"), el("input", { name: "password", type: "password",
                                                      autocomplete: "current-password", required: true })),
    el("button", { type: "submit" }, t("login.submit")), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      const token = await api("/auth/login", { method: "POST", body: data });
      session.save(token.access_token);
      me = null;
      useStored(null);
      location.hash = "#/home";
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  });
  view.replaceChildren(form);
}

function nav(user) {
  const links = Object.entries(PAGES).filter(([, p]) => p.roles.includes(user.role))
    .map(([name, p]) => el("a", { href: `#/${name}`, class: "nav-link", id: `nav-${name}` }, p.label()));
  document.getElementById("nav").replaceChildren(...links);
}

/** The TR | EN switcher; the current language is pressed. */
function switcher() {
  const box = document.getElementById("languages");
  box.setAttribute("aria-label", t("language.switch"));
  box.replaceChildren(...LANGUAGES.map((lang) => el("button", {
    type: "button", class: "lang", id: `lang-${lang}`, lang, "aria-pressed": String(lang === language()),
    title: label("lang", lang), onclick: () => switchTo(lang) }, lang.toUpperCase())));
}

/** Show the page in `lang`; signed in, store it with the user first. */
async function switchTo(lang) {
  if (me) {
    try {
      me = await api("/auth/language", { method: "PUT", body: { language: lang } });
    } catch (err) {
      view.prepend(errorBox(err));
      return;
    }
  }
  pick(lang);
  useStored(me?.language ?? null);
  await route();
}

function chrome() {
  document.title = t("app.title");
  document.getElementById("logout").textContent = t("nav.sign_out");
  switcher();
}

async function whoami() {
  if (!me) {
    me = await api("/auth/me");
    useStored(me.language);
  }
  nav(me);
  document.getElementById("whoami").textContent = `${me.username} (${label("role", me.role)})`;
  document.getElementById("logout").hidden = false;
  return me;
}

async function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  if (!session.token() || path === "/login") {
    me = null;
    useStored(null);
    chrome();
    document.getElementById("whoami").textContent = "";
    document.getElementById("nav").replaceChildren();
    document.getElementById("logout").hidden = true;
    return renderLogin();
  }
  // Each route draws into its own element: a page still loading when the user moves on
  // finishes into a detached element instead of covering the page they moved to.
  const target = el("div", { class: "page" });
  view.replaceChildren(target);
  chrome();
  try {
    const user = await whoami();
    chrome();
    const call = path.match(/^\/calls\/([^/]+)$/);
    if (call) return await renderCall(target, decodeURIComponent(call[1]), user);
    if (path === "/customer" && CUSTOMER_READERS.includes(user.role)) {
      return await renderCustomer(target, new URLSearchParams(query), user);
    }
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
  useStored(null);
  location.hash = "#/login";
});
// the account page stored another language (or "the browser's") for the user
window.addEventListener("callqa:user", (event) => {
  me = event.detail;
  useStored(me.language);
  route();
});
window.addEventListener("hashchange", route);
route();
