"""Fill a database with N synthetic, fully processed calls, fast (SQLAlchemy Core bulk inserts).

3 teams, 30 agents, calls spread over the last 90 days with queue/direction/language, call
metrics, ~12 redacted utterances each (a small vocabulary, so transcript search has hits),
one current scorecard with 10 criterion results, 0-3 flags on about 20% of the calls, one
rubric record, and users: ``admin``, ``sup`` (supervisor) and ``agent1`` (tied to agent A-01).
Returns the call ids and a bearer token per user.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BATCH = 5000
TEAMS = ("Billing", "Sales", "Support")
QUEUES = ("billing", "sales", "support", "retention", "tech")
LANGUAGES = ("en", "en", "en", "tr", "de")
AGENT_LINES = (
    "thank you for calling my name is sarah how can i help",
    "i understand your concern let me check the account",
    "could you please confirm your date of birth",
    "i have updated the billing address on file",
    "is there anything else i can help you with today",
    "let me transfer you to the retention team",
    "your refund will arrive within five working days",
    "i apologise for the inconvenience caused",
)
CUSTOMER_LINES = (
    "my card is [CARD] and the payment failed again",
    "i want to cancel my subscription",
    "this is the third time i call about the invoice",
    "i will talk to my lawyer about this",
    "the internet connection drops every evening",
    "thanks that was really helpful",
    "my postcode is [POSTCODE]",
    "why was i charged twice this month",
)
CRITERIA = (  # criterion id, section, max points
    ("greeting", "opening", 10), ("recording_disclosure", "opening", 10),
    ("identity_verification", "verification", 15), ("needs_discovery", "discovery", 10),
    ("empathy", "conduct", 10), ("hold_etiquette", "conduct", 5),
    ("accuracy", "resolution", 15), ("resolution", "resolution", 15),
    ("recap", "closing", 5), ("closing", "closing", 5),
)
FLAGS = (("legal_threat", "critical", 90.0), ("cancellation", "high", 60.0),
         ("low_score", "high", 50.0), ("negative_end", "medium", 30.0),
         ("long_silence", "low", 10.0))
PASSWORD = "benchmark password"


@dataclass
class Seeded:
    url: str
    call_ids: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ("lawyer", "refund", "invoice", "cancel", "retention")


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(url: str, n_calls: int, *, seed_value: int = 7, days: int = 90) -> Seeded:
    from sqlalchemy import insert, text

    from pipeline.db.accounts import User
    from pipeline.db.dashboards import customer_end
    from pipeline.db.models import (
        Agent,
        Call,
        CallMetricsRecord,
        CriterionResultRecord,
        FlagRecord,
        RubricRecord,
        ScoreRecord,
        Team,
        UtteranceRecord,
    )
    from pipeline.db.rollups import rebuild as rebuild_rollups
    from pipeline.db.session import get_engine, session_scope, upgrade
    from pipeline.db.text_index import search_key
    from scoring.work.credentials import hash_password, issue_token

    rng = random.Random(seed_value)
    upgrade(url)
    engine = get_engine(url)
    out = Seeded(url=url)
    now = datetime.now(UTC).replace(microsecond=0)
    start0 = now - timedelta(days=days)
    span = days * 86400

    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": i + 1, "name": n} for i, n in enumerate(TEAMS)])
        conn.execute(insert(Agent), [
            {"id": i + 1, "external_id": f"A-{i + 1:02d}", "name": f"Agent {i + 1}",
             "team_id": i % len(TEAMS) + 1} for i in range(30)])
        conn.execute(insert(RubricRecord), [{
            "id": 1, "name": "inbound_service_en", "version": "1.0", "language": "en",
            "hash": "bench", "source": "name: inbound_service_en\n", "created_at": now,
            "active": True}])

    def calls() -> Iterator[tuple[Any, ...]]:
        for i in range(n_calls):
            cid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            agent = rng.randrange(30) + 1
            team = (agent - 1) % len(TEAMS) + 1
            started = start0 + timedelta(seconds=rng.randrange(span))
            duration = round(rng.uniform(60, 900), 1)
            call = {
                "id": cid, "content_hash": f"{i:064x}", "source_key": f"bench/{i}.wav",
                "store_url": "/tmp/none", "status": "done", "attempts": 1,
                "agent_id": agent, "team_id": team, "queue": rng.choice(QUEUES),
                "direction": rng.choice(("inbound", "inbound", "outbound")),
                "started_at": started, "customer_ref": f"C{rng.randrange(50000)}",
                "call_metadata": {}, "language": rng.choice(LANGUAGES),
                "language_probability": 0.98, "duration": duration, "channels": 2,
                "diarization": "stereo", "asr_model": "tiny.en", "notes": [],
                "created_at": started + timedelta(seconds=duration + 60),
                "processed_at": started + timedelta(seconds=duration + 90),
                "processing_seconds": round(duration / 10, 1),
            }
            talk_a, talk_c = duration * 0.45, duration * 0.35
            metrics = {
                "call_id": cid, "duration": duration, "talk_agent": talk_a,
                "talk_customer": talk_c, "talk_ratio_agent": round(talk_a / (talk_a + talk_c), 4),
                "silence": duration * 0.2, "silence_pct": 20.0 + rng.uniform(-10, 10),
                "longest_silence": rng.uniform(2, 40), "overtalk": rng.uniform(0, 10),
                "interruptions_agent": rng.randrange(4), "interruptions_customer": rng.randrange(6),
                "wpm_agent": rng.uniform(110, 170), "wpm_customer": rng.uniform(90, 160),
                "hold_gaps": rng.randrange(3), "utterances": 12,
            }
            utts = []
            t = 0.0
            for idx in range(12):
                agent_turn = idx % 2 == 0
                line = rng.choice(AGENT_LINES if agent_turn else CUSTOMER_LINES)
                label = rng.choice(("positive", "neutral", "negative"))
                utts.append({
                    "call_id": cid, "idx": idx, "speaker": "agent" if agent_turn else "customer",
                    "role": "agent" if agent_turn else "customer",
                    "channel": 0 if agent_turn else 1,
                    "start": t, "end": t + 4.0, "text": None, "redacted_text": line,
                    "search_text": search_key(line), "words": [],
                    "sentiment": {"positive": 0.5, "neutral": 0.0, "negative": -0.5}[label],
                    "sentiment_label": label,
                })
                t += 5.0
            yield call, metrics, tuple(utts)

    score_id = result_id = flag_id = 0
    for batch in _batches(({"c": c} for c in calls()), BATCH):
        call_rows, metric_rows, utt_rows = [], [], []
        score_rows, result_rows, flag_rows = [], [], []
        for item in batch:
            call, metrics, utts = item["c"]
            call_rows.append(call)
            metric_rows.append(metrics)
            utt_rows.extend(utts)
            out.call_ids.append(call["id"])
            score_id += 1
            points = 0.0
            for crit, section, maximum in CRITERIA:
                verdict = rng.choices(("pass", "fail", "na"), (0.75, 0.2, 0.05))[0]
                pts = maximum if verdict == "pass" else 0
                points += pts if verdict != "na" else 0
                result_id += 1
                result_rows.append({
                    "id": result_id, "score_id": score_id, "criterion_id": crit,
                    "section_id": section, "type": "phrase", "verdict": verdict,
                    "points": pts, "max_points": 0 if verdict == "na" else maximum,
                    "confidence": 0.9, "auto_fail": False, "explanation": f"{crit}: {verdict}",
                    "evidence": [{"start": 1.0, "end": 3.0, "utterance_indexes": [0]}],
                })
            flags = rng.sample(FLAGS, rng.randint(1, 3)) if rng.random() < 0.2 else []
            for code, severity, priority in flags:
                flag_id += 1
                flag_rows.append({
                    "id": flag_id, "score_id": score_id, "call_id": call["id"], "code": code,
                    "severity": severity, "priority": priority + rng.uniform(0, 5),
                    "reason": f"{code} found", "evidence": [{"start": 4.0, "end": 6.0}]})
            sentiment = [{"role": "customer", "start": 0.0, "end": round(rng.uniform(-1, 1), 3)}]
            score_rows.append({
                "id": score_id, "call_id": call["id"], "rubric_id": 1, "current": True,
                "total": round(points, 1), "auto_failed": rng.random() < 0.03,
                "priority": max((f["priority"] for f in flag_rows[-len(flags):]), default=0.0)
                if flags else 0.0,
                "sections": [], "notes": [], "created_at": call["processed_at"],
                "sentiment": sentiment,
                # what save_scorecard stores beside the card (the queue and dashboards read it)
                "flagged": bool(flags), "customer_end": customer_end(sentiment),
            })
        with engine.begin() as conn:
            conn.execute(insert(Call), call_rows)
            conn.execute(insert(CallMetricsRecord), metric_rows)
            conn.execute(insert(UtteranceRecord), utt_rows)
            conn.execute(insert(ScoreRecord), score_rows)
            conn.execute(insert(CriterionResultRecord), result_rows)
            if flag_rows:
                conn.execute(insert(FlagRecord), flag_rows)

    with session_scope(url) as s:  # the dashboards' daily sums, by the query writes use
        rebuild_rollups(s)

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("teams", "agents", "rubrics", "scores", "criterion_results", "flags"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))

    digest = hash_password(PASSWORD)
    with session_scope(url) as s:
        for username, role, agent_id in (("admin", "admin", None), ("sup", "supervisor", None),
                                         ("agent1", "agent", 1)):
            user = User(username=username, full_name=username.title(), role=role,
                        agent_id=agent_id, password_hash=digest, active=True)
            s.add(user)
            s.flush()
            out.tokens[username] = issue_token(s, user, 24 * 60)[0]
    return out
