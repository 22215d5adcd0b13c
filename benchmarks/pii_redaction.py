"""PII redaction through the real ASR (issue 12): ``python -m benchmarks --suite pii``.

A small synthetic set of short stereo calls made with espeak-ng (agent on channel 0,
customer on 1): 12 with spoken personal data (cards read digit by digit in groups, one over
two turns, one with a digit dropped; an IBAN, a T.C. id, phones, e-mails; Turkish and
English, at several speeds) and 8 with innocent numbers only (amounts, dates, times, order
counts). Each call goes through :func:`pipeline.process.transcribe_recording` (the bundled
``base`` for Turkish, ``tiny.en`` for English) once; its transcript is then redacted by the
old rule (the checksum rules alone, :func:`pipeline.pii.find_pii_in_text` per utterance)
and by the new one (:func:`pipeline.pii.find_pii`, which adds the payment context).

Printed: per call what the ASR heard and whether a PII item leaked (4 consecutive digits of
it readable, :mod:`benchmarks.pii_leaks`; for an e-mail, its user name readable), then
recall (items that did not leak) and the false-redaction rate (innocent calls with anything
redacted) for both rules. Audio is cached in ``$CALLQA_BENCH_CACHE/pii``.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.pii_leaks import leaks
from benchmarks.turkish_set import _synth, _write, cache_dir

__all__ = ["ITEMS", "Item", "report", "run"]

SET_VERSION = "1"
TR_DIGITS = ["sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def spoken(digits: str, lang: str, group: int = 4) -> str:
    """``digits`` read one by one in groups: "dört bir bir bir, bir bir ..."."""
    names = TR_DIGITS if lang == "tr" else EN_DIGITS
    groups = [digits[i:i + group] for i in range(0, len(digits), group)]
    return ", ".join(" ".join(names[int(c)] for c in g) for g in groups)


@dataclass(frozen=True)
class Item:
    name: str
    lang: str
    turns: tuple[tuple[str, str, str], ...]  # (role, text, what espeak says)
    secret: str  # the digits (or an e-mail user name) that must not stay readable; "": none
    speed: int = 160


def _t(role: str, text: str, say: str = "") -> tuple[str, str, str]:
    return role, text, say or text


CARD, CARD2 = "4111111111111111", "5500005555555559"
IBAN = "TR330006100519786457841326"
ITEMS: tuple[Item, ...] = (
    Item("tr_card_groups", "tr", (_t("agent", "Kart numaranızı alabilir miyim?"),
                                  _t("customer", "Tabii, " + spoken(CARD, "tr"))), CARD),
    Item("tr_card_fast", "tr", (_t("agent", "Kartınızın numarası nedir?"),
                                _t("customer", spoken(CARD2, "tr"))), CARD2, 190),
    Item("tr_card_two_turns", "tr", (_t("agent", "Kart numaranızı alabilir miyim?"),
                                     _t("customer", spoken(CARD[:8], "tr")),
                                     _t("customer", spoken(CARD[8:], "tr"))), CARD, 140),
    Item("tr_card_dropped", "tr", (_t("agent", "Kredi kartı numaranız lütfen."),
                                   _t("customer", spoken(CARD[:10] + CARD[11:], "tr"))), CARD),
    Item("tr_iban", "tr", (_t("agent", "IBAN numaranızı söyler misiniz?"),
                           _t("customer", "TR " + spoken(IBAN[2:], "tr"))), IBAN[2:]),
    Item("tr_tckn", "tr", (_t("agent", "T.C. kimlik numaranızı alabilir miyim?"),
                           _t("customer", "Kimlik numaram " + spoken("10000000146", "tr", 3))),
         "10000000146", 140),
    Item("tr_phone", "tr", (_t("agent", "Telefon numaranızı alabilir miyim?"),
                            _t("customer", "Sıfır beş yüz otuz iki, yüz yirmi üç, kırk beş, "
                                           "altmış yedi")), "05321234567"),
    Item("tr_email", "tr", (_t("agent", "E-posta adresiniz nedir?"),
                            _t("customer", "ayse nokta yilmaz et gmail nokta com")), "yilmaz"),
    Item("en_card_groups", "en", (_t("agent", "Can I take your card number please?"),
                                  _t("customer", spoken(CARD, "en"))), CARD),
    Item("en_card_two_turns", "en", (_t("agent", "What is the long number on your card?"),
                                     _t("customer", spoken(CARD2[:8], "en")),
                                     _t("customer", spoken(CARD2[8:], "en"))), CARD2, 140),
    Item("en_phone", "en", (_t("agent", "What is your phone number?"),
                            _t("customer", "It is five five five, two three four, "
                                           "five six seven eight")), "5552345678", 180),
    Item("en_email", "en", (_t("agent", "And your email address?"),
                            _t("customer", "john dot smithers at example dot com")), "smithers"),
    # innocent numbers only
    Item("tr_bill", "tr", (_t("agent", "Bu ayki faturanız 249 lira, son ödeme 15 Mart."),
                           _t("customer", "Peki, teşekkürler.")), ""),
    Item("tr_technician", "tr", (_t("agent", "Teknisyen yarın saat 14:30'da gelecek."),
                                 _t("customer", "Tamam, 2 saat evde olurum.")), ""),
    Item("tr_orders", "tr", (_t("agent", "3 siparişiniz var, sonuncusu 12 Ocak 2025 tarihli."),
                             _t("customer", "Evet, 1250 liralık olan.")), "", 190),
    Item("tr_package", "tr", (_t("agent", "Paketiniz 50 GB ve 1000 dakika, aylık 199 lira."),
                              _t("customer", "2024 yılından beri kullanıyorum.")), "", 140),
    Item("en_bill", "en", (_t("agent", "Your bill is 249 dollars, due on March 15, 2025."),
                           _t("customer", "Okay, thanks.")), ""),
    Item("en_technician", "en", (_t("agent", "The technician will come at 2:30 tomorrow."),
                                 _t("customer", "Fine, I am home until 5.")), ""),
    Item("en_orders", "en", (_t("agent", "You have 3 orders, the last one from 2023."),
                             _t("customer", "Yes, the one for 1250 dollars.")), "", 190),
    Item("en_refund", "en", (_t("agent", "We refunded 75 dollars on the 12th of May."),
                             _t("customer", "Good, it was 1999 in total.")), "", 140),
)


def _script(item: Item) -> dict[str, Any]:
    voice = "tr" if item.lang == "tr" else "en-us"
    return {
        "layout": "stereo",
        "voices": {"agent": {"voice": f"{voice}+f3", "speed": 165, "pitch": 55, "level": 0.55},
                   "customer": {"voice": f"{voice}+m3", "speed": item.speed, "pitch": 40,
                                "level": 0.45}},
        "metadata": {"agent_id": "A-1", "agent_name": "Ayşe", "queue": "fatura",
                     "direction": "inbound", "language": item.lang,
                     "started_at": "2026-12-01T10:00:00+03:00",
                     "channels": {"0": "agent", "1": "customer"}},
        "turns": [{"role": r, "text": text, **({"say": say} if say != text else {}),
                   "pause_before": 0.7} for r, text, say in item.turns],
    }


def build(out: Path | None = None) -> list[tuple[Item, Path]]:
    """Render the calls not in the cache yet; each item with its wav's path."""
    out = out or cache_dir().parent / "pii" / f"v{SET_VERSION}"
    out.mkdir(parents=True, exist_ok=True)
    synth, result = None, []
    with tempfile.TemporaryDirectory(prefix="pii_set_") as tmpdir:
        tmp = Path(tmpdir)
        for item in ITEMS:
            wav = out / f"{item.name}.wav"
            if not wav.exists():
                synth = synth or _synth()
                synth.check_tools("wav")
                script = synth.load_script(_write(tmp / "script.json", _script(item)))
                channels, _ = synth.render(item.name, script, tmp)
                synth.write_wav(tmp / "call.wav", channels)
                _write(Path(f"{wav}.json"), script["metadata"])
                (tmp / "call.wav").replace(wav)
            result.append((item, wav))
    return result


def _leaked(item: Item, texts: list[str]) -> bool:
    if item.secret.isdigit():
        return leaks(item.secret, texts)
    return item.secret in " ".join(texts).lower()


def run(threads: int = 2) -> list[dict[str, Any]]:
    """Each call: what the ASR heard, both rules' redactions, leaked or not."""
    from pipeline.bundled import BASE
    from pipeline.metadata import parse_metadata
    from pipeline.pii import find_pii, find_pii_in_text, redact_text, redact_utterances
    from pipeline.process import ProcessOptions, transcribe_recording
    from pipeline.transcribe import ModelOptions

    options = ProcessOptions(model=ModelOptions(model=BASE, cpu_threads=threads))
    rows = []
    for item, wav in build():
        metadata = parse_metadata(json.loads(Path(f"{wav}.json").read_text()), key=item.name)
        started = time.perf_counter()
        utts = sorted(transcribe_recording(wav, metadata, options).utterances,
                      key=lambda u: u.start)
        seconds = time.perf_counter() - started
        old = [redact_text(u.text, find_pii_in_text(u.text, options.pii)) for u in utts]
        new = redact_utterances(utts, find_pii(utts, options.pii))
        texts = [u.text for u in utts]
        rows.append({"name": item.name, "lang": item.lang, "pii": bool(item.secret),
                     "heard": " | ".join(texts), "seconds": seconds, "old": old, "new": new,
                     "old_bad": _leaked(item, old) if item.secret else old != texts,
                     "new_bad": _leaked(item, new) if item.secret else new != texts})
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print("\n== PII redaction through the real ASR (issue 12; goal: no 4 digits of an item "
          "visible)")
    print(f"{'call':18} {'lang':4} {'old':6} {'new':6}  ASR text, then the new redaction")
    for r in rows:
        word = ("LEAK", "ok") if r["pii"] else ("REDACT", "kept")
        print(f"{r['name']:18} {r['lang']:4} {word[0] if r['old_bad'] else word[1]:6} "
              f"{word[0] if r['new_bad'] else word[1]:6}  {r['heard'][:90]}")
        print(f"{'':38}-> {' | '.join(r['new'])[:90]}")
    pii = [r for r in rows if r["pii"]]
    innocent = [r for r in rows if not r["pii"]]
    for rule in ("old", "new"):
        recall = sum(not r[f"{rule}_bad"] for r in pii) / max(1, len(pii))
        false = sum(r[f"{rule}_bad"] for r in innocent) / max(1, len(innocent))
        print(f"{rule} rule: recall {recall:6.1%} ({len(pii)} PII calls)   false redaction "
              f"{false:6.1%} ({len(innocent)} innocent calls)")
    print(f"ASR time {sum(r['seconds'] for r in rows):.0f} s for {len(rows)} calls")
