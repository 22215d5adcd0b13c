"""The ``callqa`` console script, run as a user runs it: a subprocess with its own Prefect."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def callqa(home: Path, *args: str, timeout: int = 420) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("callqa")
    assert exe, "the callqa console script is installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
    (home / "prefect").mkdir(parents=True, exist_ok=True)
    env |= {"CALLQA_HOME": str(home), "PREFECT_HOME": str(home / "prefect"), "COLUMNS": "200"}
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, timeout=timeout, env=env,
        stdin=subprocess.DEVNULL,
    )


def test_process_prints_turns_then_json_and_bad_input_is_one_line(
    tmp_path: Path, stereo_call: Path
) -> None:
    call = tmp_path / "in" / "call.wav"
    call.parent.mkdir()
    shutil.copyfile(stereo_call, call)
    (tmp_path / "in" / "call.wav.json").write_text(
        json.dumps({"agent_id": "A1", "channels": {"0": "agent", "1": "customer"}})
    )
    home = tmp_path / "home"
    result = callqa(home, "process", str(call))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("call ") and "stereo" in lines[0]
    turns = [line for line in lines if line.startswith("[")]
    assert any("] AGENT: " in t for t in turns) and any("] CUSTOMER: " in t for t in turns)
    assert any("Diane" in t for t in turns if "AGENT" in t)

    as_json = callqa(home, "process", "--json", str(call))
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["call"]["status"] == "done" and data["call"]["agent"] == "A1"
    assert {u["role"] for u in data["utterances"]} == {"agent", "customer"}
    assert data["metrics"]["talk_agent"] > 5 and "pii" in data
    assert "already processed" in as_json.stderr  # same content: one call, not two

    empty = tmp_path / "in" / "empty.wav"
    empty.write_bytes(b"")
    failed = callqa(home, "process", str(empty))
    assert failed.returncode == 1
    assert failed.stderr.strip() == (
        "error: recording 'empty.wav': file is empty (0 bytes). Upload the complete recording."
    )
    assert "Traceback" not in failed.stdout + failed.stderr


def test_every_cli_command_is_documented_in_the_readme() -> None:
    from typer.main import get_command

    from api.cli import app

    readme = (ROOT / "README.md").read_text()
    group = get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
        assert (cmd.help and "Example" in (cmd.help or "")) or sub, f"{name} has no example"
    for name in names:
        assert f"callqa {name}" in readme, f"`callqa {name}` is not in the README"


def test_demo_processes_the_samples_and_refuses_turkish_clearly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = callqa(home, "demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"database:   sqlite:///{home}/callqa.db" in out
    assert f"recordings: {home}/recordings" in out
    assert "copied 3 sample recording(s)" in out
    assert "not copied: tr_fatura_stereo.ogg, tr_sikayet_mono.ogg" in " ".join(out.split())
    assert "new 3: 3 done, 0 failed, 0 skipped" in out
    rows = {agent: next(line for line in out.splitlines() if agent in line)
            for agent in ("Sarah Collins", "Mark Evans", "Daniel Brooks")}
    assert all(" en " in row and "done" in row for row in rows.values()), rows
    assert "inbound" in rows["Sarah Collins"] and "outbound" in rows["Daniel Brooks"]
    assert "64/36" in rows["Sarah Collins"] or "65/35" in rows["Sarah Collins"]  # talk ratio
    assert "done (undiarised)" in rows["Mark Evans"]  # mono, no diariser configured
    assert "en_complaint_mono.ogg: mono recording not diarised" in out

    # scores and flags: the complaint call (lawyer, cancellation, third call) is flagged
    assert "Scores and review flags" in out
    scores = {agent: next(line for line in out.splitlines()[out.splitlines().index(
        next(x for x in out.splitlines() if "Scores and review flags" in x)):] if agent in line)
        for agent in ("Sarah Collins", "Mark Evans", "Daniel Brooks")}
    assert "inbound_service_en" in scores["Sarah Collins"]
    assert "outbound_sales_en" in scores["Daniel Brooks"]
    assert "legal_threat" in scores["Mark Evans"] and "cancellation" in scores["Mark Evans"]
    call_id = scores["Sarah Collins"].split("│")[1].strip()
    card = callqa(home, "score", call_id)
    assert card.returncode == 0, card.stderr
    assert "rubric inbound_service_en v1.0" in card.stdout
    assert "recording_disclosure (auto-fail)" in card.stdout and "AGENT:" in card.stdout
    as_json = json.loads(callqa(home, "score", "--json", call_id).stdout)
    assert {r["verdict"] for r in as_json["results"]} <= {"pass", "fail", "na"}
    assert all(r["explanation"] for r in as_json["results"])

    again = callqa(home, "demo", "--all-languages")
    assert again.returncode == 0, again.stderr
    assert "found 5, new 2: 0 done, 2 failed, 3 skipped" in again.stdout
    refusals = [line for line in again.stderr.splitlines() if line.startswith("failed:")]
    assert len(refusals) == 2
    assert all("Turkish (tr)" in line and "CALLQA_ASR_MODEL" in line for line in refusals)


def test_rubric_check_accepts_the_shipped_rubrics_and_pinpoints_a_bad_one(tmp_path: Path) -> None:
    shipped = sorted((ROOT / "scoring" / "rubrics").glob("*.yaml"))
    ok = callqa(tmp_path / "home", "rubric", "check", *map(str, shipped))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("ok: ") == len(shipped) >= 3

    bad = tmp_path / "bad.yaml"
    lines = shipped[0].read_text().splitlines()
    line_no = next(i for i, line in enumerate(lines) if line.strip() == "type: phrase")
    lines[line_no] = lines[line_no].replace("phrase", "phrasing")
    bad.write_text("\n".join(lines) + "\n")
    refused = callqa(tmp_path / "home", "rubric", "check", str(bad))
    assert refused.returncode == 1
    message = refused.stderr.strip()
    assert message.startswith(f"invalid: {bad}:{line_no + 1}: criterion "), message
    assert "phrasing" in message and "Traceback" not in message
