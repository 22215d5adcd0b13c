"""API latency at scale (goal: p95 < 200 ms): N synthetic calls in SQLite and PostgreSQL,
then the review queue, call page, transcript search, dashboard summary and an agent's trend,
timed in-process with FastAPI's TestClient (the app and the database, not the network)."""

from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

GOAL_MS = 200.0
PG_SERVER = os.environ.get("CALLQA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def measure(url: str, home: Path, n_calls: int, requests: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from benchmarks.seed_calls import seed
    from pipeline.settings import Settings

    t0 = time.perf_counter()
    world = seed(url, n_calls)
    seed_s = time.perf_counter() - t0
    rng = random.Random(11)
    sup = {"Authorization": f"Bearer {world.tokens['sup']}"}
    agent = {"Authorization": f"Bearer {world.tokens['agent1']}"}
    cases: list[tuple[str, Any]] = [
        ("review queue, first page", lambda: ("/api/v1/review-queue", {}, sup)),
        ("review queue, team+flag+score", lambda: ("/api/v1/review-queue", {
            "team": rng.choice(("Billing", "Sales", "Support")),
            "flag": rng.choice(("legal_threat", "cancellation", "low_score")),
            "score_min": 40, "score_max": 90}, sup)),
        ("call page GET /calls/{id}", lambda: (
            f"/api/v1/calls/{rng.choice(world.call_ids)}", {}, sup)),
        ("transcript search ?q=word", lambda: (
            "/api/v1/calls", {"q": rng.choice(world.words)}, sup)),
        ("dashboard week x team, 90 d", lambda: (
            "/api/v1/dashboards/summary", {"period": "week", "group_by": "team"}, sup)),
        ("agent /me/trend", lambda: ("/api/v1/me/trend", {"period": "week"}, agent)),
    ]
    rows = []
    settings = Settings(home=home, database_url=url)
    with TestClient(create_app(settings)) as client:
        for name, make in cases:
            path, params, headers = make()
            for _ in range(3):  # warm-up: caches, prepared plans, connection pool
                r = client.get(path, params=params, headers=headers)
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
            times = []
            for _ in range(requests):
                path, params, headers = make()
                t = time.perf_counter()
                r = client.get(path, params=params, headers=headers)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
            rows.append({"endpoint": name, "p50": statistics.median(times),
                         "p95": _pct(times, 0.95), "ok": _pct(times, 0.95) < GOAL_MS})
    return {"seed_s": seed_s, "rows": rows}


def _postgres_db() -> tuple[str, Any]:
    import psycopg

    name = f"callqa_bench_{os.getpid()}"
    admin = PG_SERVER.replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from pipeline.db.session import get_engine

        get_engine(f"{PG_SERVER}/{name}").dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{PG_SERVER}/{name}", drop


def run(tmp: Path, n_calls: int, requests: int, databases: tuple[str, ...] = ("sqlite", "postgres"),
        ) -> list[dict[str, Any]]:
    results = []
    for db in databases:
        home = tmp / f"api-{db}"
        if db == "sqlite":
            url, drop = f"sqlite:///{home / 'callqa.db'}", None
        else:
            try:
                url, drop = _postgres_db()
            except Exception as exc:  # no server: say so, measure the rest
                results.append({"db": db, "error": f"{type(exc).__name__}: {exc}"})
                continue
        try:
            results.append({"db": db, **measure(url, home, n_calls, requests)})
        finally:
            if drop is not None:
                drop()
    return results


def report(results: list[dict[str, Any]], n_calls: int, requests: int) -> None:
    print(f"\n== API latency (issue: p95 < {GOAL_MS:.0f} ms) at {n_calls:,} calls, "
          f"{requests} requests each, in-process TestClient")
    for res in results:
        if "error" in res:
            print(f"\n-- {res['db']}: skipped ({res['error']})")
            continue
        print(f"\n-- {res['db']}: seeded in {res['seed_s']:.1f} s")
        print(f"{'endpoint':34} {'p50 ms':>8} {'p95 ms':>8}  p95<200")
        for row in res["rows"]:
            print(f"{row['endpoint']:34} {row['p50']:8.1f} {row['p95']:8.1f}  "
                  f"{'yes' if row['ok'] else 'NO'}")
