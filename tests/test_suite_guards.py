"""The suite cannot hang (issue 16): pytest-timeout is configured in pyproject.toml, and a
test that sleeps past its limit fails with a timeout instead of holding CI for 90 minutes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT


def test_every_test_has_a_time_limit() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]
    assert 60 <= int(options["timeout"]) <= 1200


def test_a_hanging_test_is_stopped_and_fails(tmp_path: Path) -> None:
    (tmp_path / "test_hangs.py").write_text(
        "import time\n\ndef test_hangs():\n    time.sleep(60)\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=2",
         "-o", "addopts=", str(tmp_path / "test_hangs.py")],
        capture_output=True, text=True, timeout=50, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "Timeout" in result.stdout + result.stderr
