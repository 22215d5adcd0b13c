"""Every error callqa raises on purpose, in one tree.

    CallqaError                  base: a one-line message plus what to do about it
    ├── ConfigError              a setting is missing or invalid (names the CALLQA_ variable)
    │   ├── RubricError          a rubric file is invalid (names the file, line and criterion)
    │   └── ComplaintSlaError    the complaint SLA file is invalid (file and line)
    ├── ModelError               a model cannot be loaded or cannot do what was asked
    ├── StoreError               the recording store cannot be used
    │   ├── StoreUnavailable     endpoint unreachable, bucket or folder missing, bad credentials
    │   └── RecordingNotFound    no such key in the store
    ├── RecordingError           one recording cannot be processed; the batch goes on
    │   ├── AudioDecodeError     empty file, not audio, truncated, unreadable
    │   ├── AudioTooShort        shorter than CALLQA_MIN_DURATION
    │   ├── AudioTooLong         longer than CALLQA_MAX_DURATION
    │   ├── NoSpeech             nothing but silence / noise
    │   ├── MetadataError        the sidecar JSON or object metadata is invalid
    │   └── LanguageNotSupported the ASR model cannot transcribe the call's language
    ├── DatabaseError            the database cannot be reached or is not migrated
    ├── LeaseLost                another worker took over a recording this one held
    └── Refused                  a person's request the rules refuse (the human side)
        ├── NotFound             missing, or someone else's (404)
        ├── Forbidden            not this person's to do (403)
        ├── Conflict             not in a state that allows it: closed, replaced (409)
        └── Invalid              a value out of bounds (422)
            └── SurveyFileError  a survey file or list with a bad row: refused whole

Each error carries ``key`` (the recording) and ``call_id`` where known, a stable ``code``
that is stored on a failed call, and a ``hint``. ``str(err)`` is the one line a person
reads: ``recording 'x.wav': file is empty (0 bytes). Upload the complete recording.``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class CallqaError(Exception):
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        key: str | None = None,
        call_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key = key
        self.call_id = call_id

    def with_context(self, *, key: str | None = None, call_id: str | None = None) -> CallqaError:
        self.key = self.key or key
        self.call_id = self.call_id or call_id
        return self

    def __str__(self) -> str:
        where = f"recording {self.key!r}: " if self.key else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}.{hint}".replace("..", ".")


class ConfigError(CallqaError):
    code = "config"


class RubricError(ConfigError):
    """A rubric that cannot be used: ``path:line: criterion 'id': what is wrong``."""

    code = "rubric"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        criterion: str | None = None,
        hint: str = "",
    ) -> None:
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        what = f"criterion {criterion!r}: " if criterion else ""
        super().__init__(f"{where}{what}{message}", hint=hint)
        self.path = path
        self.line = line
        self.criterion = criterion


class TaxonomyError(ConfigError):
    """A contact-reason taxonomy that cannot be used: ``path:line: what is wrong``."""

    code = "taxonomy"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.path, self.line = path, line


class ComplaintSlaError(ConfigError):
    """The complaint SLA settings cannot be used (``CALLQA_COMPLAINT_SLA``):
    ``path:line: what is wrong``."""

    code = "complaint_sla"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.path, self.line = path, line


class ModelError(CallqaError):
    code = "model"


class StoreError(CallqaError):
    code = "store"


class StoreUnavailable(StoreError):
    code = "store_unavailable"


class RecordingNotFound(StoreError):
    code = "not_found"


class RecordingError(CallqaError):
    code = "recording"


class AudioDecodeError(RecordingError):
    code = "decode"


class AudioTooShort(RecordingError):
    code = "too_short"


class AudioTooLong(RecordingError):
    code = "too_long"


class NoSpeech(RecordingError):
    code = "no_speech"


class MetadataError(RecordingError):
    code = "metadata"


class LanguageNotSupported(RecordingError):
    code = "language"


class DatabaseError(CallqaError):
    code = "database"


class DatabaseUnavailable(DatabaseError):
    """The database failed under the work (a connection killed, the server restarting, a
    full disk): no fault of the recording being processed, which is looked at again later
    without spending an attempt."""


class LeaseLost(CallqaError):
    """This worker's lease on a recording expired and another worker took it over (or it
    was released): the work is abandoned, and the new holder's result stands."""

    code = "lease_lost"


class Refused(CallqaError):
    """A person's request that the rules refuse (the human side: reviews, disputes, clips).

    Said as written, with no recording named and no period added: the message is the
    sentence the person reads. ``http_status`` tells the API which answer it is.
    """

    code = "bad_request"
    http_status = 400

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class NotFound(Refused):
    """Missing, or someone else's: the same answer, so ids cannot be probed."""

    code, http_status = "not_found", 404


class Forbidden(Refused):
    code, http_status = "forbidden", 403


class Conflict(Refused):
    """The object is not in a state that allows this (closed, replaced, taken)."""

    code, http_status = "conflict", 409


class Invalid(Refused):
    code, http_status = "validation_error", 422


class SurveyFileError(Invalid):
    """Survey answers refused whole: ``problems`` are :class:`pipeline.surveys.Problem`
    (where, message key and arguments, rendered in English or Turkish); the message is
    their English sentences, one a line."""

    code = "survey_file"

    def __init__(self, message: str, *, problems: Sequence[Any] = (), hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems = tuple(problems)
