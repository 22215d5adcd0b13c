"""A database that fails under the work (its connection killed, its disk full) is one
sentence saying what to do, never the driver's exception with the SQL statement in it,
and the next transaction works once the fault is gone (found by the fault suite:
``python -m benchmarks --suite faults --case pg-terminate --case disk-full``)."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from pipeline.db import recordings
from pipeline.db.session import session_scope, upgrade
from pipeline.errors import DatabaseError


@pytest.mark.postgres
def test_a_killed_connection_is_a_sentence_and_the_next_transaction_works(
    postgres_url: str,
) -> None:
    upgrade(postgres_url)
    admin = postgres_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
    with pytest.raises(DatabaseError) as raised, session_scope(postgres_url) as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(%s)", (pid,))
        recordings.notice(session, "/store", ["a.wav"], "sweep")
    said = str(raised.value)
    assert "\n" not in said and "[SQL" not in said and "INSERT" not in said, said
    assert "failed under the work" in said and "terminating connection" in said, said
    assert said.endswith("the recording is tried again.") and "postgres@" in said, said
    with session_scope(postgres_url) as session:  # pre-ping: a fresh connection
        assert recordings.notice(session, "/store", ["a.wav"], "sweep") == ["a.wav"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only; skipped where mount is refused)."""
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_says_so_and_the_database_works_once_there_is_room(
    small_disk: Path,
) -> None:
    url = f"sqlite:///{small_disk / 'callqa.db'}"
    upgrade(url)
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    keys = [f"2026/11/24/call-{i:05d}-{'x' * 120}.wav" for i in range(4000)]
    with pytest.raises(DatabaseError) as raised, session_scope(url) as session:
        recordings.notice(session, "/store", keys, "sweep")
    said = str(raised.value)
    assert "cannot be written: its disk is full" in said and "\n" not in said, said
    assert "[SQL" not in said and "Free space on the database's disk" in said, said
    filler.unlink()
    with session_scope(url) as session:
        assert len(recordings.notice(session, "/store", keys, "sweep")) == len(keys)
