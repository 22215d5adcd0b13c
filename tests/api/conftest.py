"""The API against a real database: a small world of teams, agents, calls with transcripts,
scorecards and flags, users of every role, a clip, a dispute (of a2_flagged's greeting) and
a review, seeded with the ORM; a TestClient on ``create_app``; tokens issued for every user."""

from __future__ import annotations

import functools
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT

PASSWORD = "correct horse battery staple"
RUBRIC = ROOT / "scoring" / "rubrics" / "inbound_service_en.yaml"
# criterion id -> (section, max points, automatic verdict, auto_fail); max 0 means N/A
RESULTS = {
    "greeting": ("opening", 10, "pass", False),
    "recording_disclosure": ("opening", 10, "pass", True),
    "identity_verification": ("verification", 0, "na", False),
    "empathy": ("conduct", 10, "fail", False),
}
SECTIONS = {"opening": 20, "verification": 15, "conduct": 25}


@dataclass
class World:
    url: str
    store: Path
    calls: dict[str, str] = field(default_factory=dict)  # name -> call id
    scores: dict[str, int] = field(default_factory=dict)  # name -> current score id
    results: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> criterion -> id
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clips: dict[str, int] = field(default_factory=dict)
    disputes: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    coaching: dict[str, int] = field(default_factory=dict)  # call name -> its agent's task
    audio: bytes = b""

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


@functools.cache
def password_hash() -> str:
    from scoring.work.credentials import hash_password

    return hash_password(PASSWORD)


def write_wav(path: Path, seconds: float = 1.0) -> bytes:
    """A small real WAV whose bytes all differ by position (so ranges can be checked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytes((i * 7 + i // 256) % 256 for i in range(int(16000 * seconds) * 2))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(frames)
    return path.read_bytes()


def scorecard(verdicts: dict[str, str], flags: list[dict[str, Any]]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for cid, (section, maximum, automatic, auto_fail) in RESULTS.items():
        verdict = verdicts.get(cid, automatic)
        results.append({
            "criterion_id": cid, "section_id": section, "type": "phrase", "verdict": verdict,
            "points": maximum if verdict == "pass" else 0, "max_points": maximum,
            "confidence": 0.9, "auto_fail": auto_fail, "explanation": f"{cid}: {verdict}",
            "evidence": [{"start": 1.0, "end": 3.0, "utterance_indexes": [0],
                          "quote": "thank you for calling", "role": "agent", "note": None}],
        })
    for sid, weight in SECTIONS.items():
        mine = [r for r in results if r["section_id"] == sid]
        pts, mx = sum(r["points"] for r in mine), sum(r["max_points"] for r in mine)
        sections.append({"section_id": sid, "title": sid.title(), "weight": weight,
                         "points": pts, "max_points": mx,
                         "percent": None if mx == 0 else round(100 * pts / mx, 1)})
    counted = [s for s in sections if s["max_points"] > 0]
    total = round(sum(s["weight"] * 100 * s["points"] / s["max_points"] for s in counted)
                  / sum(s["weight"] for s in counted), 1)
    return {"total": total, "auto_failed": False, "sections": sections, "notes": [],
            "results": results, "flags": flags,
            "priority": max((f["priority"] for f in flags), default=0.0)}


def flag(code: str, severity: str, priority: float) -> dict[str, Any]:
    return {"code": code, "severity": severity, "priority": priority,
            "reason": f"{code} found", "evidence": [{"start": 4.0, "end": 6.0}]}


CALLS = {  # name -> agent, team, queue, direction, language, started, verdicts, flags
    "a1_flagged": ("A-1", "Billing", "billing", "inbound", "en", datetime(2026, 11, 20, 10),
                   {}, [flag("legal_threat", "critical", 90.0)]),
    "a1_clean": ("A-1", "Billing", "billing", "outbound", "en", datetime(2026, 11, 22, 10),
                 {"empathy": "pass"}, []),
    "a2_flagged": ("A-2", "Sales", "sales", "outbound", "tr", datetime(2026, 11, 21, 10),
                   {"greeting": "fail"}, [flag("low_score", "high", 50.0)]),
}


def seed(url: str, store: Path) -> World:
    from sqlalchemy import select

    from pipeline.db.accounts import User
    from pipeline.db.coaching_records import CoachingTask
    from pipeline.db.models import (
        Agent,
        Call,
        CallMetricsRecord,
        CriterionResultRecord,
        PIIRecord,
        Team,
        UtteranceRecord,
    )
    from pipeline.db.review_records import Clip, Dispute, DisputedCriterion, Review
    from pipeline.db.scores import save_scorecard, upsert_rubric
    from pipeline.db.session import session_scope, upgrade
    from scoring.work.credentials import issue_token

    upgrade(url)
    world = World(url=url, store=store)
    world.audio = write_wav(store / "2026" / "a1_flagged.wav")
    with session_scope(url) as s:
        teams = {name: Team(name=name) for name in ("Billing", "Sales")}
        agents = {"A-1": Agent(external_id="A-1", name="Ayşe Yılmaz", team=teams["Billing"]),
                  "A-2": Agent(external_id="A-2", name="Mark Evans", team=teams["Sales"])}
        s.add_all([*teams.values(), *agents.values()])
        source = RUBRIC.read_text("utf-8")
        rubric = upsert_rubric(s, name="inbound_service_en", version="1.0", language="en",
                               hash="test", source=source)
        for name, (agent, team, queue, direction, lang, started, verdicts, flags) in CALLS.items():
            label = name.replace("_", "-")  # no LIKE wildcard in the text: "_" must find nothing
            call = Call(content_hash=name, source_key=f"2026/{name}.wav", store_url=str(store),
                        status="done", agent=agents[agent], team=teams[team], queue=queue,
                        direction=direction, language=lang, started_at=started.replace(
                            tzinfo=UTC), duration=30.0, channels=2, diarization="stereo",
                        language_source="detected", asr_model="tiny.en",
                        language_reason=f"detected among tr, en, az: {lang} 0.90")
            call.utterances = [
                UtteranceRecord(idx=0, speaker="agent", role="agent", start=0.5, end=3.0,
                                text="Thank you for calling, my name is Sarah.",
                                redacted_text="Thank you for calling, my name is Sarah.",
                                sentiment=0.4, sentiment_label="positive"),
                UtteranceRecord(idx=1, speaker="customer", role="customer", start=3.5, end=8.0,
                                text=f"My card is 4111 1111 1111 1111 ({label}), I call my lawyer.",
                                redacted_text=f"My card is [CARD] ({label}), I call my lawyer.",
                                sentiment=-0.7, sentiment_label="negative"),
                UtteranceRecord(idx=2, speaker="agent", role="agent", start=20.0, end=25.0,
                                text="I understand.", redacted_text="I understand."),
            ]
            call.pii = [PIIRecord(utterance_idx=1, kind="card", start=4.0, end=6.0)]
            call.metrics = CallMetricsRecord(
                duration=30.0, talk_agent=7.5, talk_customer=4.5, talk_ratio_agent=0.62,
                silence=18.0, silence_pct=60.0, longest_silence=12.0, overtalk=0.0,
                interruptions_agent=0, interruptions_customer=0, wpm_agent=120.0,
                wpm_customer=100.0, hold_gaps=0, utterances=3)
            s.add(call)
            s.flush()
            score = save_scorecard(s, call.id, rubric.id, scorecard(verdicts, flags))
            world.calls[name], world.scores[name] = call.id, score.id
            world.results[name] = {r.criterion_id: r.id for r in s.scalars(select(
                CriterionResultRecord).where(CriterionResultRecord.score_id == score.id))}
        users = {
            "admin": ("admin", None), "sup": ("supervisor", None), "sup2": ("supervisor", None),
            "trainer": ("trainer", None), "agent1": ("agent", "A-1"), "agent2": ("agent", "A-2"),
        }
        for username, (role, agent_ext) in users.items():
            user = User(username=username, full_name=username.title(), role=role,
                        agent=agents[agent_ext] if agent_ext else None,
                        password_hash=password_hash(), active=True)
            s.add(user)
            s.flush()
            world.users[username] = user.id
            world.tokens[username] = issue_token(s, user, 60)[0]
        for name in ("a1_flagged", "a2_flagged"):
            clip = Clip(call_id=world.calls[name], start=2.0, end=9.0, tag="legal",
                        note=f"lawyer mention {name}", criterion_id="empathy",
                        created_by=world.users["trainer"])
            s.add(clip)
            s.flush()
            world.clips[name] = clip.id
        dispute = Dispute(score_id=world.scores["a2_flagged"], call_id=world.calls["a2_flagged"],
                          agent_user_id=world.users["agent2"], reason="the greeting was fine",
                          status="open", old_score=0.0, criteria=[DisputedCriterion(
                              criterion_result_id=world.results["a2_flagged"]["greeting"])])
        review = Review(call_id=world.calls["a2_flagged"], score_id=world.scores["a2_flagged"],
                        reviewer_id=world.users["sup2"], status="open")
        s.add_all([dispute, review])
        s.flush()
        world.disputes["a2_flagged"], world.reviews["a2_flagged"] = dispute.id, review.id
        for name, agent in (("a1_flagged", "A-1"), ("a2_flagged", "A-2")):  # no call: erasure
            task = CoachingTask(agent_id=agents[agent].id, criterion_id="empathy",  # keeps it
                                note=f"work on empathy {agent}", created_by=world.users["sup"])
            s.add(task)
            s.flush()
            world.coaching[name] = task.id
    return world


@dataclass
class Api:
    client: TestClient
    world: World
    settings: Any

    def request(self, method: str, path: str, user: str | None = None,
                headers: dict[str, str] | None = None, **kw: Any) -> Any:
        headers = {**(self.world.auth(user) if user else {}), **(headers or {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, user: str | None = None, **kw: Any) -> Any:
        return self.request("GET", path, user, **kw)

    def post(self, path: str, user: str | None = None, **kw: Any) -> Any:
        return self.request("POST", path, user, **kw)

    def put(self, path: str, user: str | None = None, **kw: Any) -> Any:
        return self.request("PUT", path, user, **kw)

    def patch(self, path: str, user: str | None = None, **kw: Any) -> Any:
        return self.request("PATCH", path, user, **kw)

    def delete(self, path: str, user: str | None = None, **kw: Any) -> Any:
        return self.request("DELETE", path, user, **kw)

    def audit(self, action: str) -> list[dict[str, Any]]:
        entries = self.get("/api/v1/audit", "admin", params={"action": action}).json()
        return list(entries["data"])


@pytest.fixture
def db_url(callqa_home: Path) -> str:
    return f"sqlite:///{callqa_home / 'callqa.db'}"


@pytest.fixture
def api(db_url: str, callqa_home: Path) -> Iterator[Api]:
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(db_url, callqa_home / "recordings")
    settings = Settings(home=callqa_home, database_url=db_url, keep_original_text=True)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)
