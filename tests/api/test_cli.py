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


def callqa(home: Path, *args: str, timeout: int = 420,
           env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("callqa")
    assert exe, "the callqa console script is installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
    (home / "prefect").mkdir(parents=True, exist_ok=True)
    env |= {"CALLQA_HOME": str(home), "PREFECT_HOME": str(home / "prefect"), "COLUMNS": "200"}
    env |= env_extra or {}
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


AGENTS = ("Sarah Collins", "Mark Evans", "Daniel Brooks", "Ayşe Yılmaz", "Emre Demir")


def _rows_after(out: str, heading: str) -> dict[str, str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line)
    return {agent: next(line for line in lines[start:] if agent in line) for agent in AGENTS}


def test_demo_processes_the_english_and_turkish_samples(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = callqa(home, "demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"database:   sqlite:///{home}/callqa.db" in out
    assert f"recordings: {home}/recordings" in out
    assert "ASR models: tiny.en for en; base for tr, az and the rest (bundled, offline)" in out
    assert "copied 5 sample recording(s)" in out
    assert "new 5: 5 done, 0 failed, 0 skipped" in out
    rows = _rows_after(out, "Calls from")
    assert all(" en " in rows[a] for a in AGENTS[:3]) and all(" tr " in rows[a] for a in AGENTS[3:])
    assert all("done" in row for row in rows.values()), rows
    assert "inbound" in rows["Sarah Collins"] and "outbound" in rows["Daniel Brooks"]
    assert "64/36" in rows["Sarah Collins"] or "65/35" in rows["Sarah Collins"]  # talk ratio
    assert "done (undiarised)" in rows["Mark Evans"]  # mono, no diariser configured
    assert "done (undiarised)" in rows["Emre Demir"]
    assert "en_complaint_mono.ogg: mono recording not diarised" in out

    # scores and flags, English and Turkish side by side
    scores = _rows_after(out, "Scores and review flags")
    assert "inbound_service_en" in scores["Sarah Collins"]
    assert "outbound_sales_en" in scores["Daniel Brooks"]
    assert "legal_threat" in scores["Mark Evans"] and "cancellation" in scores["Mark Evans"]
    assert "inbound_service_tr" in scores["Ayşe Yılmaz"]
    assert "inbound_service_tr" in scores["Emre Demir"]
    # The billing call was run by the book: nothing forbidden was said, and the disclosure
    # was said. Whether base hears the disclosure in espeak's Turkish depends on the CPU's
    # kernels (AMD here: "hikayet altına alınmaktadır", passes; an Intel Xeon on
    # 2026-12-07: "... hikaye yok", misses it; README, "Turkish accuracy"), so an
    # auto-fail is allowed only for the disclosure, never for a forbidden phrase. The
    # complaint call (lawyer, arbitration board, cancellation) is flagged for a supervisor.
    billing = scores["Ayşe Yılmaz"]
    if "AUTO-FAIL" in billing:
        card = callqa(home, "score", billing.split("│")[1].strip()).stdout
        failed = [line for line in card.splitlines() if line.startswith("✗")]
        assert failed and all("kayit_bilgilendirmesi" in line for line in failed
                              if "(auto-fail)" in line), card
        assert "✓   yasakli_ifade_yok" in card, card
    assert "none" not in scores["Emre Demir"], scores["Emre Demir"]
    call_id = scores["Sarah Collins"].split("│")[1].strip()
    card = callqa(home, "score", call_id)
    assert card.returncode == 0, card.stderr
    assert "rubric inbound_service_en v1.0" in card.stdout
    assert "AGENT:" in card.stdout
    as_json = json.loads(callqa(home, "score", "--json", call_id).stdout)
    assert {r["verdict"] for r in as_json["results"]} <= {"pass", "fail", "na"}
    assert all(r["explanation"] for r in as_json["results"])


def test_an_english_only_model_leaves_the_turkish_samples_out_and_refuses_them_clearly(
    tmp_path: Path,
) -> None:
    home, english = tmp_path / "home", {"CALLQA_ASR_MODEL": "bundled:tiny.en"}
    result = callqa(home, "demo", env_extra=english)
    assert result.returncode == 0, result.stderr
    assert "copied 3 sample recording(s)" in result.stdout
    assert "not copied: tr_fatura_stereo.ogg, tr_sikayet_mono.ogg" in " ".join(
        result.stdout.split())
    again = callqa(home, "demo", "--all-languages", env_extra=english)
    assert again.returncode == 0, again.stderr
    assert "found 5, new 2: 0 done, 2 failed, 3 skipped" in again.stdout
    refusals = [line for line in again.stderr.splitlines() if line.startswith("failed:")]
    assert len(refusals) == 2
    assert all("Turkish (tr)" in line and "CALLQA_ASR_MODEL" in line for line in refusals)


def test_the_calls_table_fits_80_columns_when_piped(tmp_path: Path) -> None:
    from rich.console import Console

    from api.cli.render import calls_table
    from pipeline.db.models import Agent, Call, CallMetricsRecord

    call = Call(id="1e945aac-0000", content_hash="x", source_key="k", store_url="s",
                status="done", language="tr", duration=49.0, diarization="none",
                agent=Agent(external_id="A-0311", name="Ayşe Yılmaz"),
                metrics=CallMetricsRecord(talk_agent=1, talk_customer=1, talk_ratio_agent=0.5,
                                          silence=1, silence_pct=20.1, longest_silence=1,
                                          overtalk=0, interruptions_agent=0,
                                          interruptions_customer=0, wpm_agent=1,
                                          wpm_customer=1, hold_gaps=0, utterances=9))
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(calls_table([call], width=80))
    text = console.export_text()
    assert max(map(len, text.splitlines())) <= 80
    row = next(line for line in text.splitlines() if "1e945aac" in line)
    assert "Ayşe Yılmaz" in row and " tr " in row and "done*" in row and "n/a" in row
    assert "not diarised" in text


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
