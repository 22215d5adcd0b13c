"""What the API reads through the store: a recording's size, a seekable reader over it, a
URL to share it, its local file, and opening a store from a call's ``store_url`` — on a
folder and on S3 (moto), with a missing key raising RecordingNotFound."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from pipeline.errors import RecordingNotFound
from pipeline.settings import Settings, get_settings
from pipeline.store import LocalStore, S3Store, open_store, open_store_at
from pipeline.store_s3 import BLOCK, S3RangeReader

DATA = bytes(range(256)) * 40  # 10 240 bytes, every offset distinguishable


def _source(tmp_path: Path, size: int = len(DATA)) -> Path:
    path = tmp_path / "source.wav"
    path.write_bytes((DATA * (size // len(DATA) + 1))[:size])
    return path


def test_a_folder_serves_in_place_and_shares_nothing(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "rec")
    store.put("2026/a.wav", _source(tmp_path))
    assert store.size("2026/a.wav") == len(DATA)
    assert store.local_path("2026/a.wav") == tmp_path / "rec" / "2026" / "a.wav"
    assert store.share_url("2026/a.wav", timedelta(minutes=15)) is None
    with store.open_reader("2026/a.wav") as reader:
        assert reader.seekable()
        reader.seek(1000)
        assert reader.read(10) == DATA[1000:1010]
        reader.seek(-4, 2)
        assert reader.read() == DATA[-4:]


@pytest.mark.parametrize("key", ["2026/none.wav", "../outside.wav"])
def test_a_folder_refuses_a_missing_key(tmp_path: Path, key: str) -> None:
    store = LocalStore(tmp_path / "rec")
    (tmp_path / "outside.wav").write_bytes(b"RIFF")
    for read in (store.size, store.open_reader, store.local_path):
        with pytest.raises(RecordingNotFound):
            read(key)


def test_s3_reads_sizes_and_shares_objects(s3_store: S3Store, tmp_path: Path) -> None:
    source = _source(tmp_path, size=BLOCK + 5000)  # two ranged blocks
    data = source.read_bytes()
    s3_store.put("2026/b.wav", source)
    assert s3_store.size("2026/b.wav") == len(data)
    assert s3_store.local_path("2026/b.wav") is None
    with s3_store.open_reader("2026/b.wav") as reader:
        assert isinstance(reader, S3RangeReader) and reader.seekable()
        reader.seek(BLOCK - 3)
        assert reader.read(6) == data[BLOCK - 3 : BLOCK + 3]  # across the block boundary
        reader.seek(-10, 2)
        assert reader.read() == data[-10:] and reader.read() == b""
        assert reader.gets == 2

    url = s3_store.share_url("2026/b.wav", timedelta(minutes=15))
    assert url is not None and "X-Amz-Expires=900" in url and "2026/b.wav" in url
    assert httpx.get(url, headers={"Range": "bytes=10-19"}).content == data[10:20]


def test_s3_refuses_a_missing_key(s3_store: S3Store) -> None:
    for read in (s3_store.size, s3_store.open_reader):
        with pytest.raises(RecordingNotFound, match=r"nope\.wav"):
            read("nope.wav")


def test_a_store_opens_from_its_url_with_the_settings_credentials(
        s3_store: S3Store, tmp_path: Path) -> None:
    settings = get_settings()
    at = open_store_at(s3_store.url, settings)
    assert isinstance(at, S3Store) and at.url == s3_store.url
    assert at is open_store(settings)  # the configured store and the same URL: one client

    folder = tmp_path / "elsewhere"
    local = open_store_at(str(folder), settings)
    assert isinstance(local, LocalStore) and folder.is_dir()
    assert open_store_at(f"file://{folder}", settings).url == local.url


def test_reading_a_call_never_makes_its_folder(tmp_path: Path) -> None:
    gone = tmp_path / "unmounted"
    store = open_store_at(str(gone), Settings(), create=False)
    with pytest.raises(RecordingNotFound):
        store.local_path("a.wav")
    assert not gone.exists()
