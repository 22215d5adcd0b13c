"""S3 pieces of the store that do not need :class:`pipeline.store.S3Store` itself: how an S3
failure becomes one of callqa's store errors, and a seekable file over one object.

They live apart so that ``pipeline/store.py`` stays small, and take the store as a
structural :class:`S3Location` (its client, bucket, prefix and URL) so that this module
imports nothing from ``pipeline.store``, which imports it.
"""

from __future__ import annotations

import io
from typing import Any, Protocol

from pipeline.errors import RecordingNotFound, StoreError, StoreUnavailable

BLOCK = 1 << 20  # bytes per ranged GET


class S3Location(Protocol):
    """Where a store's objects are: what :func:`s3_error` and :class:`S3RangeReader` read."""

    client: Any
    bucket: str
    prefix: str
    url: str


def s3_error(store: S3Location, action: str, exc: Exception,
             key: str | None = None) -> StoreError:
    """The store error that says what went wrong with ``action`` and what to do about it:
    a missing bucket or refused credentials make the store unavailable, a missing key is
    :class:`RecordingNotFound`, anything not from S3 itself is an unreachable endpoint."""
    from minio.error import S3Error

    if isinstance(exc, S3Error):
        if exc.code == "NoSuchBucket":
            return StoreUnavailable(
                f"bucket {store.bucket!r} does not exist",
                hint="Create it or fix CALLQA_STORE_URL.",
                key=key,
            )
        if exc.code in ("NoSuchKey", "NotFound"):
            return RecordingNotFound(f"no object {key!r} in {store.url}", key=key)
        if exc.code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return StoreUnavailable(
                f"S3 refused to {action}: {exc.code}",
                hint="Check CALLQA_S3_ACCESS_KEY and CALLQA_S3_SECRET_KEY.",
                key=key,
            )
        return StoreError(f"S3 error while trying to {action}: {exc.code}", key=key)
    return StoreUnavailable(
        f"cannot reach the S3 endpoint to {action} ({type(exc).__name__}: {exc})",
        hint="Check CALLQA_S3_ENDPOINT and that the object store is running.",
        key=key,
    )


def object_size(store: S3Location, key: str) -> int:
    """The size in bytes of ``key``'s object; :class:`RecordingNotFound` if there is none."""
    try:
        return int(store.client.stat_object(store.bucket, store.prefix + key).size)
    except Exception as exc:
        raise s3_error(store, "read", exc, key) from exc


class S3RangeReader(io.RawIOBase):
    """A read-only, seekable file over one S3 object, read in ranged GETs of ``BLOCK``
    bytes, so a decoder that seeks reads a few blocks of a long object, not all of it.

    Opening it asks for the object's size: a missing object raises
    :class:`RecordingNotFound` here, not at the first read.
    """

    def __init__(self, store: S3Location, key: str) -> None:
        self.store, self.key = store, key
        self.name = store.prefix + key
        self.size = object_size(store, key)
        self.pos = 0
        self._block_start = -1
        self._block = b""
        self.gets = 0  # ranged GETs made (for tests and logs)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def _load(self, start: int) -> None:
        length = min(BLOCK, self.size - start)
        try:
            response = self.store.client.get_object(self.store.bucket, self.name,
                                                    offset=start, length=length)
            try:
                self._block = response.read()
            finally:
                response.close()
                response.release_conn()
        except Exception as exc:
            raise s3_error(self.store, "read", exc, self.key) from exc
        self._block_start = start
        self.gets += 1

    def read(self, size: int = -1) -> bytes:
        if self.pos >= self.size:
            return b""
        if size is None or size < 0:
            size = self.size - self.pos
        out = bytearray()
        while size > 0 and self.pos < self.size:
            inside = self._block_start <= self.pos < self._block_start + len(self._block)
            if not inside:
                self._load(self.pos - self.pos % BLOCK)
            at = self.pos - self._block_start
            piece = self._block[at : at + size]
            out += piece
            self.pos += len(piece)
            size -= len(piece)
        return bytes(out)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
