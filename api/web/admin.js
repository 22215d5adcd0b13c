// Admin pages (#/admin?tab=users|teams|rubrics|audit) over /users, /admin/* and /audit:
// users and roles, teams and agents here; rubric versions in rubrics.js, the audit log in
// audit.js. Every change goes through the API, which audits it.
import { api, el, errorBox } from "./api.js";
import { LANGUAGES, label, t, tn } from "./i18n.js";
import { renderAudit } from "./audit.js";
import { renderRubrics } from "./rubrics.js";

const ROLES = ["admin", "supervisor", "trainer", "agent"];
const TABS = { users: () => t("admin.tab_users"), teams: () => t("admin.tab_teams"),
               rubrics: () => t("admin.tab_rubrics"), audit: () => t("admin.tab_audit") };

/** Run an API change, redraw the tab, and say `done` (a string or a function of the
 * change's answer) in `box`, the page's notice line; or show the change's error there. */
export function act(box, change, redraw, done = () => t("common.saved")) {
  return async (event) => {
    event?.preventDefault?.();
    box.replaceChildren();
    try {
      const answer = await change();
      await redraw();
      box.replaceChildren(el("p", { class: "ok" }, typeof done === "function" ? done(answer) : done));
    } catch (err) { box.replaceChildren(errorBox(err)); }
  };
}

const options = (kind, values, selected) => values.map((v) =>
  el("option", { value: v, selected: v === selected }, label(kind, v)));

async function agentList() {
  return el("datalist", { id: "agent-ids" },
    (await api("/admin/agents", { params: { limit: 200 } })).data.map((a) =>
      el("option", { value: a.external_id }, a.name || "")));
}

async function usersTab(node, me, error) {
  const redraw = () => usersTab(node, me, error);
  const [users, teams] = await Promise.all([api("/users", { params: { limit: 200 } }), api("/admin/teams")]);
  // Supervisors and trainers see their teams' calls (CALLQA_TEAM_SCOPING); others need none.
  const teamsOf = (u) => el("select", { name: "team_ids", multiple: true, class: "team-choice", size: Math.min(3, teams.data.length || 1),
                                        "aria-label": t("admin.teams_of", { user: u.username }), title: t("admin.teams_hint") },
    teams.data.map((team) => el("option", { value: team.id, selected: u.teams.some((x) => x.id === team.id) }, team.name)));
  const row = (u) => {
    const role = el("select", { name: "role", "aria-label": t("admin.role_of", { user: u.username }), disabled: u.id === me.id },
      options("role", ROLES, u.role));
    const agent = el("input", { name: "agent", value: u.agent || "", list: "agent-ids", placeholder: t("admin.agent_id"), size: 8 });
    const chosen = teamsOf(u);
    const save = el("button", { type: "button", class: "save-role", onclick: act(error, () =>
      api(`/users/${u.id}`, { method: "PATCH", body: { role: role.value, agent: agent.value || null,
        team_ids: [...chosen.selectedOptions].map((o) => Number(o.value)) } }), redraw,
      (x) => t("admin.role_saved", { user: x.username, role: label("role", x.role) })) }, t("admin.save_role"));
    const password = el("input", { type: "password", name: "password", placeholder: t("admin.new_password"), minlength: 8,
                                   autocomplete: "new-password" });
    const reset = el("form", { class: "inline-form reset-password", onsubmit: act(error, () =>
      api(`/users/${u.id}`, { method: "PATCH", body: { password: password.value } }), redraw,
      () => t("admin.password_reset", { user: u.username })) },
      password, el("button", { type: "submit" }, t("admin.reset_password")));
    const toggle = el("button", { type: "button", class: u.active ? "danger deactivate" : "activate",
      disabled: u.id === me.id, onclick: act(error, () =>
        api(`/users/${u.id}`, { method: "PATCH", body: { active: !u.active } }), redraw,
        (x) => (x.active ? t("admin.now_active", { user: x.username }) : t("admin.now_deactivated", { user: x.username }))) },
      u.active ? t("admin.deactivate") : t("admin.activate"));
    return el("tr", { dataset: { username: u.username }, class: u.active ? "" : "inactive" },
      el("td", {}, el("b", {}, u.username), el("div", { class: "muted" }, u.full_name || ""),
         el("div", { class: "muted user-language" }, u.language ? label("lang", u.language) : t("account.language_browser")),
         el("div", { class: "muted user-teams" }, u.teams.length ? u.teams.map((x) => x.name).join(", ") : t("admin.no_teams"))),
      el("td", {}, el("div", { class: "inline-form" }, role, agent, chosen, save)),
      el("td", { class: "status" }, u.active ? t("admin.active") : t("admin.deactivated")), el("td", {}, reset), el("td", {}, toggle));
  };
  const create = el("form", { class: "card filters", id: "user-form" },
    el("h2", { class: "wide" }, t("admin.new_user")),
    el("label", {}, t("login.username"), el("input", { name: "username", required: true, pattern: "[A-Za-z0-9_.@\\-]{2,100}" })),
    el("label", {}, t("admin.full_name"), el("input", { name: "full_name" })),
    el("label", {}, t("admin.role"), el("select", { name: "role" }, options("role", ROLES, "agent"))),
    el("label", {}, t("admin.agent_id_for_agents"), el("input", { name: "agent", list: "agent-ids" })),
    el("label", {}, t("account.language"), el("select", { name: "language" },
      el("option", { value: "" }, t("account.language_browser")), options("lang", LANGUAGES, null))),
    el("label", {}, t("login.password"), el("input", { name: "password", type: "password", required: true, minlength: 8,
                                                      autocomplete: "new-password" })),
    el("button", { type: "submit" }, t("admin.create_user")));
  create.addEventListener("submit", act(error, () => {
    const body = Object.fromEntries([...new FormData(create)].map(([k, v]) => [k, v || null]));
    return api("/users", { method: "POST", body });
  }, redraw, (x) => t("admin.user_created", { user: x.username, role: label("role", x.role) })));
  const heads = [t("admin.user"), t("admin.role_col"), t("me.status"), t("login.password"), ""];
  node.replaceChildren(await agentList(),
    el("table", { id: "users-table" },
      el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))),
      el("tbody", {}, users.data.map(row))),
    create);
}

async function teamsTab(node, error) {
  const redraw = () => teamsTab(node, error);
  const [teams, agents] = await Promise.all([api("/admin/teams"), api("/admin/agents", { params: { limit: 200 } })]);
  const teamSelect = (selected, attrs = {}) => el("select", { name: "team_id", ...attrs },
    el("option", { value: "" }, t("admin.no_team")),
    teams.data.map((t) => el("option", { value: t.id, selected: t.id === selected }, t.name)));
  const teamForm = el("form", { class: "inline-form", id: "team-form" },
    el("input", { name: "name", required: true, placeholder: t("admin.team_name"), "aria-label": t("admin.new_team_name") }),
    el("button", { type: "submit" }, t("admin.add_team")));
  teamForm.addEventListener("submit", act(error, () =>
    api("/admin/teams", { method: "POST", body: { name: new FormData(teamForm).get("name") } }), redraw,
    (x) => t("admin.team_added", { team: x.name })));
  const row = (a) => {
    const team = teamSelect(a.team_id, { "aria-label": t("admin.team_of", { agent: a.external_id }) });
    const name = el("input", { name: "name", value: a.name || "", "aria-label": t("admin.name_of", { agent: a.external_id }) });
    return el("tr", { dataset: { agent: a.external_id } }, el("td", {}, a.external_id), el("td", {}, name),
      el("td", {}, team), el("td", {}, el("button", { type: "button", class: "save-agent", onclick: act(error, () =>
        api(`/admin/agents/${a.id}`, { method: "PATCH",
          body: { name: name.value || null, team_id: team.value ? Number(team.value) : null } }), redraw,
        (x) => t("admin.agent_saved", { agent: x.external_id, name: x.name || t("admin.no_name"),
                                        team: x.team || t("admin.no_team") })) }, t("common.save"))));
  };
  const agentForm = el("form", { class: "inline-form", id: "agent-form" },
    el("input", { name: "external_id", required: true, placeholder: t("admin.agent_id_placeholder") }),
    el("input", { name: "name", placeholder: t("admin.name") }), teamSelect(null),
    el("button", { type: "submit" }, t("admin.add_agent")));
  agentForm.addEventListener("submit", act(error, () => {
    const d = Object.fromEntries(new FormData(agentForm));
    return api("/admin/agents", { method: "POST", body: {
      external_id: d.external_id, name: d.name || null, team_id: d.team_id ? Number(d.team_id) : null } });
  }, redraw, (x) => t("admin.agent_added", { agent: x.external_id })));
  node.replaceChildren(
    el("section", { class: "card" }, el("h2", {}, t("admin.teams")),
      el("ul", { id: "team-list", class: "chips" }, teams.data.map((team) => el("li", {}, team.name))), teamForm),
    el("section", { class: "card" }, el("h2", {}, tn("admin.agents", agents.count)),
      el("table", { id: "agents-table" },
        el("thead", {}, el("tr", {}, [t("admin.agent_id"), t("admin.name"), t("col.team"), ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, agents.data.map(row))), agentForm));
}

export async function renderAdmin(view, params, me) {
  const tab = TABS[params.get("tab")] ? params.get("tab") : "users";
  const body = el("div", { id: `admin-${tab}` }, el("p", { class: "muted" }, t("common.loading")));
  const notice = el("div", { id: "admin-notice", role: "status" });
  view.replaceChildren(el("h1", {}, t("nav.admin")),
    el("nav", { class: "tabs", id: "admin-tabs" }, Object.entries(TABS).map(([key, name]) =>
      el("a", { href: `#/admin?tab=${key}`, class: key === tab ? "tab active" : "tab", id: `tab-${key}` }, name()))),
    notice, body);
  const draw = { users: () => usersTab(body, me, notice), teams: () => teamsTab(body, notice),
                 rubrics: () => renderRubrics(body, act, notice),
                 audit: () => renderAudit(body, params) };
  await draw[tab]();
}
