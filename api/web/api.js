// The JSON API: a fetch wrapper that sends the bearer token, and small DOM helpers.
const KEY = "callqa.token";

export const session = {
  token: () => sessionStorage.getItem(KEY),
  save: (token) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authHeaders() {
  const token = session.token();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function fail(res) {
  let error = {};
  try { error = (await res.json()).error || {}; } catch { /* not JSON */ }
  if (res.status === 401 && session.token()) {
    session.clear();
    location.hash = "#/login";
  }
  throw new ApiError(res.status, error.code, error.message || res.statusText);
}

/** Call `/api/v1${path}`; params with empty values are left out. */
export async function api(path, { method = "GET", body, params } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== "" && v !== null && v !== undefined) url.searchParams.set(k, v);
  }
  const headers = authHeaders();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(url, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) await fail(res);
  if (res.status === 204) return null;
  const data = await res.json();
  // Search and filtered queues stop counting at skip + 1000: the count means "at least".
  if (res.headers.get("X-Count-Capped") === "true" && data) data.capped = true;
  return data;
}

/** The recording as a blob: URL (the audio route needs the bearer header, not a query token). */
export async function audioUrl(callId) {
  const res = await fetch(`/api/v1/calls/${encodeURIComponent(callId)}/audio`,
                          { headers: authHeaders() });
  if (!res.ok) await fail(res);
  return URL.createObjectURL(await res.blob());
}

/** Any API file (audio) as a blob: URL, fetched with the bearer header. */
export async function blobUrl(path) {
  const res = await fetch(`/api/v1${path}`, { headers: authHeaders() });
  if (!res.ok) await fail(res);
  return URL.createObjectURL(await res.blob());
}

/** Download an API file under `filename` (fetched with the bearer header, saved from a blob). */
export async function download(path, filename) {
  const url = await blobUrl(path);
  const a = el("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** el("div", {class: "x", onclick: f}, "text", child) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function clock(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, seconds);
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

export function num(x, digits = 1) {
  return x === null || x === undefined ? "–" : Number(x).toFixed(digits).replace(/\.0+$/, "");
}

export function errorBox(err) {
  return el("p", { class: "error", role: "alert" }, err.message || String(err));
}

// The "← Previous  51–100 of 1000+  Next →" bar under a paged list. `link(to, label)` draws
// one control that goes to offset `to`; a capped count (search, filtered queue) shows "+".
export function pager(page, skip, size, link, labels = ["← Previous", "Next →"]) {
  return el("nav", { class: "pager" },
    skip > 0 ? link(Math.max(0, skip - size), labels[0]) : null,
    el("span", { class: "muted" },
       `${page.count ? skip + 1 : 0}–${skip + page.data.length} of ${page.count}${page.capped ? "+" : ""}`),
    skip + size < page.count ? link(skip + size, labels[1]) : null);
}

// A pager link to the same page of route `route` at another offset, keeping its filters.
export function pageLink(route, params) {
  return (to, label) => {
    const next = new URLSearchParams(params);
    next.set("skip", to);
    return el("a", { class: "button", href: `#/${route}?${next}` }, label);
  };
}
