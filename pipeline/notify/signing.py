"""Webhook signatures: how callqa signs a delivery and how a receiver checks it.

Every POST carries::

    X-Callqa-Event:      flag.critical
    X-Callqa-Delivery:   5f0c...-uuid   (the same on every resend of this delivery)
    X-Callqa-Timestamp:  1765141200     (seconds since the epoch, when this try was sent)
    X-Callqa-Signature:  sha256=<hex of HMAC-SHA256(secret, f"{timestamp}.{body}")>

A receiver verifies before it trusts anything in the body::

    from pipeline.notify.signing import verify
    if not verify(secret, request.headers["X-Callqa-Timestamp"], raw_body,
                  request.headers["X-Callqa-Signature"]):
        return 401
    if already_seen(request.headers["X-Callqa-Delivery"]):
        return 200          # a resend after a crash: answer 2xx, do nothing again

or, without callqa installed: compute ``hmac.new(secret, timestamp + b"." + raw_body,
sha256).hexdigest()``, compare it with ``hmac.compare_digest`` to the signature after
``sha256=``, and refuse timestamps more than five minutes from your clock (a replay).
The body is the raw bytes received: never re-serialise the JSON before checking.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["TOLERANCE_SECONDS", "sign", "verify"]

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Callqa-Signature`` value of ``body`` sent at ``timestamp``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: int | str, body: bytes, signature: str, *,
           now: float | None = None, tolerance: float = TOLERANCE_SECONDS) -> bool:
    """Whether ``signature`` is ``secret``'s over ``timestamp.body`` and the timestamp is
    within ``tolerance`` seconds of ``now`` (a receiver's check; constant-time compare)."""
    try:
        sent = int(str(timestamp))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature.strip())
