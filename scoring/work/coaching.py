"""Coaching: a supervisor, trainer or admin gives an agent a call, a clip or a criterion to
work on, with a note and a due date; the agent sees it, marks it done (with a note of
their own), and it shows on their score trend. Every step is audited in the same
transaction as the change.

Who sees a task:

- an agent: the tasks given to them, nobody else's;
- a supervisor or trainer under team scoping: the tasks of their teams' agents whose call
  (if the task has one) is in their sight too; unscoped users and admins: every task.

A task's call or clip may be an example from another agent's call (a trainer's model
answer). The assigned agent may then read it through the task only: :func:`example_lines`
gives its redacted transcript; the call itself stays out of the agent's sight everywhere
else. Out of sight answers as a missing task does (:class:`NotFound`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.coaching_records import CoachingStatus, CoachingTask
from pipeline.db.models import Agent, Call, UtteranceRecord
from pipeline.db.scores import current_score
from pipeline.errors import Conflict, Forbidden, Invalid, NotFound
from pipeline.settings import Settings
from scoring.in_force import rubrics_in_force
from scoring.work.access import count_rows, require_role, scope_of, visible_call
from scoring.work.clips import clip_lines, visible_clip

__all__ = ["ASSIGNERS", "assign", "complete", "criterion_titles", "delete_task",
           "example_lines", "list_tasks", "overdue", "task_title", "update_task",
           "visible_task"]

ASSIGNERS = (Role.ADMIN, Role.SUPERVISOR, Role.TRAINER)


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(UTC).date()


def overdue(task: CoachingTask, today: date | None = None) -> bool:
    """Open, and its due date has passed (``today``: UTC's, unless given)."""
    return (task.status == CoachingStatus.OPEN and task.due_on is not None
            and task.due_on < _today(today))


def criterion_titles(settings: Settings, language: str) -> dict[str, str]:
    """Every criterion of the rubrics in force: id -> its title in ``language`` (else
    the rubric's own title). Of two rubrics with one id, one titled in ``language``
    wins."""
    titles: dict[str, str] = {}
    exact: set[str] = set()
    for rubric in rubrics_in_force(settings):
        for _, criterion in rubric.criteria():
            has = any(lang == language for lang, _ in criterion.titles)
            if criterion.id not in titles or (has and criterion.id not in exact):
                titles[criterion.id] = criterion.title_in(language)
                if has:
                    exact.add(criterion.id)
    return titles


def task_title(task: CoachingTask, titles: dict[str, str]) -> str:
    """What the task is about in a few words: the criterion's title, else the clip's tag,
    else the note's first line (cut at 60 characters)."""
    if task.criterion_id:
        return titles.get(task.criterion_id, task.criterion_id)
    if task.clip is not None:
        return task.clip.tag
    first = task.note.strip().splitlines()[0] if task.note.strip() else ""
    return first if len(first) <= 60 else first[:59] + "…"


def _query() -> Select[CoachingTask]:
    return select(CoachingTask).options(
        selectinload(CoachingTask.agent).selectinload(Agent.team),
        selectinload(CoachingTask.creator), selectinload(CoachingTask.clip),
        selectinload(CoachingTask.call))


def _in_sight(user: User | None, query: Select[CoachingTask]) -> Select[CoachingTask]:
    if user is None:  # the operator on the server (the CLI): every task
        return query
    scope = scope_of(user)
    if scope.everything:
        return query
    query = (query.join(Agent, Agent.id == CoachingTask.agent_id)
             .where(*scope.where(CoachingTask.agent_id, Agent.team_id)))
    if user.role != Role.AGENT:  # staff: the task's call must be theirs to see as well
        query = (query.outerjoin(Call, Call.id == CoachingTask.call_id)
                 .where(or_(CoachingTask.call_id.is_(None), and_(*scope.where()))))
    return query


def visible_task(session: Session, user: User, task_id: int) -> CoachingTask:
    """The task if ``user`` may see it; :class:`NotFound` otherwise, as for a missing one."""
    task = session.scalar(_in_sight(user, _query()).where(CoachingTask.id == task_id))
    if task is None:
        raise NotFound(f"no coaching task {task_id}")
    return task


def _agent(session: Session, user: User, agent_id: int | None, agent: str | None,
           call: Call | None) -> Agent:
    if agent_id is not None:
        found = session.get(Agent, agent_id)
        what = f"agent {agent_id}"
    elif agent:
        found = session.scalar(select(Agent).where(Agent.external_id == agent))
        what = f"agent {agent!r}"
    elif call is not None and call.agent_id is not None:
        found, what = session.get(Agent, call.agent_id), f"agent of call {call.id}"
    else:
        raise Invalid("say which agent the coaching is for (agent_id or agent)")
    if found is None or not scope_of(user).sees(found.id, found.team_id):
        raise NotFound(f"no {what}: pick an agent of your teams")
    return found


def _check_criterion(session: Session, settings: Settings, criterion_id: str,
                     call: Call | None) -> None:
    if criterion_id in criterion_titles(settings, "en"):
        return
    if call is not None:  # a criterion of the call's own scorecard, in force or not
        score = current_score(session, call.id)
        if score is not None and any(r.criterion_id == criterion_id for r in score.results):
            return
    raise Invalid(f"no criterion {criterion_id!r} in the rubrics in force: pick one of "
                  "the call's scorecard or see callqa rubric list")


def _check_due(due_on: date | None, today: date | None) -> None:
    if due_on is not None and due_on < _today(today):
        raise Invalid(f"the due date {due_on.isoformat()} has passed: pick today or a "
                      "later day")


def _clean_note(note: str) -> str:
    text = note.strip()
    if not text:
        raise Invalid("write a note saying what to work on")
    return text


def assign(session: Session, user: User, settings: Settings, *, note: str,
           agent_id: int | None = None, agent: str | None = None,
           call_id: str | None = None, clip_id: int | None = None,
           criterion_id: str | None = None, due_on: date | None = None,
           today: date | None = None) -> CoachingTask:
    """Give an agent (by id, by external id, or the call's or clip's agent) a call, a clip
    or a criterion to work on, with a note and an optional due date (not in the past)."""
    require_role(user, *ASSIGNERS)
    if call_id is None and clip_id is None and not criterion_id:
        raise Invalid("say what to work on: a call, a clip or a criterion")
    call = visible_call(session, user, call_id) if call_id is not None else None
    if clip_id is not None:
        clip = visible_clip(session, user, clip_id)
        if call is not None and clip.call_id != call.id:
            raise Invalid(f"clip {clip_id} is not of call {call.id}: give one or the other")
        call = call or visible_call(session, user, clip.call_id)
    target = _agent(session, user, agent_id, agent, call)
    if criterion_id:
        _check_criterion(session, settings, criterion_id, call)
    _check_due(due_on, today)
    task = CoachingTask(agent_id=target.id, call_id=call.id if call else None,
                        clip_id=clip_id, criterion_id=criterion_id or None,
                        note=_clean_note(note), due_on=due_on, status=CoachingStatus.OPEN,
                        created_by=user.id, created_at=datetime.now(UTC))
    session.add(task)
    session.flush()
    audit(session, user, "coaching.assign", "coaching", task.id, agent_id=target.id,
          call_id=task.call_id, clip_id=clip_id, criterion_id=task.criterion_id,
          due_on=due_on.isoformat() if due_on else None)
    session.commit()
    return visible_task(session, user, task.id)


def list_tasks(session: Session, user: User | None, *, status: str | None = None,
               agent_id: int | None = None, overdue_only: bool = False,
               today: date | None = None, skip: int = 0,
               limit: int = 50) -> tuple[Sequence[CoachingTask], int]:
    """A page of the tasks ``user`` may see (None: every task, for the CLI on the
    server): open ones first (the soonest due first, no
    due date last), then done ones (latest first); and how many there are."""
    query = _in_sight(user, _query())
    if status is not None:
        query = query.where(CoachingTask.status == status)
    if agent_id is not None:
        query = query.where(CoachingTask.agent_id == agent_id)
    if overdue_only:
        query = query.where(CoachingTask.status == CoachingStatus.OPEN,
                            CoachingTask.due_on < _today(today))
    count = count_rows(session, query)
    is_open = case((CoachingTask.status == CoachingStatus.OPEN, 0), else_=1)
    rows = session.scalars(query.order_by(
        is_open, CoachingTask.due_on.is_(None), CoachingTask.due_on,
        CoachingTask.done_at.desc(), CoachingTask.id.desc()).offset(skip).limit(limit)).all()
    return rows, count


def _assigners_own(user: User, task: CoachingTask) -> None:
    if task.created_by != user.id and user.role != Role.ADMIN:
        raise Forbidden(f"coaching task {task.id} was given by {task.creator.username}; "
                        "ask them or an admin")


def complete(session: Session, user: User, task_id: int,
             done_note: str | None = None) -> CoachingTask:
    """The agent the task is for marks it done, with an optional note."""
    task = visible_task(session, user, task_id)
    if user.role != Role.AGENT or user.agent_id != task.agent_id:
        raise Forbidden(f"only the agent coaching task {task_id} is for can mark it done")
    if task.status == CoachingStatus.DONE:
        raise Conflict(f"coaching task {task_id} is done already")
    task.status, task.done_at = CoachingStatus.DONE, datetime.now(UTC)
    task.done_note = (done_note or "").strip() or None
    audit(session, user, "coaching.done", "coaching", task.id, agent_id=task.agent_id,
          done_note=task.done_note)
    session.commit()
    return task


def update_task(session: Session, user: User, task_id: int, *, note: str | None = None,
                due_on: date | None = None, clear_due: bool = False, reopen: bool = False,
                today: date | None = None) -> CoachingTask:
    """Change a task's note or due date, or reopen a done one: its assigner or an admin."""
    require_role(user, *ASSIGNERS)
    task = visible_task(session, user, task_id)
    _assigners_own(user, task)
    changed: dict[str, object] = {}
    if reopen:
        if task.status == CoachingStatus.OPEN:
            raise Conflict(f"coaching task {task_id} is open already")
        changed.update(status=CoachingStatus.OPEN, done_note=task.done_note)
        task.status, task.done_at, task.done_note = CoachingStatus.OPEN, None, None
    if note is not None:
        task.note = changed["note"] = _clean_note(note)
    if clear_due:
        task.due_on, changed["due_on"] = None, None
    elif due_on is not None and due_on != task.due_on:
        _check_due(due_on, today)
        task.due_on, changed["due_on"] = due_on, due_on.isoformat()
    if not changed:
        raise Invalid("nothing to change: send note, due_on or status")
    audit(session, user, "coaching.reopen" if reopen else "coaching.update", "coaching",
          task.id, agent_id=task.agent_id, **changed)
    session.commit()
    return task


def delete_task(session: Session, user: User, task_id: int) -> None:
    """Remove a task: its assigner or an admin."""
    require_role(user, *ASSIGNERS)
    task = visible_task(session, user, task_id)
    _assigners_own(user, task)
    audit(session, user, "coaching.delete", "coaching", task.id, agent_id=task.agent_id,
          call_id=task.call_id, status=task.status)
    session.delete(task)
    session.commit()


def example_lines(session: Session, task: CoachingTask) -> Sequence[UtteranceRecord]:
    """The transcript the task points at (show ``redacted_text``): the clip's lines, else
    the call's; none for a criterion alone."""
    if task.clip is not None:
        return clip_lines(session, task.clip)
    if task.call_id is None:
        return ()
    return session.scalars(select(UtteranceRecord).where(
        UtteranceRecord.call_id == task.call_id).order_by(UtteranceRecord.idx)).all()
