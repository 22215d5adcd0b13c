"""The fault suite (benchmarks/faults): one cheap case end to end on the real components,
the table it prints, and the promise it checks catching what it must."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.faults import Outcome, all_cases, table
from tests.conftest import ROOT


def test_the_table_fits_80_columns_whatever_the_case_says() -> None:
    outcomes = [
        Outcome("a-case-name-far-longer-than-the-column", 100000, 99999, 1, 0, 0, 0, 0,
                recovery_s=12345.678, peak_rss_mb=1234.5,
                notes=["x" * 300, "flow runs: 3 completed, 1 failed; attempts " + "1" * 90]),
        Outcome("sigkill-postgres", 5, 4, 0, 1, 1, 0, 0),
    ]
    text = table(outcomes)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    rows = text.splitlines()
    assert rows[2].endswith("yes") and rows[3].endswith("NO")
    assert "x" * 40 in text  # a long note is wrapped, not cut


def test_an_outcome_with_anything_lost_doubled_or_held_is_not_ok() -> None:
    good = Outcome("c", 4, 3, 1, 0, 0, 0, 0)
    assert good.ok
    for field in ("doubled", "held", "half_written", "lost"):
        assert not Outcome(**{**good.__dict__, field: 1}).ok, field
    assert not Outcome("c", 4, 3, 0, 0, 0, 0, 0).ok  # one neither done nor failed


def test_every_database_and_worker_case_is_discovered_by_name() -> None:
    names = {c.name for c in all_cases()}
    assert {"pg-terminate", "pg-restart", "sigkill-sqlite", "sigkill-postgres",
            "disk-full"} <= names


def test_an_unknown_case_is_refused_with_the_names_there_are() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--suite", "faults",
                           "--case", "no-such-case"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "no fault case named no-such-case" in done.stdout
    assert "pg-terminate" in done.stdout


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(420)
def test_killing_callqa_connections_mid_batch_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    from benchmarks.faults.case_database import pg_terminate

    outcome = pg_terminate(tmp_path, calls=2, storms=2)
    assert outcome.ok, table([outcome])
    assert outcome.done == 2, table([outcome])
    assert any("backends terminated" in n and not n.startswith("2 storms, 0 ")
               for n in outcome.notes), outcome.notes
