"""Sending one delivery as e-mail over SMTP (smtplib), in the recipient's language.

    SmtpOptions    where and how to send (from CALLQA_SMTP_*)
    build_message  the message: plain text, its Message-ID derived from the delivery id,
                   so a resend after a crash is recognisably the same message
    send_email     send it once: sent, a refusal (5xx: dead at once) or a failure worth
                   another try (4xx, connection refused, timeouts)

The password is used to log in and never appears in an error sentence.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from pipeline.notify.messages import email_text
from pipeline.notify.types import Attempt, Delivery
from pipeline.settings import Settings

__all__ = ["SmtpOptions", "build_message", "message_id", "send_email"]


@dataclass(frozen=True)
class SmtpOptions:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "callqa@localhost"
    starttls: bool = True
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpOptions | None:
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_user, password,
                   settings.smtp_from, settings.smtp_starttls, settings.notify_timeout_seconds)


def message_id(delivery: Delivery, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip(" >") or "callqa"
    return f"<{delivery.delivery_id}@{domain}>"


def build_message(delivery: Delivery, options: SmtpOptions, to: str, name: str | None,
                  lang: str) -> EmailMessage:
    subject, body = email_text(delivery.event, delivery.payload, lang)
    msg = EmailMessage()
    msg["From"] = options.sender
    msg["To"] = formataddr((name or "", to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id(delivery, options.sender)
    msg["X-Callqa-Event"] = delivery.event
    msg["X-Callqa-Delivery"] = delivery.delivery_id
    msg.set_content(body, charset="utf-8")  # clears Content-* headers: set after it
    msg["Content-Language"] = lang
    return msg


def send_email(options: SmtpOptions, msg: EmailMessage) -> Attempt:
    """Send ``msg`` once over SMTP and say what came of it."""
    where = f"the mail server {options.host}:{options.port}"
    try:
        with smtplib.SMTP(options.host, options.port, timeout=options.timeout) as smtp:
            if options.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if options.user:
                smtp.login(options.user, options.password or "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _ in exc.recipients.values()}
        if all(500 <= c < 600 for c in codes):
            return Attempt.dead(f"{where} refused the recipient ({min(codes)}); correct the "
                                "user's e-mail address, then retry it from the dead letters")
        return Attempt.retry(f"{where} deferred the recipient; tried again later")
    except smtplib.SMTPAuthenticationError as exc:
        return Attempt.retry(f"{where} refused the login ({exc.smtp_code}); check "
                             "CALLQA_SMTP_USER and CALLQA_SMTP_PASSWORD")
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            return Attempt.dead(f"{where} refused the message ({exc.smtp_code})")
        return Attempt.retry(f"{where} answered {exc.smtp_code}; tried again later")
    except (ConnectionRefusedError, smtplib.SMTPConnectError):
        return Attempt.retry(f"{where} could not be reached (connection refused); tried again "
                             "later")
    except TimeoutError:
        return Attempt.retry(f"{where} did not answer within {options.timeout:g} s; tried "
                             "again later")
    except (OSError, smtplib.SMTPException) as exc:
        return Attempt.retry(f"{where} failed ({type(exc).__name__}); tried again later")
    return Attempt.ok()
