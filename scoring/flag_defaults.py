"""The flag rules every rubric gets unless its ``flags:`` section says ``defaults: false``.

A rubric rule with the same ``code`` replaces the default one; ``{code: X, enabled: false}``
turns a default off. Each default's description is given in English and Turkish.
Escalation phrases are searched in the customer's speech after folding
(:func:`pipeline.textnorm.fold`), so case, accents and the Turkish i's do not matter, and a
phrase matches at the start of a word with any suffix ("avukat" matches "avukatıma").
"""

from __future__ import annotations

from typing import Any

from scoring.rubric_types import FlagRule
from scoring.types import Severity

__all__ = ["DEFAULT_FLAG_RULES", "ESCALATION_PHRASES"]

# Phrases by reason code, English, Turkish and Azerbaijani together (a call is in one
# language; searching all three costs nothing and catches code-switching).
ESCALATION_PHRASES: dict[str, tuple[str, ...]] = {
    "legal_threat": (
        "lawyer", "attorney", "solicitor", "legal action", "take you to court",
        "see you in court", "sue you", "sue your company", "i will sue", "i'll sue",
        "avukat", "dava açacağım", "dava açarım", "dava edeceğim", "mahkemeye",
        "savcılığa", "suç duyurusu",
        "vəkil", "məhkəməyə", "məhkəmə yolu ilə",
    ),
    "regulator": (
        "regulator", "ombudsman", "consumer court", "consumer protection",
        "trading standards", "complaint to the authority",
        "btk", "bilgi teknolojileri ve iletişim kurumu", "tüketici hakem heyeti",
        "hakem heyetine", "tüketici mahkemesi", "tüketici derneği", "cimer", "şikayetvar",
        "istehlakçı hüquqları", "istehlakçıların hüquqlarının müdafiəsi",
    ),
    "cancellation": (
        "cancel my", "i cancel", "i'm cancelling", "i'm canceling", "i am cancelling",
        "i want to cancel", "terminate my contract", "close my account",
        "switch to another provider", "moving to another provider",
        "iptal ediyorum", "iptal edeceğim", "iptal etmek istiyorum", "iptal ettireceğim",
        "aboneliğimi iptal", "sözleşmemi feshet", "fesih", "numaramı taşı",
        "başka operatöre geç",
        "ləğv etmək istəyirəm", "müqaviləni ləğv", "abunəliyimi ləğv", "nömrəmi başqa operatora",
    ),
    "repeat_contact": (
        "third time i call", "third time i'm calling", "third time calling",
        "second time i call", "second time i'm calling", "i already called",
        "i've already called", "i have called", "called several times", "called three times",
        "keep calling you", "every time i call",
        "üçüncü kez arıyorum", "üçüncü defa arıyorum", "ikinci kez arıyorum",
        "kaçıncı kez arıyorum", "defalarca aradım", "daha önce de aradım", "tekrar arıyorum",
        "üçüncü dəfə zəng edirəm", "ikinci dəfə zəng edirəm", "yenə zəng edirəm",
        "dəfələrlə zəng etmişəm",
    ),
}

# code -> description in English and Turkish
_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "auto_fail": ("An auto-fail criterion failed", "Otomatik başarısızlık"),
    "low_score": ("Total score below 60", "Toplam puan 60'ın altında"),
    "legal_threat": ("Legal threat", "Hukuki işlem tehdidi"),
    "regulator": ("Regulator or consumer court mentioned",
                  "Düzenleyici kurum veya tüketici hakem heyeti anıldı"),
    "cancellation": ("Customer mentions cancelling", "Müşteri iptalden söz ediyor"),
    "repeat_contact": ("Repeat contact", "Tekrarlayan arama"),
    "negative_end": ("Customer sentiment ends negative",
                     "Müşteri görüşmeyi olumsuz duyguyla bitiriyor"),
    "sentiment_drop": ("Customer sentiment drops from start to end",
                       "Müşterinin duygu durumu baştan sona kötüleşiyor"),
    "long_silence": ("Dead air longer than 20 s", "20 saniyeden uzun sessizlik"),
    "pii_spoken_by_agent": ("The agent read out a card number, IBAN or national id",
                            "Temsilci kart numarası, IBAN veya T.C. kimlik numarası okudu"),
}


def _rule(code: str, rule_type: str, severity: Severity, priority: float,
          **fields: Any) -> FlagRule:
    en, tr = _DESCRIPTIONS[code]
    return FlagRule(code=code, type=rule_type, severity=severity, priority=priority,
                    description=en, descriptions=(("en", en), ("tr", tr)), **fields)


_ESCALATION = {
    "legal_threat": (Severity.HIGH, 85.0),
    "regulator": (Severity.HIGH, 80.0),
    "cancellation": (Severity.MEDIUM, 60.0),
    "repeat_contact": (Severity.MEDIUM, 55.0),
}

DEFAULT_FLAG_RULES: tuple[FlagRule, ...] = (
    _rule("auto_fail", "auto_fail", Severity.CRITICAL, 95.0),
    _rule("low_score", "score_below", Severity.MEDIUM, 50.0, threshold=60.0),
    *(
        _rule(code, "phrases", severity, priority, party="customer",
              phrases=ESCALATION_PHRASES[code], fuzzy=90.0)
        for code, (severity, priority) in _ESCALATION.items()
    ),
    _rule("negative_end", "sentiment_end", Severity.MEDIUM, 45.0, party="customer", below=-0.3),
    _rule("sentiment_drop", "sentiment_drop", Severity.LOW, 40.0, party="customer",
          min_drop=0.5),
    _rule("long_silence", "metric", Severity.LOW, 30.0, metric="longest_silence", max=20.0),
    _rule("pii_spoken_by_agent", "pii", Severity.HIGH, 70.0, party="agent",
          kinds=("card", "iban", "tckn")),
)
