"""The rubrics in force: which rubrics a call may be scored with, and where each came from.

One rule, so scoring (a first score and a rescore), the ASR prompt guard and
``callqa rubric list`` never disagree:

1. ``CALLQA_RUBRIC`` set: that one file (or shipped name) for every call, nothing else;
2. otherwise the ``CALLQA_RUBRICS_DIR`` folder's ``*.yaml``/``*.yml`` files, or, with no
   folder set, the shipped rubrics (``scoring/rubrics/``);
3. with the stored rubric versions an admin made active
   (``POST /api/v1/admin/rubrics/{id}/activate``) laid over them: an active version takes
   the place of the rubric of the same name, and one with a new name joins them.

A plain library function over the settings and the database (no Prefect, no FastAPI), so a
notebook sees the same rubrics a worker does.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pipeline.db.models import RubricRecord
from pipeline.db.session import session_scope
from pipeline.errors import DatabaseError, RubricError
from pipeline.settings import Settings
from scoring.rubric import builtin_rubrics, load_rubric, parse_rubric
from scoring.rubric_types import Rubric

__all__ = ["InForce", "active_rubrics", "in_force", "parsed", "rubrics_in_force", "stored_rubric"]

log = logging.getLogger(__name__)

SETTING = "CALLQA_RUBRIC"
SHIPPED = "shipped"


@dataclass(frozen=True)
class InForce:
    """A rubric in force and where it came from: ``"CALLQA_RUBRIC"``, ``"folder <path>"``,
    ``"shipped"`` or ``"stored #<id> (activated)"``."""

    rubric: Rubric
    origin: str


def rubrics_in_force(settings: Settings) -> tuple[Rubric, ...]:
    """The rubrics a call may be scored with (see the module's docstring for the rule)."""
    return tuple(f.rubric for f in in_force(settings))


def in_force(settings: Settings) -> tuple[InForce, ...]:
    """The rubrics in force, each with its origin, in the order scoring considers them:
    the folder's or shipped ones not replaced, then the activated stored versions by name."""
    if settings.rubric:
        return (InForce(load_rubric(settings.rubric), SETTING),)
    if settings.rubrics_dir:
        folder = str(settings.rubrics_dir)
        base = tuple(InForce(r, f"folder {folder}") for r in _folder_rubrics(folder))
    else:
        base = tuple(InForce(r, SHIPPED) for r in builtin_rubrics())
    active = active_rubrics(settings.resolved_database_url)
    if not active:
        return base
    names = {f.rubric.name for f in active}
    return tuple(f for f in base if f.rubric.name not in names) + active


def active_rubrics(url: str) -> tuple[InForce, ...]:
    """The stored rubric versions marked active, parsed from their stored YAML (by name).

    A database that cannot be read (not migrated yet, say) has none: the warning is logged
    and the folder's or shipped rubrics stay in force.
    """
    try:
        with session_scope(url) as session:
            rows = session.execute(
                select(RubricRecord.id, RubricRecord.hash, RubricRecord.source)
                .where(RubricRecord.active).order_by(RubricRecord.name)
            ).all()
    except (SQLAlchemyError, DatabaseError) as exc:  # session_scope says DatabaseUnavailable
        log.warning("active rubrics not read: %s", type(exc).__name__)
        return ()
    return tuple(InForce(_stored_rubric(row.id, row.hash, row.source),
                         f"stored #{row.id} (activated)") for row in rows)


def stored_rubric(session: Session, record_id: int) -> Rubric:
    """The stored rubric version ``record_id``, parsed from its stored YAML (never a file).

    Raises a :class:`~pipeline.errors.RubricError` when there is no such version, or when
    its YAML is not a valid rubric (naming the line and the criterion).
    """
    row = session.execute(
        select(RubricRecord.id, RubricRecord.hash, RubricRecord.source)
        .where(RubricRecord.id == record_id)
    ).one_or_none()
    if row is None:
        raise RubricError(f"no stored rubric #{record_id}",
                          hint="List the stored versions with GET /api/v1/admin/rubrics.")
    return _stored_rubric(row.id, row.hash, row.source)


def parsed(record: RubricRecord) -> Rubric:
    """A stored rubric version already read, parsed from its YAML (cached like the rest)."""
    return _stored_rubric(record.id, record.hash, record.source)


@functools.lru_cache(maxsize=64)
def _stored_rubric(record_id: int, hash: str, source: str) -> Rubric:
    """Parsed once per process per stored version (the hash keys a changed text apart)."""
    return parse_rubric(source, source=f"stored rubric #{record_id}")


@functools.lru_cache(maxsize=4)
def _folder_rubrics(folder: str) -> tuple[Rubric, ...]:
    paths = sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))
    if not paths:
        raise RubricError(f"no rubric files (*.yaml) in {folder}",
                          hint="Check CALLQA_RUBRICS_DIR.")
    return tuple(load_rubric(p) for p in paths)
