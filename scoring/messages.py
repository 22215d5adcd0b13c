"""Messages: text for people, kept as a key and arguments and rendered in the reader's language.

    m = Message("phrase.said", {"who": "agent", "said": [{"phrase": "iyi günler", "at": 4.2}]})
    render(m, "en")   # "Agent said 'iyi günler' at 00:04.2"
    render(m, "tr")   # "Temsilci 'iyi günler' (00:04.2) dedi"

A criterion's explanation, a flag's reason and an evidence note are each a :class:`Message`;
the English rendering is also stored as plain text (old readers and old rows use it). The
templates live in :mod:`scoring.message_catalogue`. Arguments that are words a person reads
(a party, a window, a metric, a verdict) are stored as codes and put into words here, so a
Turkish reader never sees "Agent said" or "in the first 30 s"; quoted phrases and transcript
text stay as spoken. Numbers take the language's decimal mark (Turkish "0,66"); times are
``mm:ss.s`` in both. An argument may itself be a message (``{"key": ..., "args": ...}``),
rendered in the same language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.message_catalogue import CATALOGUE

__all__ = ["KINDS", "LANGUAGES", "Message", "fmt_time", "localized", "message", "render"]

LANGUAGES = ("en", "tr")
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass(frozen=True)
class Message:
    """A message key and its JSON-able arguments (numbers, strings, lists, dicts, messages)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "args": {k: _plain(v) for k, v in self.args.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["key"]), dict(data.get("args") or {}))


def message(key: str, **args: Any) -> Message:
    """``message("metric.above_max", metric="longest_silence", value=35, bound=30)``."""
    if key not in CATALOGUE["en"]:
        raise KeyError(f"no message {key!r} in scoring.message_catalogue")
    return Message(key, args)


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render(msg: Message | Mapping[str, Any] | None, lang: str, fallback: str = "") -> str:
    """The message in ``lang`` (English for a language without a catalogue); ``fallback``
    for no message or a key this version does not know (a row written by a newer one)."""
    missing = object()
    text = _render(msg, lang if lang in CATALOGUE else "en", missing)
    if not isinstance(text, str):
        return fallback
    return _upper_first(text) if lang == "tr" else text


def _render(msg: Message | Mapping[str, Any] | str | None, lang: str,
            fallback: Any = "") -> Any:
    if msg is None:
        return fallback
    if isinstance(msg, str):
        return msg
    if not isinstance(msg, Message):
        try:
            msg = Message.from_dict(msg)
        except (KeyError, TypeError, ValueError):
            return fallback
    template = CATALOGUE[lang].get(msg.key) or CATALOGUE["en"].get(msg.key)
    if template is None:
        return fallback
    args = msg.args

    def fill(m: re.Match[str]) -> str:
        name, kind = m.group(1), m.group(2) or ""
        value = args.get(name)
        if kind:
            return KINDS[kind](value, lang, args)
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(fill, template)


def _upper_first(text: str) -> str:
    if not text:
        return text
    first = {"i": "İ", "ı": "I"}.get(text[0], text[0].upper())
    return first + text[1:]


def fmt_time(seconds: float) -> str:
    """``mm:ss.s`` (``h:mm:ss.s`` past an hour): ``fmt_time(4.21) == '00:04.2'``."""
    tenths = round(max(0.0, float(seconds)) * 10)
    minutes, tenth_secs = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{tenth_secs / 10:04.1f}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes:02d}:{secs}"


def localized(value: Any, lang: str) -> str:
    """A text given per language (``{"tr": ..., "en": ...}``) in ``lang``, else the first
    one given (the rubric's own language comes first); a plain string as it is."""
    if isinstance(value, Mapping):
        if value.get(lang):
            return str(value[lang])
        return next((str(v) for v in value.values() if v), "")
    return "" if value is None else str(value)


# --- the kinds: how an argument becomes words in one language -----------------------------

def _number(value: Any, spec: str, lang: str) -> str:
    if value is None:
        return {"tr": "yok"}.get(lang, "n/a")
    text = format(float(value), spec) if spec != "g" or isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "tr" else text


def _num(spec: str) -> Callable[[Any, str, Mapping[str, Any]], str]:
    return lambda v, lang, _a: _number(v, spec, lang)


_PARTY = {
    "en": {"agent": "Agent", "customer": "Customer", "any": "Someone"},
    "tr": {"agent": "temsilci", "customer": "müşteri", "any": "bir konuşmacı"},
}
_PARTY_LC = {"en": {"agent": "agent", "customer": "customer", "any": "speaker"}}
_PARTY_GEN = {"tr": {"agent": "temsilcinin", "customer": "müşterinin", "any": "konuşmacıların"}}
_ROLES_UNKNOWN = {"en": " (speaker roles unknown)", "tr": " (konuşmacı rolleri bilinmiyor)"}


def _party_forms(forms: Mapping[str, Mapping[str, str]], lowercase: bool = False
                 ) -> Callable[[Any, str, Mapping[str, Any]], str]:
    def kind(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
        unknown = isinstance(value, Mapping) and bool(value.get("roles_unknown"))
        code = str(value.get("party")) if isinstance(value, Mapping) else str(value)
        table = forms.get(lang) or _PARTY.get(lang) or _PARTY["en"]
        name = table.get(code, code)
        if lowercase and lang == "en":
            name = name.lower()
        return name + (_ROLES_UNKNOWN.get(lang, "") if unknown else "")
    return kind


def _window(locative: bool) -> Callable[[Any, str, Mapping[str, Any]], str]:
    def kind(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
        w = value if isinstance(value, Mapping) else {}
        first, last = w.get("first"), w.get("last")
        if lang == "tr":
            ending = " içinde" if locative else ""
            if first is not None:
                return f"ilk {_number(first, 'g', lang)} sn{ending}"
            if last is not None:
                return f"son {_number(last, 'g', lang)} sn{ending}"
            return "görüşme boyunca" if locative else "tüm görüşme"
        if first is not None:
            return f"first {_number(first, 'g', lang)} s"
        if last is not None:
            return f"last {_number(last, 'g', lang)} s"
        return "whole call"
    return kind


_PART = {
    "en": {"start": "at the start of the call", "end": "at the end of the call",
           "whole": "over the whole call"},
    "tr": {"start": "görüşmenin başında", "end": "görüşmenin sonunda", "whole": "görüşme boyunca"},
}
_PART_CODE = {"tr": {"start": "başlangıç", "end": "son", "whole": "tüm görüşme"}}

METRIC_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "duration": "Call duration", "talk_agent": "Agent talk time",
        "talk_customer": "Customer talk time", "talk_ratio_agent": "Agent talk ratio",
        "silence": "Total silence", "silence_pct": "Silence",
        "longest_silence": "Longest silence", "overtalk": "Overtalk",
        "interruptions_agent": "Interruptions by the agent",
        "interruptions_customer": "Interruptions by the customer",
        "wpm_agent": "Agent speaking rate", "wpm_customer": "Customer speaking rate",
        "hold_gaps": "Hold-like gaps", "utterances": "Utterances",
    },
    "tr": {
        "duration": "görüşme süresi", "talk_agent": "temsilcinin konuşma süresi",
        "talk_customer": "müşterinin konuşma süresi",
        "talk_ratio_agent": "temsilcinin konuşma oranı", "silence": "toplam sessizlik",
        "silence_pct": "sessizlik oranı", "longest_silence": "en uzun sessizlik",
        "overtalk": "üst üste konuşma", "interruptions_agent": "temsilcinin söz kesmesi",
        "interruptions_customer": "müşterinin söz kesmesi",
        "wpm_agent": "temsilcinin konuşma hızı", "wpm_customer": "müşterinin konuşma hızı",
        "hold_gaps": "bekletmeye benzer boşluklar", "utterances": "konuşma sayısı",
    },
}
METRIC_UNITS: dict[str, str] = {
    "duration": "s", "talk_agent": "s", "talk_customer": "s", "silence": "s",
    "silence_pct": "%", "longest_silence": "s", "overtalk": "s", "wpm_agent": "wpm",
    "wpm_customer": "wpm",
}
_UNIT_WORDS = {"tr": {"s": "sn", "wpm": "kelime/dk"}}


def format_metric(metric: str, value: float, lang: str = "en") -> str:
    """A metric value with its unit: ``12 s``, ``12.5%``, ``151.26 wpm`` (Turkish ``%12,5``)."""
    unit = METRIC_UNITS.get(metric, "")
    number = (f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float)
              else str(value))
    if lang == "tr":
        number = number.replace(".", ",")
        word = _UNIT_WORDS["tr"].get(unit, unit)
        return f"%{number}" if unit == "%" else f"{number} {word}".strip()
    return f"{number}%" if unit == "%" else f"{number} {unit}".strip()


def _metric(lowercase: bool) -> Callable[[Any, str, Mapping[str, Any]], str]:
    def kind(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
        name = METRIC_NAMES.get(lang, METRIC_NAMES["en"]).get(str(value), str(value))
        return name.lower() if lowercase and lang == "en" else name
    return kind


def _mval(value: Any, lang: str, args: Mapping[str, Any]) -> str:
    return format_metric(str(args.get("metric", "")), value, lang)


def _bounds(show: Callable[[Any, str, Mapping[str, Any]], str]
            ) -> Callable[[Any, str, Mapping[str, Any]], str]:
    words = {"en": ("min", "max"), "tr": ("en az", "en çok")}

    def kind(value: Any, lang: str, args: Mapping[str, Any]) -> str:
        low, high = words.get(lang, words["en"])
        b = value if isinstance(value, Mapping) else {}
        parts = [f"{low} {show(b['min'], lang, args)}" if b.get("min") is not None else "",
                 f"{high} {show(b['max'], lang, args)}" if b.get("max") is not None else ""]
        return ", ".join(p for p in parts if p)
    return kind


def _quotes(value: Any, lang: str, _args: Mapping[str, Any], limit: int = 3) -> str:
    items = [str(v) for v in (value or [])]
    shown = ", ".join(f"'{s}'" for s in items[:limit])
    more = {"tr": " (+{n} tane daha)"}.get(lang, " (+{n} more)")
    return shown + (more.format(n=len(items) - limit) if len(items) > limit else "")


def _said(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
    v = value if isinstance(value, Mapping) else {"phrase": value}
    at = v.get("at")
    score = 100.0 if v.get("score") is None else float(v["score"])
    fuzzy = score < 100
    if lang == "tr":
        inside = [fmt_time(at)] if at is not None else []
        if fuzzy:
            inside.append(f"%{_number(score, 'g', lang)} benzerlikle")
        return f"'{v.get('phrase')}'" + (f" ({', '.join(inside)})" if inside else "")
    text = f"'{v.get('phrase')}'" + (f" (fuzzy {score:g}%)" if fuzzy else "")
    return text + (f" at {fmt_time(at)}" if at is not None else "")


def _anchor(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
    if not isinstance(value, Mapping):
        return ""
    if lang == "tr":
        return f", '{value.get('phrase')}' ({fmt_time(value.get('at', 0))}) sonrasında"
    return f" after '{value.get('phrase')}' at {fmt_time(value.get('at', 0))}"


_PII = {
    "en": {"card": "a card number", "iban": "an IBAN", "tckn": "a national id number",
           "email": "an e-mail address", "phone": "a phone number"},
    "tr": {"card": "kart numarası", "iban": "IBAN", "tckn": "T.C. kimlik numarası",
           "email": "e-posta adresi", "phone": "telefon numarası"},
}


def _pii(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
    return _PII.get(lang, _PII["en"]).get(str(value), str(value))


def _piis(value: Any, lang: str, args: Mapping[str, Any]) -> str:
    out = []
    for item in (value or [])[:3]:
        name, at = _pii(item.get("kind"), lang, args), fmt_time(item.get("at", 0))
        out.append(f"{name} ({at})" if lang == "tr" else f"{name} at {at}")
    return ", ".join(out)


def _crit(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
    if isinstance(value, Mapping):
        return f"'{localized(value.get('titles'), lang) or value.get('id')}'"
    return f"'{value}'"


_VERDICT = {"tr": {"pass": "geçti", "fail": "kaldı", "na": "uygulanamaz"}}
_DIRECTION = {"tr": {"inbound": "gelen", "outbound": "giden"}}
_LANGUAGE_NAMES = {"tr": {"tr": "Türkçe", "en": "İngilizce", "az": "Azerbaycan Türkçesi",
                          "": "bilinmiyor"}}
_OR = {"en": " or ", "tr": " veya "}


def _table(tables: Mapping[str, Mapping[str, str]], empty: str = ""
           ) -> Callable[[Any, str, Mapping[str, Any]], str]:
    def kind(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
        code = "" if value is None else str(value)
        shown = tables.get(lang, {}).get(code, code)
        return shown or empty
    return kind


def _joined(one: Callable[[Any, str, Mapping[str, Any]], str]
            ) -> Callable[[Any, str, Mapping[str, Any]], str]:
    return lambda v, lang, a: _OR.get(lang, " or ").join(one(x, lang, a) for x in (v or []))


def _msgs(value: Any, lang: str, _args: Mapping[str, Any]) -> str:
    text = "; ".join(_render(m, lang) for m in (value or []))
    return text if len(text) <= 300 else text[:299].rstrip() + "…"


KINDS: dict[str, Callable[[Any, str, Mapping[str, Any]], str]] = {
    "party": _party_forms(_PARTY),
    "party_lc": _party_forms(_PARTY_LC, lowercase=True),
    "party_gen": _party_forms(_PARTY_GEN),
    "window": _window(locative=False),
    "window_loc": _window(locative=True),
    "part": _table(_PART),
    "part_code": _table(_PART_CODE),
    "metric": _metric(lowercase=False),
    "metric_lc": _metric(lowercase=True),
    "mval": _mval,
    "mbounds": _bounds(_mval),
    "sbounds": _bounds(_num("+.2f")),
    "num": _num("g"), "f0": _num(".0f"), "f1": _num(".1f"), "f2": _num(".2f"),
    "sign2": _num("+.2f"),
    "time": lambda v, _lang, _a: fmt_time(v or 0.0),
    "quotes": _quotes,
    "said": _said,
    "saids": lambda v, lang, a: ", ".join(_said(x, lang, a) for x in (v or [])),
    "anchor": _anchor,
    "pii": _pii,
    "piis": _piis,
    "crit": _crit,
    "verdict": _table(_VERDICT),
    "direction": _table(_DIRECTION),
    "directions": _joined(_table(_DIRECTION)),
    "or": _joined(lambda v, _lang, _a: str(v)),
    "lang": _table(_LANGUAGE_NAMES, empty="unknown"),
    "langs": _joined(_table(_LANGUAGE_NAMES)),
    "text": lambda v, lang, _a: localized(v, lang),
    "msg": lambda v, lang, _a: _render(v, lang),
    "msg_cap": lambda v, lang, _a: _upper_first(_render(v, lang)),
    "msgs": _msgs,
}
