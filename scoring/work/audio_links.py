"""Short-lived signed links to a call's recording, so that the browser's player can stream
it with HTTP Range requests (an ``<audio src>`` cannot send the bearer header).

``POST /api/v1/calls/{id}/audio-link`` answers ``/api/v1/calls/{id}/audio?access=<token>``
valid for :data:`LINK_FOR` (5 minutes: a player asks for ranges as it plays; a new page
load asks for a new link). The token is ``<user id>.<expiry>.<r|o>.<signature>``: an
HMAC-SHA256 over the user, the call, redacted-or-original (with the reason asked for the
original) and the expiry. The audio route checks it instead of the bearer header, then
applies the same visibility and redaction rules (:func:`scoring.work.call_audio.call_audio`)
as it does to the user themself; a play is audited once, as with the bearer header.

The signing key is 32 random bytes in ``CALLQA_HOME/audio_link.key`` (made on first use,
readable by its owner only): bearer tokens are not signed (:mod:`scoring.work.credentials`)
and a stolen database holds no key to forge links with. Every API process on a machine
shares the file; deleting it voids every link at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from scoring.work.credentials import TokenProblem

__all__ = ["LINK_FOR", "AudioLink", "audio_link", "user_for_audio_link"]

LINK_FOR = timedelta(minutes=5)
KEY_FILE = "audio_link.key"
_KEYS: dict[Path, bytes] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class AudioLink:
    url: str
    expires_at: datetime


def _key(home: Path) -> bytes:
    path = home / KEY_FILE
    with _LOCK:
        if path in _KEYS:
            return _KEYS[path]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_bytes()
        else:
            key = secrets.token_bytes(32)
            with os.fdopen(fd, "wb") as out:
                out.write(key)
        if len(key) < 32:  # another process is writing it this very moment
            raise TokenProblem("the audio link key is being made; load the page again")
        _KEYS[path] = key
        return key


def _signature(home: Path, user_id: int, call_id: str, mode: str, reason: str,
               expires: int) -> str:
    message = "\n".join((str(user_id), call_id, mode, reason, str(expires))).encode("utf-8")
    digest = hmac.new(_key(home), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def audio_link(home: Path, user: User, call_id: str, *, original: bool = False,
               reason: str = "", now: datetime | None = None) -> AudioLink:
    """A link for ``user`` to play call ``call_id`` (the original with ``reason``) for the
    next :data:`LINK_FOR`. The caller has checked that the user may."""
    expires_at = (now or datetime.now(UTC)) + LINK_FOR
    expires, mode = int(expires_at.timestamp()), "o" if original else "r"
    token = f"{user.id}.{expires}.{mode}." + _signature(home, user.id, call_id, mode,
                                                          reason, expires)
    url = f"/api/v1/calls/{call_id}/audio?access={token}"
    if original:
        from urllib.parse import urlencode

        url += "&" + urlencode({"original": "true", "reason": reason})
    return AudioLink(url=url, expires_at=datetime.fromtimestamp(expires, UTC))


def user_for_audio_link(session: Session, home: Path, token: str, call_id: str, *,
                        original: bool, reason: str) -> User:
    """The active user an audio link was made for, when it is this call's, for the same
    recording (and reason) and unexpired; else :class:`TokenProblem` (401)."""
    invalid = TokenProblem("this audio link is not valid for this recording; open the call "
                           "page again for a new one")
    try:
        user_text, expires_text, mode, signature = token.split(".")
        user_id, expires = int(user_text), int(expires_text)
    except ValueError:
        raise invalid from None
    if mode != ("o" if original else "r"):
        raise invalid
    expected = _signature(home, user_id, call_id, mode, reason.strip() if original else "",
                          expires)
    if not hmac.compare_digest(expected, signature):
        raise invalid
    if expires <= datetime.now(UTC).timestamp():
        raise TokenProblem("this audio link has expired (they last 5 minutes); open the call "
                           "page again")
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise invalid
    return user
