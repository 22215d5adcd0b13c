"""The web UI's message catalogues (api/web/i18n/tr.json, en.json): every key the JS uses is
in both, both have the same keys, placeholders agree, every flag code the scoring ships and
every verdict, role and UI language has a name in both; no page passes a computed key to
``t()`` (only i18n.js's ``label()`` does, and it falls back to the code)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import ROOT

WEB = ROOT / "api" / "web"
T_CALL = re.compile(r"\b(tn?)\(\s*")  # t(key, ...) and tn(key, count, ...)
LITERAL = re.compile(r'"([a-z_]+(?:\.[a-z0-9_]+)+)"')
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(lang: str) -> dict[str, str]:
    data = json.loads((WEB / "i18n" / f"{lang}.json").read_text("utf-8"))
    assert isinstance(data, dict) and all(isinstance(v, str) and v for v in data.values())
    return data


def used_keys() -> tuple[set[str], set[str], list[str]]:
    """Keys passed to t() and to tn() in the pages, and every call whose key is no literal."""
    plain: set[str] = set()
    counted: set[str] = set()
    computed: list[str] = []
    for path in sorted(WEB.glob("*.js")):
        if path.name == "i18n.js":
            continue
        source = path.read_text("utf-8")
        for call in T_CALL.finditer(source):
            start = call.end()
            literal = LITERAL.match(source, start)
            if literal is None:
                computed.append(f"{path.name}: {source[call.start():start + 40]!r}")
                continue
            (counted if call.group(1) == "tn" else plain).add(literal.group(1))
    return plain, counted, computed


def test_every_key_the_pages_use_is_in_both_languages() -> None:
    plain, counted, computed = used_keys()
    assert not computed, f"t()/tn() with a computed key: {computed}"
    assert len(plain) > 150  # the parser found the pages' keys, not nothing
    for lang in ("tr", "en"):
        messages = catalogue(lang)
        missing = sorted(k for k in plain if k not in messages)
        assert not missing, f"{lang}.json lacks {missing}"
        for key in counted:  # every plural form both languages' rules can pick
            assert f"{key}.other" in messages and f"{key}.one" in messages, (lang, key)


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    tr, en = catalogue("tr"), catalogue("en")
    assert sorted(set(en) - set(tr)) == [] and sorted(set(tr) - set(en)) == []
    for key in en:
        assert set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(tr[key])), key
    # a Turkish catalogue that is really English would pass the checks above
    same = [k for k in en if en[k] == tr[k] and len(en[k]) > 12]
    assert len(same) < 5, same
    assert tr["nav.queue"] == "İnceleme kuyruğu" and en["nav.queue"] == "Review queue"


def test_codes_people_see_have_names_in_both_languages() -> None:
    from api.i18n import UI_LANGUAGES
    from pipeline.db.accounts import Role
    from scoring.flag_defaults import DEFAULT_FLAG_RULES

    rubric_flags = set()
    for rubric in (ROOT / "scoring" / "rubrics").glob("*.yaml"):
        rubric_flags |= set(re.findall(r"^\s*- code: *(\w+)", rubric.read_text("utf-8"), re.M))
    codes = ([f"flag.{r.code}" for r in DEFAULT_FLAG_RULES]
             + [f"flag.{c}" for c in sorted(rubric_flags)]
             + [f"verdict.{v}" for v in ("pass", "fail", "na")]
             + [f"role.{r}" for r in Role.ALL]
             + [f"lang.{code}" for code in (*UI_LANGUAGES, "az")]
             + [f"party.{p}" for p in ("agent", "customer")]
             + [f"diarization.{d}" for d in ("stereo", "pyannote", "none")])
    assert len(codes) > 20
    for lang in ("tr", "en"):
        messages = catalogue(lang)
        missing = [c for c in codes if c not in messages]
        assert not missing, f"{lang}.json has no name for {missing}"
    assert catalogue("tr")["lang.tr"] == "Türkçe" and catalogue("en")["lang.tr"] == "Turkish"


def test_pages_write_no_english_by_hand() -> None:
    """A quoted capitalised English phrase in el(...) children is text no one translated."""
    suspicious = re.compile(r'el\("[a-z0-9]+", \{[^}]*\}, "([A-Z][a-z]+(?: [a-z]+)*)')
    found = [f"{p.name}: {m.group(1)}" for p in WEB.glob("*.js")
             for m in suspicious.finditer(p.read_text("utf-8"))]
    assert not found, found
    html = (WEB / "index.html").read_text("utf-8")
    assert "Sign out" not in html and "Loading" not in html  # drawn by app.js in the language


def test_the_catalogues_are_served(api: object) -> None:
    for lang in ("tr", "en"):
        r = api.client.get(f"/ui/i18n/{lang}.json")  # type: ignore[attr-defined]
        assert r.status_code == 200 and r.json() == catalogue(lang)
    assert Path(WEB / "i18n.js").exists()
