"""How the CLI shows calls: a table of calls, a transcript as turns, a call as JSON."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from pipeline.db.models import Call


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(float(seconds), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{int(hours)}:{int(minutes):02d}:{secs:04.1f}"
    return f"{int(minutes):02d}:{secs:04.1f}"


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


# Below this terminal width the calls table keeps the columns a person scans first.
WIDE = 120


def calls_table(calls: list[Call], title: str = "Calls", width: int = WIDE) -> Table:
    """One row per call; on a terminal narrower than :data:`WIDE` (80 columns, a pipe)
    the per-party detail (direction, longest silence, interruptions, pace, turns) is
    left out (with overtalk) and the borders are lighter, so every row stays on one or two lines."""
    wide = width >= WIDE
    table = Table(title=title, show_lines=False, header_style="bold",
                  box=box.HEAVY_HEAD if wide else box.SIMPLE_HEAD, pad_edge=wide)
    columns = [
        ("call", "left"), ("agent", "left"), ("dir", "left"), ("duration", "right"),
        ("lang", "left"), ("talk A/C %", "right"), ("silence %", "right"),
        ("longest sil. s", "right"), ("overtalk s", "right"), ("interr. A/C", "right"),
        ("wpm A/C", "right"), ("turns", "right"), ("PII", "right"), ("status", "left"),
    ]
    keep = {name for name, _ in columns} if wide else {
        "call", "agent", "duration", "lang", "talk A/C %", "silence %", "PII", "status"}
    short = {"talk A/C %": "talk A/C", "silence %": "sil. %", "overtalk s": "over s"}
    for name, justify in columns:
        if name in keep:
            folds = wide or name in ("agent", "status")
            table.add_column(name if wide else short.get(name, name), justify=justify,  # type: ignore[arg-type]
                             overflow="fold", no_wrap=not folds,
                             min_width=None if wide or name != "agent" else 12)
    for call in calls:
        m = call.metrics
        agent = call.agent.name or call.agent.external_id if call.agent else "-"
        if m is not None and call.diarization != "none":
            ratio = f"{m.talk_ratio_agent * 100:.0f}/{(1 - m.talk_ratio_agent) * 100:.0f}"
            interruptions = f"{m.interruptions_agent}/{m.interruptions_customer}"
            wpm = f"{m.wpm_agent:.0f}/{m.wpm_customer:.0f}"
        else:
            ratio = interruptions = wpm = "n/a" if m is not None else "-"
        undiarised = call.diarization == "none"
        status = call.status if not undiarised else (
            f"{call.status} (undiarised)" if wide else f"{call.status}*")
        if undiarised and not wide:
            table.caption = "* mono recording, not diarised: per-party figures are n/a"
        style = {"done": "green", "failed": "red"}.get(call.status, "yellow")
        cells = dict(zip([name for name, _ in columns], [
            call.id[:8], agent, call.direction or "-", clock(call.duration), call.language or "-",
            ratio, _num(m.silence_pct if m else None), _num(m.longest_silence if m else None),
            _num(m.overtalk if m else None), interruptions, wpm,
            str(m.utterances) if m else "-", str(len(call.pii)) if m else "-",
            f"[{style}]{status}[/{style}]",
        ], strict=True))
        table.add_row(*(cells[name] for name, _ in columns if name in keep))
    return table


CALL_FIELDS = (
    "id", "status", "agent", "agent_name", "team", "queue", "direction", "started_at",
    "language", "duration", "diarization", "talk_ratio_agent", "silence_pct",
    "longest_silence", "overtalk", "interruptions_agent", "interruptions_customer",
    "wpm_agent", "wpm_customer", "utterances", "pii", "error",
)


def call_row(call: Call) -> dict[str, Any]:
    """One call of ``callqa calls --json/--csv``: the whole id, per-party figures None
    (not 0) where the call was not diarised."""
    m = call.metrics
    p = m if call.diarization != "none" else None  # per-party figures: diarised calls only
    return {
        "id": call.id, "status": call.status,
        "agent": call.agent.external_id if call.agent else None,
        "agent_name": call.agent.name if call.agent else None,
        "team": call.team.name if call.team else None, "queue": call.queue,
        "direction": call.direction, "started_at": call.started_at,
        "language": call.language, "duration": call.duration,
        "diarization": call.diarization,
        "talk_ratio_agent": p.talk_ratio_agent if p else None,
        "silence_pct": m.silence_pct if m else None,
        "longest_silence": m.longest_silence if m else None,
        "overtalk": m.overtalk if m else None,
        "interruptions_agent": p.interruptions_agent if p else None,
        "interruptions_customer": p.interruptions_customer if p else None,
        "wpm_agent": p.wpm_agent if p else None,
        "wpm_customer": p.wpm_customer if p else None,
        "utterances": m.utterances if m else None,
        "pii": len(call.pii) if m else None, "error": call.error,
    }


def transcript_lines(call: Call, original: bool = False) -> list[str]:
    lines = []
    for utt in call.utterances:
        who = utt.role.upper() if utt.role != "unknown" else utt.speaker
        text = utt.text if original and utt.text is not None else utt.redacted_text
        lines.append(f"[{clock(utt.start)}] {who}: {text}")
    return lines


def call_dict(call: Call, original: bool = False) -> dict[str, Any]:
    """The whole stored result of a call, for scripts (``callqa process --json``)."""
    metrics = call.metrics
    return {
        "call": {
            "id": call.id,
            "status": call.status,
            "error_code": call.error_code,
            "error": call.error,
            "source_key": call.source_key,
            "store_url": call.store_url,
            "content_hash": call.content_hash,
            "agent": call.agent.external_id if call.agent else None,
            "agent_name": call.agent.name if call.agent else None,
            "team": call.team.name if call.team else None,
            "queue": call.queue,
            "direction": call.direction,
            "started_at": call.started_at.isoformat() if call.started_at else None,
            "customer_ref": call.customer_ref,
            "language": call.language,
            "language_source": call.language_source,
            "language_reason": call.language_reason,
            "duration": call.duration,
            "channels": call.channels,
            "diarization": call.diarization,
            "asr_model": call.asr_model,
            "notes": call.notes,
            "processing_seconds": call.processing_seconds,
        },
        "utterances": [
            {
                "idx": u.idx, "speaker": u.speaker, "role": u.role, "channel": u.channel,
                "start": u.start, "end": u.end, "text": u.redacted_text,
                **({"original_text": u.text} if original and u.text is not None else {}),
                "words": u.words,
            }
            for u in call.utterances
        ],
        "metrics": (
            {c.key: getattr(metrics, c.key)
             for c in metrics.__table__.columns if c.key != "call_id"}
            if metrics else None
        ),
        "pii": [
            {"kind": p.kind, "utterance": p.utterance_idx, "start": p.start, "end": p.end}
            for p in call.pii
        ],
    }
