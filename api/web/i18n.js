// The UI's languages: the message catalogues (i18n/en.json, i18n/tr.json, the same keys),
// which language is current, and Intl formatting of dates, numbers and durations in it.
//
// The current language is the signed-in user's stored choice (users.language, set with
// PUT /auth/language); when that is empty, the one picked on this browser's switcher
// (localStorage, so the sign-in page keeps it); else the browser's (navigator.languages);
// else English. api.js sends it as Accept-Language, so text the server renders (criterion
// explanations, flag reasons) follows the switcher.
export const LANGUAGES = ["tr", "en"];
const LOCALES = { tr: "tr-TR", en: "en-GB" };
const PICKED = "callqa.language";

const catalogues = Object.fromEntries(await Promise.all(LANGUAGES.map(async (lang) => {
  const res = await fetch(`/ui/i18n/${lang}.json`);
  return [lang, res.ok ? await res.json() : {}];
})));

let stored = null;  // the signed-in user's choice; null: none, or nobody signed in

export function browserLanguage() {
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const code = String(tag || "").toLowerCase().split("-")[0];
    if (LANGUAGES.includes(code)) return code;
  }
  return null;
}

function picked() {
  try {
    const lang = localStorage.getItem(PICKED);
    return LANGUAGES.includes(lang) ? lang : null;
  } catch { return null; }  // storage refused (private mode): the browser's then
}

/** "tr" or "en": what the page is shown in now. */
export function language() {
  return stored || picked() || browserLanguage() || "en";
}

export function locale() {
  return LOCALES[language()];
}

/** The signed-in user's stored language (null: none); call with null on sign-out. */
export function useStored(lang) {
  stored = LANGUAGES.includes(lang) ? lang : null;
  document.documentElement.lang = language();
}

/** Remember `lang` on this browser (the switcher); the signed-in user's is saved by the caller. */
export function pick(lang) {
  try { localStorage.setItem(PICKED, lang); } catch { /* the choice lasts this page only */ }
  document.documentElement.lang = language();
}

export function has(key) {
  return key in (catalogues[language()] || {});
}

/** The message `key` in the current language, `{name}` replaced by params.name. */
export function t(key, params = {}) {
  const text = catalogues[language()]?.[key] ?? catalogues.en?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

/** A counted message: `key.one` or `key.other` by the language's plural rule; {n} is the count. */
export function tn(key, count, params = {}) {
  const rule = new Intl.PluralRules(locale()).select(count);
  const full = has(`${key}.${rule}`) ? `${key}.${rule}` : `${key}.other`;
  return t(full, { n: number(count, 0), ...params });
}

/** The name of a code of some kind (flag, verdict, role, party, status, diarization, lang,
 * sentiment, severity, pii, dispute, period, group): its catalogue entry, else the code. */
export function label(kind, code) {
  if (code === null || code === undefined || code === "") return "–";
  const key = `${kind}.${code}`;
  if (has(key)) return t(key);
  if (kind === "lang") {
    try { return new Intl.DisplayNames([locale()], { type: "language" }).of(code) || code; } catch { return code; }
  }
  return String(code);
}

/** An API error as a sentence: `sentences[code]` (what the page knows a code means there),
 * else the catalogue's for its code (with the server's own message as the detail where that
 * names what went wrong), else the server's message. */
export function errorText(err, sentences = {}) {
  if (err?.code && sentences[err.code]) return { sentence: sentences[err.code], detail: null };
  const key = err?.code ? `error.${err.code}` : err instanceof TypeError ? "error.network" : null;
  if (key && has(key)) {
    const detailed = ["validation_error", "rubric", "weak_password", "conflict", "account",
                      "bad_request", "not_found", "forbidden", "ui_language"].includes(err.code);
    return { sentence: t(key), detail: detailed && err.message ? err.message : null };
  }
  return { sentence: err?.message || String(err), detail: null };
}

const cache = new Map();
function formatter(kind, options) {
  const key = `${locale()}|${kind}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, new Intl[kind](locale(), options));
  return cache.get(key);
}

const missing = (x) => x === null || x === undefined || Number.isNaN(x);

/** A number with at most `digits` decimals (or exactly, with `fixed`), in the locale. */
export function number(x, digits = 1, fixed = false) {
  if (missing(x)) return "–";
  return formatter("NumberFormat", { maximumFractionDigits: digits,
                                     minimumFractionDigits: fixed ? digits : 0 }).format(Number(x));
}

/** A share (0.125) as a percentage (12.5 %, %12,5). */
export function percent(share, digits = 1) {
  if (missing(share)) return "–";
  return formatter("NumberFormat", { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** A value already in percent (12.5) as a percentage. */
export function percentOf100(value, digits = 1) {
  return missing(value) ? "–" : percent(Number(value) / 100, digits);
}

/** Seconds as a measure (2.5 s, 2,5 sn.). */
export function seconds(x, digits = 1) {
  if (missing(x)) return "–";
  return formatter("NumberFormat", { style: "unit", unit: "second", unitDisplay: "short",
                                     maximumFractionDigits: digits }).format(x);
}

/** A length of time or a position in a recording as m:ss (h:mm:ss past an hour), the way
 * the audio player writes it in both languages. (Intl.DurationFormat's digital style pads
 * the minutes, "00:30", unlike the player's "0:30".) */
export function duration(totalSeconds) {
  if (missing(totalSeconds)) return "–";
  const whole = Math.max(0, Math.floor(totalSeconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (x) => formatter("NumberFormat", { minimumIntegerDigits: 2, useGrouping: false }).format(x);
  return h ? `${number(h, 0)}:${two(m)}:${two(s)}` : `${number(m, 0)}:${two(s)}`;
}

/** A moment (an ISO timestamp) as date and time in the locale, in the browser's time zone. */
export function dateTime(iso) {
  if (!iso) return "–";
  return formatter("DateTimeFormat", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A calendar day ("2026-10-05", a period's start) as a date; `month: true` as its month. */
export function day(isoDay, { month = false } = {}) {
  if (!isoDay) return "–";
  const options = month ? { month: "short", year: "numeric", timeZone: "UTC" }
    : { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };
  return formatter("DateTimeFormat", options).format(new Date(`${String(isoDay).slice(0, 10)}T00:00:00Z`));
}
