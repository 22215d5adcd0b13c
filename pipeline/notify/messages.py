"""The e-mail texts of each event, in Turkish and English (the reader's UI language).

    email_text(event, payload, lang) -> (subject, body)

A payload holds ids, titles, due dates and links only (``title``, ``link``, ``due_at``,
``flags``: [{code, severity}]); the text is built from those, so no personal data reaches
an inbox that the payload did not already carry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LANGUAGES", "email_text", "mail_language"]

LANGUAGES = ("en", "tr")

_SUBJECTS = {
    "flag.critical": {"en": "Call needs review: {title}",
                      "tr": "İncelenmesi gereken çağrı: {title}"},
    "complaint.opened": {"en": "New complaint: {title}", "tr": "Yeni şikâyet: {title}"},
    "complaint.escalated": {"en": "Complaint overdue: {title}",
                            "tr": "Şikâyetin süresi aşıldı: {title}"},
    "complaint.closed": {"en": "Complaint closed: {title}", "tr": "Şikâyet kapatıldı: {title}"},
}
_INTROS = {
    "flag.critical": {"en": "A call was flagged with a critical or high-severity flag.",
                      "tr": "Bir çağrı kritik veya yüksek önemde bir işaret aldı."},
    "complaint.opened": {"en": "A complaint case was opened.", "tr": "Bir şikâyet kaydı açıldı."},
    "complaint.escalated": {"en": "A complaint case passed its due date and was escalated.",
                            "tr": "Bir şikâyet kaydının süresi doldu ve üst kademeye iletildi."},
    "complaint.closed": {"en": "A complaint case was closed.",
                         "tr": "Bir şikâyet kaydı kapatıldı."},
}
_LABELS = {
    "flags": {"en": "Flags", "tr": "İşaretler"},
    "due": {"en": "Due", "tr": "Son tarih"},
    "open": {"en": "Open it in callqa", "tr": "callqa'da açın"},
    "footer": {"en": "You receive this because you are a supervisor of the team or named "
                     "on the case.",
               "tr": "Bu iletiyi ekibin süpervizörü olduğunuz ya da kayıtta adınız geçtiği "
                     "için alıyorsunuz."},
}
# The default flag rules (scoring.flag_defaults) by title; other codes show as they are.
_FLAG_TITLES = {
    "auto_fail": {"en": "Auto-fail", "tr": "Otomatik başarısız"},
    "legal_threat": {"en": "Legal threat", "tr": "Hukuki işlem tehdidi"},
    "regulator": {"en": "Regulator or consumer court mentioned",
                  "tr": "Düzenleyici kurum veya tüketici hakem heyeti anıldı"},
    "pii_spoken_by_agent": {"en": "The agent read out a card number, IBAN or national id",
                            "tr": "Temsilci kart numarası, IBAN veya T.C. kimlik numarası okudu"},
}
_SEVERITY = {"critical": {"en": "critical", "tr": "kritik"}, "high": {"en": "high", "tr": "yüksek"}}


def mail_language(stored: str | None) -> str:
    """The user's UI language when it is one of ours, else English (as the UI falls back)."""
    code = (stored or "").lower().split("-")[0]
    return code if code in LANGUAGES else "en"


def email_text(event: str, payload: dict[str, Any], lang: str) -> tuple[str, str]:
    """The subject and plain-text body of ``event`` for a reader of ``lang``."""
    lang = mail_language(lang)
    title = str(payload.get("title") or payload.get("subject_id") or "")
    subject = _SUBJECTS.get(event, {"en": "{title}", "tr": "{title}"})[lang].format(title=title)
    lines = [_INTROS.get(event, {"en": event, "tr": event})[lang], "", title]
    flags = payload.get("flags") or []
    if flags:
        lines.append("")
        lines.append(_LABELS["flags"][lang] + ":")
        for flag in flags:
            code = str(flag.get("code", ""))
            name = _FLAG_TITLES.get(code, {}).get(lang, code)
            severity = str(flag.get("severity", ""))
            lines.append(f"  - {name} ({_SEVERITY.get(severity, {}).get(lang, severity)})")
    if payload.get("due_at"):
        lines.append(f"{_LABELS['due'][lang]}: {payload['due_at']}")
    if payload.get("link"):
        lines += ["", f"{_LABELS['open'][lang]}: {payload['link']}"]
    lines += ["", "-- ", _LABELS["footer"][lang]]
    return subject, "\n".join(lines) + "\n"
