// The JSON API: a fetch wrapper that sends the bearer token and the UI's language, and
// small DOM helpers.
import { duration, errorText, language, number, t } from "./i18n.js";

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

// Accept-Language: the server renders explanations and flag reasons in the UI's language.
function authHeaders() {
  const token = session.token();
  const headers = { "Accept-Language": language() };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
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

/** A signed link to the call's recording, good for 5 minutes: an <audio> streams it with
 * Range requests (it plays before it has all downloaded), no bearer header needed. */
export async function audioUrl(callId) {
  const link = await api(`/calls/${encodeURIComponent(callId)}/audio-link`, { method: "POST" });
  return link.url;
}

/** Stream the call's recording into `audio`. A link that expired while the page stayed open
 * is replaced (at the same position); a recording that cannot play goes to `onError` with
 * the server's reason (asked with a range past byte 0, which is not a new play). */
export function streamAudio(audio, callId, onError) {
  let fetched = 0;
  const load = async (at) => {
    try {
      const url = await audioUrl(callId);
      fetched = Date.now();
      if (at) audio.addEventListener("loadedmetadata", () => { audio.currentTime = at; }, { once: true });
      audio.src = url;
    } catch (err) { onError(err); }
  };
  audio.addEventListener("error", async () => {
    if (!fetched) return;
    if (Date.now() - fetched > 4 * 60_000) return load(audio.currentTime);
    try {
      const res = await fetch(audio.currentSrc || audio.src, { headers: { Range: "bytes=1-1" } });
      if (!res.ok) await fail(res);
      onError(new ApiError(0, "audio_unplayable", t("call.audio_unplayable")));
    } catch (err) { onError(err); }
  });
  load(0);
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

/** A position or length in seconds as m:ss (see i18n.duration). */
export const clock = duration;

/** A number in the UI's locale, at most `digits` decimals. */
export const num = number;

/** An error as a sentence in the UI's language (the server's detail below it, if any);
 * `sentences` maps error codes to what they mean on the calling page. */
export function errorBox(err, sentences = {}) {
  const { sentence, detail } = errorText(err, sentences);
  return el("p", { class: "error", role: "alert", dataset: { code: err?.code || "" } }, sentence,
    detail && detail !== sentence ? el("span", { class: "error-detail" }, detail) : null);
}

// The "← Previous  51–100 of 1000+  Next →" bar under a paged list. `link(to, label)` draws
// one control that goes to offset `to`; a capped count (search, filtered queue) shows "+".
export function pager(page, skip, size, link, labels = [t("pager.previous"), t("pager.next")]) {
  return el("nav", { class: "pager" },
    skip > 0 ? link(Math.max(0, skip - size), labels[0]) : null,
    el("span", { class: "muted" }, t("pager.range", {
      from: number(page.count ? skip + 1 : 0, 0), to: number(skip + page.data.length, 0),
      count: number(page.count, 0) + (page.capped ? "+" : "") })),
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
