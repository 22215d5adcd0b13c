"""The operator's view of the queue (issue 16): ``callqa status`` and GET /api/v1/admin/status
show what is waiting, what is being processed, what failed in the last day and why, which
workers were seen and when, and the oldest recording still waiting; on SQLite and
PostgreSQL, and from the command line as a person and a script would read it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.db.models import Call
from pipeline.db.queue_status import queue_status
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, session_scope

STORE = "s3://calls/incoming"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


def seed(url: str, now: datetime) -> None:
    ago = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731
    rows: list[dict[str, Any]] = [
        {"key": "2026/12/04/old.wav", "state": RecordingState.PENDING, "seen_at": ago(95)},
        {"key": "2026/12/04/new.wav", "state": RecordingState.PENDING, "seen_at": ago(2)},
        # a dead worker's lease ran out: waiting again
        {"key": "2026/12/04/orphan.wav", "state": RecordingState.CLAIMED, "seen_at": ago(30),
         "claimed_by": "box-2:4711", "lease_until": ago(5), "updated_at": ago(9)},
        {"key": "2026/12/04/busy.wav", "state": RecordingState.CLAIMED, "seen_at": ago(3),
         "claimed_by": "box-1:17", "lease_until": now + timedelta(minutes=4),
         "updated_at": ago(1)},
        {"key": "2026/12/04/done.wav", "state": RecordingState.DONE, "seen_at": ago(60),
         "claimed_by": "box-1:17", "updated_at": ago(50), "call_id": "c-done"},
        {"key": "2026/12/04/empty.wav", "state": RecordingState.FAILED, "seen_at": ago(70),
         "claimed_by": "box-1:17", "updated_at": ago(65), "call_id": "c-empty"},
        {"key": "2026/12/04/gone.wav", "state": RecordingState.FAILED, "seen_at": ago(70),
         "updated_at": ago(64)},
        {"key": "2026/12/01/ancient.wav", "state": RecordingState.FAILED,
         "seen_at": ago(4000), "updated_at": ago(3990)},  # before the last day
        {"key": "2026/12/04/dup.wav", "state": RecordingState.CLAIMED, "seen_at": ago(1),
         "claimed_by": "waiting: same audio as 2026/12/04/busy.wav",
         "lease_until": now + timedelta(minutes=2), "updated_at": ago(1)},
    ]
    with session_scope(url) as s:
        s.add(Call(id="c-empty", content_hash="h-empty", source_key="2026/12/04/empty.wav",
                   store_url=STORE, status="failed", error_code="audio_decode",
                   error="file is empty (0 bytes)"))
        for row in rows:
            s.add(Recording(store_url=STORE, source="sweep", attempts=1, **row))


def test_the_queue_at_a_glance(db: str) -> None:
    seed(db, NOW)
    with session_scope(db) as s:
        status = queue_status(s, now=NOW)
    assert status.waiting == 3  # old, new, and the orphan whose lease ran out
    assert status.processing == 2  # busy, and the duplicate waiting for busy
    assert status.done_last_day == 1
    assert status.failed_last_day == {"audio_decode": 1, "no call recorded": 1}
    assert [(w.name, w.holding) for w in status.workers] == [("box-1:17", 1), ("box-2:4711", 0)]
    assert status.workers[0].last_heartbeat == NOW - timedelta(minutes=1)
    assert status.oldest_waiting_key == "2026/12/04/old.wav"
    assert status.oldest_waiting_age == timedelta(minutes=95)
    as_json = status.to_dict()
    assert as_json["oldest_waiting"]["age_seconds"] == 95 * 60
    json.dumps(as_json)  # JSON-ready


def callqa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("callqa")
    assert exe
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLQA_")}
    env |= {"CALLQA_HOME": str(home), "COLUMNS": "80"}
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, env=env,
                          stdin=subprocess.DEVNULL)


def test_callqa_status_reads_in_80_columns_and_exits_3_when_something_is_stuck(
    callqa_home: Path,
) -> None:
    url = f"sqlite:///{callqa_home / 'callqa.db'}"
    ensure_schema(url)
    seed(url, datetime.now(UTC))
    shown = callqa(callqa_home, "status")
    assert shown.returncode == 3, shown.stderr  # old.wav has waited 95 minutes
    lines = shown.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert "waiting 3" in lines[0] and "failed (last day) 2" in lines[0]
    assert any("audio_decode" in line for line in lines)
    assert any("old.wav" in line and "min ago" in line for line in lines)
    assert any(line.strip().startswith("box-1:17") for line in lines)
    assert "stuck" in shown.stdout
    relaxed = callqa(callqa_home, "status", "--json", "--stuck-minutes", "120")
    assert relaxed.returncode == 0, relaxed.stderr
    assert json.loads(relaxed.stdout)["waiting"] == 3
