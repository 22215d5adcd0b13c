from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from pipeline.errors import MetadataError, RecordingNotFound, StoreUnavailable
from pipeline.store import LocalStore, S3Store, _open_store


def _recording(tmp_path: Path, name: str = "a.wav", data: bytes = b"RIFF....WAVE") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_local_store_lists_audio_and_reads_sidecars(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "rec")
    store.put("2026/11/a.wav", _recording(tmp_path), {"agent_id": "A1"})
    store.put("2026/11/b.mp3", _recording(tmp_path, "b.mp3"))
    (tmp_path / "rec" / "notes.txt").write_text("not a recording")
    assert [o.key for o in store.list_recordings()] == ["2026/11/a.wav", "2026/11/b.mp3"]
    assert store.read_metadata("2026/11/a.wav") == {"agent_id": "A1"}
    assert store.read_metadata("2026/11/b.mp3") is None
    assert store.fetch("2026/11/a.wav", tmp_path).read_bytes() == b"RIFF....WAVE"


def test_local_store_refuses_paths_outside_it(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "rec")
    with pytest.raises(RecordingNotFound):
        store.fetch("../../etc/passwd", tmp_path)


def test_local_sidecar_with_bad_json_names_the_line(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    _recording(tmp_path)
    (tmp_path / "a.wav.json").write_text('{"agent_id": "A1",\n "team": }')
    with pytest.raises(MetadataError, match="line 2"):
        store.read_metadata("a.wav")


def test_missing_local_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="does not exist"):
        list(LocalStore(tmp_path / "nope").list_recordings())


def test_s3_store_round_trip(s3_store: S3Store, tmp_path: Path) -> None:
    s3_store.put("day1/a.wav", _recording(tmp_path), {"agent_id": "A1", "team": "Çağrı"})
    s3_store.put("day1/b.ogg", _recording(tmp_path, "b.ogg"))
    assert [o.key for o in s3_store.list_recordings()] == ["day1/a.wav", "day1/b.ogg"]
    assert s3_store.read_metadata("day1/a.wav") == {"agent_id": "A1", "team": "Çağrı"}
    assert s3_store.read_metadata("day1/b.ogg") is None
    dest = tmp_path / "dl"
    dest.mkdir()
    assert s3_store.fetch("day1/a.wav", dest).read_bytes() == b"RIFF....WAVE"


def test_s3_object_metadata_instead_of_sidecar(s3_store: S3Store, tmp_path: Path) -> None:
    path = _recording(tmp_path)
    s3_store.client.fput_object(
        s3_store.bucket, s3_store.prefix + "m.wav", str(path),
        metadata={"callqa": json.dumps({"agent_id": "A9"})},
    )
    assert s3_store.read_metadata("m.wav") == {"agent_id": "A9"}


def test_s3_missing_key_and_bucket(s3_store: S3Store, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotFound):
        s3_store.fetch("nope.wav", tmp_path)
    other = S3Store(s3_store.client, "no-such-bucket")
    with pytest.raises(StoreUnavailable, match="bucket 'no-such-bucket' does not exist") as err:
        list(other.list_recordings())
    assert "CALLQA_STORE_URL" in str(err.value)


def test_s3_unreachable_endpoint_fails_fast_with_a_hint() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = _open_store("s3://calls/", f"127.0.0.1:{port}", "k", "s", False, None)
    with pytest.raises(StoreUnavailable, match="cannot reach the S3 endpoint") as err:
        list(store.list_recordings())
    assert "CALLQA_S3_ENDPOINT" in str(err.value)
