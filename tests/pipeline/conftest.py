"""Fixtures of the pipeline tests: ``db``, a migrated database, once on SQLite and once on
the local PostgreSQL (marked ``postgres``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.db.session import ensure_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, callqa_home: Path) -> str:
    if request.param == "postgres":
        url = str(request.getfixturevalue("postgres_url"))
    else:
        url = f"sqlite:///{callqa_home / 'callqa.db'}"
    ensure_schema(url)
    return url
