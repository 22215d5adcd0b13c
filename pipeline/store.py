"""Where recordings live: a local folder (embedded default) or an S3 bucket (MinIO, AWS).

A recording is an audio object; its metadata is either the object's own user metadata
(``x-amz-meta-callqa``, a JSON string) or a sidecar object ``<key>.json`` beside it.

Listing is in key order (S3's order: by UTF-8 bytes, which is Python's ``str`` order) and
resumable: ``list_recordings(start_after=key)`` lists only keys that sort after ``key``,
which is how the sweep (:mod:`pipeline.sweep`) avoids listing a whole bucket each time.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast
from urllib.parse import urlparse

from pipeline.errors import RecordingNotFound, StoreError, StoreUnavailable
from pipeline.settings import Settings
from pipeline.store_s3 import S3RangeReader, object_size, s3_error

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".wma", ".webm", ".mp4"}
)
SIDECAR_SUFFIX = ".json"
META_HEADER = "callqa"  # object metadata key holding the JSON metadata


def is_recording_key(key: str) -> bool:
    return Path(key).suffix.lower() in AUDIO_SUFFIXES


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str | None = None


class RecordingStore(Protocol):
    """What the pipeline and the API need of a store. Keys use ``/`` separators; ``fetch``,
    ``size``, ``open_reader`` and ``local_path`` raise RecordingNotFound for a missing key."""

    url: str

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]:
        """Recordings (no sidecars) in key order, only those after ``start_after`` and
        under ``prefix`` (both relative to the store) when given."""
        ...

    def fetch(self, key: str, dest: Path) -> Path: ...

    def read_metadata(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, source: Path, metadata: dict[str, Any] | None = None) -> None: ...

    def delete(self, key: str) -> None:
        """Remove one object; a missing object is already gone, not an error."""
        ...

    def size(self, key: str) -> int:
        """The recording's size in bytes."""
        ...

    def open_reader(self, key: str) -> BinaryIO:
        """The recording as a read-only, seekable binary file, read where it lies (no copy);
        close it (``with``) when done."""
        ...

    def share_url(self, key: str, expires: timedelta) -> str | None:
        """A URL that fetches the recording without callqa for ``expires`` (HTTP Range
        included), or None: serve it yourself (:meth:`local_path`, :meth:`open_reader`).
        It does not check that the key exists: a missing object answers 404 at the URL."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The recording's file on this machine, or None where it is not a file here."""
        ...


class LocalStore:
    """A folder of recordings with optional ``<name>.json`` sidecars."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise RecordingNotFound(f"key {key!r} is outside the store {self.root}")
        return path

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]:
        if not self.root.is_dir():
            raise StoreUnavailable(
                f"recordings folder {self.root} does not exist",
                hint="Create it or set CALLQA_STORE_URL.",
            )
        yield from _walk(self.root, "", start_after or "", prefix or "")

    def fetch(self, key: str, dest: Path) -> Path:
        # Local files are read in place: no copy.
        return self._file(key)

    def _file(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise RecordingNotFound(f"no recording {key!r} in {self.root}", key=key)
        return path

    def size(self, key: str) -> int:
        return self._file(key).stat().st_size

    def open_reader(self, key: str) -> BinaryIO:
        return self._file(key).open("rb")

    def share_url(self, key: str, expires: timedelta) -> str | None:
        return None  # a folder has no URL of its own: the API serves the file

    def local_path(self, key: str) -> Path | None:
        return self._file(key)

    def read_metadata(self, key: str) -> dict[str, Any] | None:
        sidecar = self._path(key + SIDECAR_SUFFIX)
        if not sidecar.is_file():
            return None
        return _parse_json(sidecar.read_text(encoding="utf-8"), key)

    def put(self, key: str, source: Path, metadata: dict[str, Any] | None = None) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if metadata is not None:
            sidecar = self._path(key + SIDECAR_SUFFIX)
            sidecar.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), "utf-8")

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except IsADirectoryError:
            raise RecordingNotFound(f"{key!r} is a folder in {self.root}, not a recording",
                                    key=key) from None
        except OSError as exc:
            raise StoreError(f"cannot delete {key!r} from {self.root} ({exc.strerror})",
                             hint="Check the folder's permissions.", key=key) from exc


class S3Store:
    """Recordings in an S3 bucket under an optional prefix, through the ``minio`` client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", url: str | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = url or f"s3://{bucket}/{self.prefix}"

    def _guard(self, action: str, exc: Exception, key: str | None = None) -> StoreError:
        return s3_error(self, action, exc, key)

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]:
        try:
            if not self.client.bucket_exists(self.bucket):
                raise StoreUnavailable(
                    f"bucket {self.bucket!r} does not exist",
                    hint="Create it or fix CALLQA_STORE_URL.",
                )
            # ListObjectsV2 with StartAfter: the server skips what sorts before the cursor.
            for obj in self.client.list_objects(
                self.bucket,
                prefix=self.prefix + (prefix or ""),
                recursive=True,
                start_after=self.prefix + start_after if start_after else None,
            ):
                key = obj.object_name[len(self.prefix) :]
                if is_recording_key(key):
                    yield ObjectInfo(key=key, size=obj.size or 0, etag=obj.etag)
        except StoreError:
            raise
        except Exception as exc:
            raise self._guard("list recordings", exc) from exc

    def fetch(self, key: str, dest: Path) -> Path:
        target = dest / Path(key).name
        try:
            self.client.fget_object(self.bucket, self.prefix + key, str(target))
        except Exception as exc:
            raise self._guard("download", exc, key) from exc
        return target

    def read_metadata(self, key: str) -> dict[str, Any] | None:
        from minio.error import S3Error

        try:
            stat = self.client.stat_object(self.bucket, self.prefix + key)
            embedded = {k.lower(): v for k, v in (stat.metadata or {}).items()}
            raw = embedded.get(f"x-amz-meta-{META_HEADER}")
            if raw:
                return _parse_json(raw, key)
            response = self.client.get_object(self.bucket, self.prefix + key + SIDECAR_SUFFIX)
            try:
                return _parse_json(response.read().decode("utf-8"), key)
            finally:
                response.close()
                response.release_conn()
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NotFound"):
                return None
            raise self._guard("read metadata", exc, key) from exc
        except StoreError:
            raise
        except Exception as exc:
            raise self._guard("read metadata", exc, key) from exc

    def put(self, key: str, source: Path, metadata: dict[str, Any] | None = None) -> None:
        try:
            self.client.fput_object(self.bucket, self.prefix + key, str(source))
            if metadata is not None:
                import io

                data = json.dumps(metadata, ensure_ascii=False).encode("utf-8")
                self.client.put_object(
                    self.bucket,
                    self.prefix + key + SIDECAR_SUFFIX,
                    io.BytesIO(data),
                    len(data),
                    content_type="application/json",
                )
        except Exception as exc:
            raise self._guard("upload", exc, key) from exc

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success: nothing to special-case here.
        try:
            self.client.remove_object(self.bucket, self.prefix + key)
        except Exception as exc:
            raise self._guard("delete", exc, key) from exc

    def size(self, key: str) -> int:
        return object_size(self, key)

    def open_reader(self, key: str) -> BinaryIO:
        # Ranged GETs: a decoder that seeks into a long call fetches a few blocks.
        return cast(BinaryIO, S3RangeReader(self, key))

    def share_url(self, key: str, expires: timedelta) -> str | None:
        """A presigned GET URL of the object."""
        try:
            url: str = self.client.presigned_get_object(self.bucket, self.prefix + key,
                                                        expires=expires)
        except Exception as exc:
            raise self._guard("sign a URL", exc, key) from exc
        return url

    def local_path(self, key: str) -> Path | None:
        return None


def _walk(folder: Path, base: str, start_after: str, prefix: str) -> Iterator[ObjectInfo]:
    """Files under ``folder`` in the order of their keys, without reading the whole tree.

    A folder ``d`` holds keys ``d/...``, so entries sort by ``name + "/"`` for folders and
    ``name`` for files; a folder whose keys all sort before ``start_after``, or that lies
    outside ``prefix``, is skipped without being read.
    """
    entries = []
    with os.scandir(folder) as it:
        for entry in it:
            is_dir = entry.is_dir(follow_symlinks=False)
            entries.append((base + entry.name + ("/" if is_dir else ""), is_dir, entry))
    for key, is_dir, entry in sorted(entries, key=lambda e: e[0]):
        if is_dir:
            if not (key.startswith(prefix) or prefix.startswith(key)):
                continue
            if key < start_after and not start_after.startswith(key):
                continue  # every key under it sorts before the cursor
            yield from _walk(Path(entry.path), key, start_after, prefix)
        elif (key > start_after and key.startswith(prefix) and is_recording_key(key)
              and entry.is_file()):
            yield ObjectInfo(key=key, size=entry.stat().st_size)


def _parse_json(text: str, key: str) -> dict[str, Any]:
    from pipeline.errors import MetadataError

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetadataError(
            f"metadata is not valid JSON (line {exc.lineno}: {exc.msg})",
            hint="Fix the sidecar file.",
            key=key,
        ) from exc
    if not isinstance(data, dict):
        raise MetadataError("metadata must be a JSON object", hint="Fix the sidecar.", key=key)
    return data


def open_store(settings: Settings) -> RecordingStore:
    """The store named by ``CALLQA_STORE_URL``: a folder path or ``s3://bucket/prefix``."""
    return open_store_at(settings.resolved_store_url, settings)


def open_store_at(url: str, settings: Settings, *, create: bool = True) -> RecordingStore:
    """The store at ``url`` (a folder path, ``file://`` or ``s3://bucket/prefix``, such as
    a call's ``store_url``), reached with ``settings``' S3 endpoint and credentials.

    A missing folder is made when ``create`` is true (a store recordings are written to);
    a reader passes False, so reading a call's recording never makes folders.
    """
    return _open_store(
        url,
        settings.s3_endpoint,
        settings.s3_access_key,
        settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
        settings.s3_secure,
        settings.s3_region,
        create,
    )


@functools.lru_cache(maxsize=8)
def _open_store(
    url: str,
    endpoint: str | None,
    access_key: str | None,
    secret_key: str | None,
    secure: bool,
    region: str | None,
    create: bool = True,
) -> RecordingStore:
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        root = Path(parsed.path if parsed.scheme == "file" else url)
        if create:
            root.mkdir(parents=True, exist_ok=True)
        return LocalStore(root)
    if not endpoint:
        from pipeline.errors import ConfigError

        raise ConfigError(
            f"store {url} is on S3 but no endpoint is set",
            hint="Set CALLQA_S3_ENDPOINT (host:port), CALLQA_S3_ACCESS_KEY, CALLQA_S3_SECRET_KEY.",
        )
    from minio import Minio
    from urllib3 import PoolManager, Retry, Timeout

    # Fail fast on an unreachable endpoint instead of minio's long default retries.
    http = PoolManager(
        timeout=Timeout(connect=5, read=120), retries=Retry(total=2, backoff_factor=0.2)
    )
    client = Minio(
        endpoint.removeprefix("http://").removeprefix("https://"),
        access_key=access_key,
        secret_key=secret_key,
        secure=secure and not endpoint.startswith("http://"),
        region=region,
        http_client=http,
    )
    return S3Store(client, parsed.netloc, parsed.path, url=url)
