"""Rubric versions an admin manages: check an uploaded rubric, store it, list the stored and
shipped versions, and activate one version of a name (the others of that name go off).

An active stored version scores new calls instead of the shipped rubric of its name
(:mod:`scoring.in_force` reads the flag). A rubric is parsed before it is stored and again
before it is activated, so a bad one never scores: :class:`~pipeline.errors.RubricError`
names the line and the criterion. Every change is audited and committed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.models import RubricRecord
from pipeline.db.scores import upsert_rubric
from pipeline.errors import NotFound
from scoring.rubric import Rubric, builtin_rubrics, parse_rubric

__all__ = ["UPLOAD", "RubricVersion", "activate", "audit_rescore", "check", "list_versions",
           "store", "stored", "version_of"]

UPLOAD = "<uploaded rubric>"  # the "file" a RubricError names for YAML sent in a request


@dataclass(frozen=True)
class RubricVersion:
    """A rubric version as the admin sees it; ``id`` is None for a shipped rubric that was
    never stored. ``active``: it scores new calls of its name."""

    id: int | None
    name: str
    version: str
    language: str | None
    hash: str
    shipped: bool
    active: bool
    path: str | None = None
    created_at: datetime | None = None


def check(text: str) -> Rubric:
    """The uploaded rubric, or a RubricError naming the line and the criterion."""
    return parse_rubric(text, source=UPLOAD)


def stored(session: Session, rubric_id: int) -> RubricRecord:
    """The stored version; :class:`NotFound` if there is none with this id."""
    record = session.get(RubricRecord, rubric_id)
    if record is None:
        raise NotFound(f"no rubric {rubric_id}")
    return record


def version_of(record: RubricRecord) -> RubricVersion:
    """A stored version as it stands, by its own ``active`` flag."""
    shipped = any(r.hash == record.hash for r in builtin_rubrics())
    return RubricVersion(id=record.id, name=record.name, version=record.version,
                         language=record.language, hash=record.hash, shipped=shipped,
                         active=record.active, path=record.path, created_at=record.created_at)


def list_versions(session: Session) -> list[RubricVersion]:
    """Every stored version and every shipped rubric not stored yet, by name (a shipped
    one first, then stored ones by id). A shipped rubric is active while no stored
    version of its name is."""
    records = session.scalars(select(RubricRecord).order_by(RubricRecord.name,
                                                            RubricRecord.id)).all()
    shipped = {r.hash: r for r in builtin_rubrics()}
    replaced = {r.name for r in records if r.active}  # names an active stored version takes
    versions = [
        RubricVersion(id=r.id, name=r.name, version=r.version, language=r.language,
                      hash=r.hash, shipped=r.hash in shipped,
                      active=r.active or (r.hash in shipped and r.name not in replaced),
                      path=r.path, created_at=r.created_at)
        for r in records
    ]
    kept = {r.hash for r in records}
    versions += [
        RubricVersion(id=None, name=r.name, version=r.version, language=r.language,
                      hash=r.hash, shipped=True, active=r.name not in replaced, path=r.source)
        for r in shipped.values() if r.hash not in kept
    ]
    versions.sort(key=lambda v: (v.name, v.id is not None, v.id or 0))
    return versions


def store(session: Session, admin: User, text: str) -> RubricVersion:
    """Store an uploaded rubric (checked first); the same text again is the same stored
    version. Audited as ``rubric.upload`` each time; not activated."""
    rubric = check(text)
    record = upsert_rubric(session, name=rubric.name, version=rubric.version,
                           language=rubric.language, hash=rubric.hash, source=rubric.text,
                           path=None)
    audit(session, admin, "rubric.upload", "rubric", record.id, name=rubric.name,
          version=rubric.version, hash=rubric.hash)
    session.commit()
    return version_of(record)


def activate(session: Session, admin: User, rubric_id: int) -> RubricVersion:
    """Make this version the one that scores new calls of its name; every other version
    of that name goes off (the audit entry lists them as ``deactivated``)."""
    record = stored(session, rubric_id)
    parse_rubric(record.source, source=f"stored rubric #{record.id}")  # never activate a bad one
    previous = session.scalars(select(RubricRecord.id).where(
        RubricRecord.name == record.name, RubricRecord.active, RubricRecord.id != record.id
    )).all()
    session.execute(update(RubricRecord).where(RubricRecord.name == record.name)
                    .values(active=False))
    session.execute(update(RubricRecord).where(RubricRecord.id == record.id).values(active=True))
    audit(session, admin, "rubric.activate", "rubric", record.id, name=record.name,
          version=record.version, deactivated=list(previous))
    session.commit()
    session.refresh(record)
    return version_of(record)


def audit_rescore(session: Session, admin: User, record: RubricRecord, *, scored: int,
                  unscored: int, kept_human: int, override_human: bool) -> None:
    """Record that the stored calls were scored again with this version, and how it went."""
    audit(session, admin, "rubric.rescore", "rubric", record.id, name=record.name,
          version=record.version, scored=scored, unscored=unscored, kept_human=kept_human,
          override_human=override_human)
    session.commit()
