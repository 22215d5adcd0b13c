"""A call's recording as the API serves it: redacted by default, the original by permission.

Everyone who may see a call hears it with every spoken-PII span silenced: a 16 kHz WAV made
once from the recording and cached under ``CALLQA_HOME/redacted``
(:mod:`pipeline.redacted_audio`), served as a file (HTTP Range works on it). Such a call is
never answered with a presigned S3 URL: the object itself is not redacted. A call without
PII spans has nothing to silence: its recording is served as it is (a presigned URL on S3).

The original recording is for the roles in ``CALLQA_ORIGINAL_AUDIO_ROLES`` (default
``admin``), asked for with a reason; each play is audited as ``call.audio_original`` with
that reason (erasure blanks it with the other free text). A redacted play is audited as
``call.audio``. A player's seek is not a new play (:func:`starts_a_download`).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.models import Call, PIIRecord
from pipeline.errors import ConfigError, Forbidden, NotFound, RecordingNotFound
from pipeline.redacted_audio import redacted_dir, redacted_wav, spans_digest
from pipeline.settings import Settings
from pipeline.store import RecordingStore, open_store_at
from scoring.work.access import visible_call
from scoring.work.downloads import record_download, starts_a_download

__all__ = ["CallAudio", "call_audio", "may_hear", "original_audio_roles"]

SHARE_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class CallAudio:
    """What to answer: a file to serve (``path``), or a URL to send the player to."""

    redacted: bool
    path: Path | None = None
    url: str | None = None
    media_type: str = "audio/wav"
    filename: str = "call.wav"


def original_audio_roles(settings: Settings) -> set[str]:
    """The roles that may hear a call's un-redacted recording."""
    return {r.strip().lower() for r in settings.original_audio_roles.split(",") if r.strip()}


def may_hear(session: Session, user: User, call_id: str, settings: Settings, *,
             original: bool = False, reason: str | None = None) -> Call:
    """The call, when ``user`` may hear its recording (redacted, or with ``original`` the
    un-redacted one: :class:`Forbidden` unless the role may and a ``reason`` is given);
    :class:`NotFound` when it is out of sight. Nothing is audited."""
    call = visible_call(session, user, call_id)
    if original:
        roles = original_audio_roles(settings)
        if user.role not in roles:
            raise Forbidden("the original recording is for the role "
                            f"{' or '.join(sorted(roles)) or '(none)'} only (you are "
                            f"{user.role}); the redacted one plays without original=true")
        if not (reason or "").strip():
            raise Forbidden("say why you need the original recording: add reason=... "
                            "(it is kept in the audit log)")
    return call


def call_audio(session: Session, user: User, call_id: str, settings: Settings, *,
               original: bool = False, reason: str | None = None,
               range_header: str | None = None) -> CallAudio:
    """The call's recording for ``user``: redacted, or with ``original`` the un-redacted one
    (:class:`Forbidden` unless the user's role may and a ``reason`` is given).
    :class:`NotFound` when the call is out of sight or its recording is gone. The play is
    audited and committed when ``range_header`` starts one."""
    call = may_hear(session, user, call_id, settings, original=original, reason=reason)
    reason = (reason or "").strip()
    store = open_store_at(call.store_url, settings, create=False)
    pii = [] if original else session.scalars(select(PIIRecord).where(
        PIIRecord.call_id == call.id, PIIRecord.end > PIIRecord.start)).all()
    answer = _redacted(call, store, list(pii), settings) if pii else _as_is(call, store)
    if starts_a_download(range_header):
        if original:
            record_download(session, user, "call.audio_original", "call", call.id,
                            reason=reason)
        else:
            record_download(session, user, "call.audio", "call", call.id,
                            redacted=answer.redacted)
    return answer


def _redacted(call: Call, store: RecordingStore, pii: list[PIIRecord],
              settings: Settings) -> CallAudio:
    digest = spans_digest((call.store_url, call.source_key, call.content_hash), pii)
    try:
        path = redacted_wav(redacted_dir(settings.home), call.id, digest, pii,
                            lambda: store.open_reader(call.source_key))
    except RecordingNotFound:
        raise _gone(call) from None
    stem = PurePosixPath(call.source_key).stem or call.id
    return CallAudio(redacted=True, path=path, filename=f"{stem}.redacted.wav")


def _as_is(call: Call, store: RecordingStore) -> CallAudio:
    url = store.share_url(call.source_key, SHARE_FOR)
    if url is not None:  # S3: the browser fetches (and ranges) the object itself
        return CallAudio(redacted=False, url=url)
    try:
        path = store.local_path(call.source_key)  # a folder: the file, served in place
    except RecordingNotFound:  # its message names the server's folder: not for the client
        raise _gone(call) from None
    if path is None:
        raise ConfigError("the recordings store can neither share nor serve recordings; "
                          "keep recordings in a folder or an S3 bucket")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return CallAudio(redacted=False, path=path, media_type=media_type, filename=path.name)


def _gone(call: Call) -> NotFound:
    return NotFound(f"call {call.id} has no recording {call.source_key!r} in the store any "
                    "more (moved or deleted)")
