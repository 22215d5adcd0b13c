"""How the CLI shows scores: a scorecard with evidence, and a table of scores and flags."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from api.cli.render import WIDE, clock
from pipeline.db.models import Call, ScoreRecord

MARK = {"pass": ("✓", "green"), "fail": ("✗", "red"), "na": ("–", "dim")}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _evidence_line(ev: dict[str, Any]) -> str:
    when = f"[{clock(ev.get('start'))}–{clock(ev.get('end'))}]"
    who = f" {ev['role'].upper()}:" if ev.get("role") else ""
    quote = f' "{ev["quote"]}"' if ev.get("quote") else ""
    note = f" ({ev['note']})" if ev.get("note") else ""
    return f"{when}{who}{quote}{note}"


def _trajectory(sentiment: list[dict[str, Any]], role: str) -> str:
    party = next((p for p in sentiment if p.get("role") == role), None)
    if not party or party.get("start") is None or party.get("end") is None:
        return "-"
    return f"{party['start']:+.2f}→{party['end']:+.2f} {party.get('trajectory', '')}".strip()


def scorecard(call: Call, score: ScoreRecord) -> Group:
    """Sections, points, each criterion with its explanation and evidence, then the flags."""
    parts: list[Any] = []
    head = Text()
    head.append(f"call {call.id}  {call.source_key}\n", style="bold")
    head.append(f"rubric {score.rubric.name} v{score.rubric.version}  ")
    head.append(f"score {score.total:.1f}/100", style="bold red" if score.auto_failed else "bold")
    if score.auto_failed:
        head.append("  AUTO-FAIL", style="bold red")
    head.append(f"\ncustomer sentiment {_trajectory(score.sentiment, 'customer')}"
                f"   agent {_trajectory(score.sentiment, 'agent')}")
    parts.append(head)
    by_section: dict[str, list[Any]] = {}
    for r in score.results:
        by_section.setdefault(r.section_id, []).append(r)
    for section in score.sections:
        pct = "n/a" if section.get("percent") is None else f"{section['percent']:.0f}%"
        table = Table(
            title=f"{section['title']}  {section['points']:g}/{section['max_points']:g} ({pct}, "
            f"weight {section['weight']:g})", title_justify="left", show_header=False,
            box=None, pad_edge=False,
        )
        table.add_column(width=2)
        table.add_column(ratio=1, overflow="fold")
        table.add_column(justify="right", width=7)
        for r in by_section.get(section["section_id"], []):
            mark, style = MARK.get(r.verdict, ("?", "white"))
            body = Text(r.criterion_id + (" (auto-fail)" if r.auto_fail else ""), style="bold")
            body.append(f"  {r.explanation}")
            if r.confidence is not None:
                body.append(f"  confidence {r.confidence:.2f}", style="dim")
            for ev in r.evidence:
                body.append("\n    " + _evidence_line(ev), style="dim")
            points = "n/a" if r.verdict == "na" else f"{r.points:g}/{r.max_points:g}"
            table.add_row(Text(mark, style=style), body, points)
        parts.append(table)
    if score.flags:
        flags = Text("flags (review priority ", style="bold")
        flags.append(f"{score.priority:.0f})", style="bold")
        for f in score.flags:
            flags.append(f"\n  {f.severity.upper():8} ", style=SEVERITY_STYLE.get(f.severity, ""))
            flags.append(f"{f.code}: {f.reason}")
            for ev in f.evidence[:3]:
                flags.append("\n      " + _evidence_line(ev), style="dim")
        parts.append(flags)
    else:
        parts.append(Text("no flags: nothing a supervisor must hear", style="green"))
    for note in score.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    return Group(*parts)


def scores_table(rows: list[tuple[Call, ScoreRecord | None]], title: str = "Scores",
                 width: int = WIDE) -> Table:
    """One row per call; narrower than :data:`WIDE` columns (80, a pipe) the sentiment
    column is left out, flags go one per line and the borders are lighter."""
    wide = width >= WIDE
    table = Table(title=title, header_style="bold",
                  box=box.HEAVY_HEAD if wide else box.SIMPLE_HEAD, pad_edge=wide)
    columns = [("call", "left"), ("agent", "left"), ("rubric", "left"), ("score", "right"),
               ("customer sentiment", "left"), ("flags (priority)", "left")]
    for name, justify in columns:
        if wide or name != "customer sentiment":
            table.add_column(name, justify=justify, overflow="fold",  # type: ignore[arg-type]
                             no_wrap=not wide and name in ("call", "score"))
    for call, score in rows:
        agent = (call.agent.name or call.agent.external_id) if call.agent else "-"
        if score is None:
            cells = [call.id[:8], agent, "-", "-", "-", "not scored"]
        else:
            total = f"[bold red]{score.total:.0f} AUTO-FAIL[/bold red]" if score.auto_failed \
                else f"{score.total:.0f}"
            flags = (", " if wide else "\n").join(f.code for f in score.flags)
            flags = f"{flags} ({score.priority:.0f})" if flags else "[green]none[/green]"
            cells = [call.id[:8], agent, f"{score.rubric.name} v{score.rubric.version}", total,
                     _trajectory(score.sentiment, "customer"), flags]
        table.add_row(*(cells if wide else cells[:4] + cells[5:]))
    return table


def score_dict(score: ScoreRecord) -> dict[str, Any]:
    return {
        "rubric": score.rubric.name, "rubric_version": score.rubric.version,
        "rubric_hash": score.rubric.hash, "total": score.total, "auto_failed": score.auto_failed,
        "priority": score.priority, "sections": score.sections, "sentiment": score.sentiment,
        "notes": score.notes, "created_at": score.created_at.isoformat(),
        "results": [
            {"criterion_id": r.criterion_id, "section_id": r.section_id, "type": r.type,
             "verdict": r.verdict, "points": r.points, "max_points": r.max_points,
             "confidence": r.confidence, "auto_fail": r.auto_fail,
             "explanation": r.explanation, "evidence": r.evidence}
            for r in score.results
        ],
        "flags": [
            {"code": f.code, "severity": f.severity, "priority": f.priority,
             "reason": f.reason, "evidence": f.evidence}
            for f in score.flags
        ],
    }
