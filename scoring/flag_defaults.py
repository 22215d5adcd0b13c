"""The flag rules every rubric gets unless its ``flags:`` section says ``defaults: false``.

A rubric rule with the same ``code`` replaces the default one; ``{code: X, enabled: false}``
turns a default off. Escalation phrases are searched in the customer's speech after folding
(:func:`pipeline.textnorm.fold`), so case, accents and the Turkish i's do not matter, and a
phrase matches at the start of a word with any suffix ("avukat" matches "avukatıma").
"""

from __future__ import annotations

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

_REASONS = {
    "legal_threat": ("Legal threat", Severity.HIGH, 85.0),
    "regulator": ("Regulator or consumer court mentioned", Severity.HIGH, 80.0),
    "cancellation": ("Customer mentions cancelling", Severity.MEDIUM, 60.0),
    "repeat_contact": ("Repeat contact", Severity.MEDIUM, 55.0),
}

DEFAULT_FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule(code="auto_fail", type="auto_fail", severity=Severity.CRITICAL, priority=95.0,
             description="An auto-fail criterion failed"),
    FlagRule(code="low_score", type="score_below", severity=Severity.MEDIUM, priority=50.0,
             threshold=60.0, description="Total score below 60"),
    *(
        FlagRule(code=code, type="phrases", severity=severity, priority=priority,
                 party="customer", phrases=ESCALATION_PHRASES[code], fuzzy=90.0,
                 description=title)
        for code, (title, severity, priority) in _REASONS.items()
    ),
    FlagRule(code="negative_end", type="sentiment_end", severity=Severity.MEDIUM,
             priority=45.0, party="customer", below=-0.3,
             description="Customer sentiment ends negative"),
    FlagRule(code="sentiment_drop", type="sentiment_drop", severity=Severity.LOW,
             priority=40.0, party="customer", min_drop=0.5,
             description="Customer sentiment drops from start to end"),
    FlagRule(code="long_silence", type="metric", severity=Severity.LOW, priority=30.0,
             metric="longest_silence", max=20.0, description="Dead air longer than 20 s"),
    FlagRule(code="pii_spoken_by_agent", type="pii", severity=Severity.HIGH, priority=70.0,
             party="agent", kinds=("card", "iban", "tckn"),
             description="The agent read out a card number, IBAN or national id"),
)
