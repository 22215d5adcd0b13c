"""Engines and sessions, created on first use (never at import time), and migrations."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.errors import DatabaseError, DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def upsert_insert(session: Session, table: Any) -> Any:
    """``INSERT`` into ``table`` in the session's dialect, so ``on_conflict_do_nothing`` (and
    ``returning``) are available: PostgreSQL's or SQLite's, the two callqa runs on."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise DatabaseError(
        f"the {dialect} database is not supported",
        hint="Use PostgreSQL (or SQLite for one machine) as CALLQA_DATABASE_URL.",
    )


@functools.lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record):  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            # the default 2 MB page cache re-reads 100k-call indexes from the OS per query;
            # 64 MB of cache and memory-mapped reads keep dashboards and queues in memory
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA mmap_size=268435456")
            cur.execute("PRAGMA temp_store=MEMORY")  # GROUP BY / ORDER BY sorts
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@functools.lru_cache(maxsize=4)
def _sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error."""
    session = _sessionmaker(url)()
    try:
        yield session
        session.commit()
    except OperationalError as exc:  # the server went away, the disk is full: a sentence
        session.rollback()
        raise database_failure(url, exc) from exc
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def database_failure(url: str, exc: OperationalError) -> DatabaseUnavailable:
    """The one line a person reads for a database that failed under the work (the
    driver's own first line in brackets, never the SQL statement), and what to do."""
    lines = str(exc.orig or exc).strip().splitlines() or [type(exc).__name__]
    said = lines[0].strip().rstrip(".")
    if any(w in said for w in ("disk is full", "No space left", "could not extend file")):
        return DatabaseUnavailable(
            f"database {_safe(url)} cannot be written: its disk is full ({said})",
            hint="Free space on the database's disk; waiting recordings are processed "
                 "again once there is room.")
    return DatabaseUnavailable(
        f"database {_safe(url)} failed under the work ({said})",
        hint="Check that the database server is running and reachable; the recording "
             "is tried again.")


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (``callqa db upgrade``), then, where the
    upgrade reached head from before the last change to what rollups hold, rebuild them
    from the calls (derived data: never rebuilt at an older revision's schema)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from pipeline.db import rollups

    cfg = alembic_config(url)
    try:
        before = current_revision(url)
        command.upgrade(cfg, revision)
        at_head = current_revision(url) == ScriptDirectory.from_config(cfg).get_current_head()
        if at_head and (before or "") < rollups.CHANGED_AT:
            with session_scope(url) as session:
                rollups.rebuild(session)
    except Exception as exc:
        raise DatabaseError(
            f"cannot migrate database {_safe(url)} ({type(exc).__name__}: {exc})",
            hint="Check CALLQA_DATABASE_URL and that the database server is running.",
        ) from exc


@functools.lru_cache(maxsize=4)
def ensure_schema(url: str) -> None:
    """Migrate once per process; cheap when the schema is already current."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    try:
        current = current_revision(url)
    except Exception as exc:
        raise DatabaseError(
            f"cannot connect to database {_safe(url)} ({type(exc).__name__})",
            hint="Check CALLQA_DATABASE_URL and that the database server is running.",
        ) from exc
    if current != head:
        upgrade(url)


def table_names(url: str) -> list[str]:
    return inspect(get_engine(url)).get_table_names()


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
