"""Sending one delivery to a webhook: a signed JSON POST (see :mod:`pipeline.notify.signing`).

    webhook_body   the exact bytes POSTed (the same on every resend of one delivery)
    send_webhook   POST it once: 2xx is sent; 4xx other than 408 and 429 is dead at once
                   (the receiver refuses it); anything else, a timeout or a refused
                   connection is worth another try

The error sentences name the webhook, never its URL (it may carry a token) or secret.
"""

from __future__ import annotations

import json
import time

import httpx

from pipeline.notify.signing import sign
from pipeline.notify.types import Attempt, Delivery
from pipeline.settings import Webhook

__all__ = ["send_webhook", "webhook_body"]

RETRYABLE_4XX = frozenset({408, 429})


def webhook_body(delivery: Delivery) -> bytes:
    """``{"id", "event", "created_at", "data"}`` as compact, key-sorted JSON."""
    created = delivery.created_at.isoformat() if delivery.created_at else None
    document = {"id": delivery.delivery_id, "event": delivery.event, "created_at": created,
                "data": delivery.payload}
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def send_webhook(hook: Webhook, delivery: Delivery, *, timeout: float = 10.0,
                 client: httpx.Client | None = None, timestamp: int | None = None) -> Attempt:
    """POST ``delivery`` to ``hook`` once and say what came of it."""
    body = webhook_body(delivery)
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "callqa-notify",
        "X-Callqa-Event": delivery.event,
        "X-Callqa-Delivery": delivery.delivery_id,
        "X-Callqa-Timestamp": str(stamp),
        "X-Callqa-Signature": sign(hook.secret.get_secret_value(), stamp, body),
    }
    where = f"webhook {hook.name!r}"
    try:
        if client is not None:
            response = client.post(hook.url, content=body, headers=headers, timeout=timeout)
        else:
            with httpx.Client(follow_redirects=False) as own:
                response = own.post(hook.url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return Attempt.retry(f"{where} did not answer within {timeout:g} s; tried again later")
    except httpx.ConnectError as exc:
        said = "connection refused" if "refused" in str(exc).lower() else "cannot connect"
        return Attempt.retry(f"{where} could not be reached ({said}); tried again later")
    except httpx.HTTPError as exc:
        return Attempt.retry(f"{where} failed ({type(exc).__name__}); tried again later")
    code = response.status_code
    if 200 <= code < 300:
        return Attempt.ok()
    answer = f"{where} answered {code} {response.reason_phrase}".rstrip()
    if 400 <= code < 500 and code not in RETRYABLE_4XX:
        return Attempt.dead(f"{answer}: it refuses this delivery; fix the receiver or its "
                            "settings, then retry it from the dead letters")
    return Attempt.retry(f"{answer}; tried again later")
