"""Coaching: supervisors, trainers and admins give an agent a call, a clip or a criterion
to work on, with a note and a due date; the agent sees their own tasks and marks them done.
The rules (who sees and may do what) are :mod:`scoring.work.coaching`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import (
    CurrentUser,
    IdPath,
    IdQuery,
    PageDep,
    ReaderLanguage,
    SessionDep,
    SettingsDep,
    StaffUser,
)
from api.schemas.coaching import (
    CoachingCreate,
    CoachingDetail,
    CoachingDone,
    CoachingPublic,
    CoachingsPublic,
    CoachingUpdate,
    CriterionChoice,
    CriterionChoices,
    ExampleLine,
)
from pipeline.db.coaching_records import CoachingTask
from pipeline.settings import Settings
from scoring.work import coaching

router = APIRouter(prefix="/api/v1/coaching", tags=["coaching"])


def task_public(task: CoachingTask, titles: dict[str, str],
                today: date | None = None) -> CoachingPublic:
    agent = task.agent
    return CoachingPublic(
        id=task.id, agent_id=task.agent_id, agent=agent.external_id, agent_name=agent.name,
        team=agent.team.name if agent.team else None, call_id=task.call_id,
        call_is_agents=task.call is not None and task.call.agent_id == task.agent_id,
        clip_id=task.clip_id, clip_tag=task.clip.tag if task.clip else None,
        criterion_id=task.criterion_id, title=coaching.task_title(task, titles),
        note=task.note, due_on=task.due_on, overdue=coaching.overdue(task, today),
        status=task.status,  # type: ignore[arg-type]  # open or done, by the table's rule
        created_by=task.created_by, created_by_name=task.creator.username,
        created_at=task.created_at, done_at=task.done_at, done_note=task.done_note)


def _detail(session: SessionDep, task: CoachingTask, titles: dict[str, str]) -> CoachingDetail:
    lines = coaching.example_lines(session, task)
    return CoachingDetail(**task_public(task, titles).model_dump(), example=[
        ExampleLine(idx=u.idx, role=u.role, start=u.start, end=u.end, text=u.redacted_text)
        for u in lines])


def _titles(settings: Settings, lang: str) -> dict[str, str]:
    return coaching.criterion_titles(settings, lang)


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Give an agent a call, clip or criterion to work on (staff)")
def create_task(body: CoachingCreate, user: StaffUser, session: SessionDep,
                settings: SettingsDep, lang: ReaderLanguage) -> CoachingDetail:
    task = coaching.assign(
        session, user, settings, note=body.note, agent_id=body.agent_id, agent=body.agent,
        call_id=body.call_id, clip_id=body.clip_id, criterion_id=body.criterion_id,
        due_on=body.due_on)
    return _detail(session, task, _titles(settings, lang))


@router.get("", summary="List coaching tasks (agents: their own), open and soonest due first")
def list_tasks(
    user: CurrentUser, session: SessionDep, settings: SettingsDep, lang: ReaderLanguage,
    page: PageDep,
    status_: Annotated[Literal["open", "done"] | None, Query(alias="status")] = None,
    agent_id: IdQuery = None,
    overdue: Annotated[bool, Query(description="Only open tasks past their due date.")] = False,
) -> CoachingsPublic:
    rows, count = coaching.list_tasks(session, user, status=status_, agent_id=agent_id,
                                      overdue_only=overdue, skip=page.skip, limit=page.limit)
    titles = _titles(settings, lang)
    return CoachingsPublic(data=[task_public(t, titles) for t in rows], count=count)


@router.get("/criteria", summary="The criteria a task may name, titled in your language")
def criteria(user: StaffUser, settings: SettingsDep, lang: ReaderLanguage) -> CriterionChoices:
    titles = _titles(settings, lang)
    return CriterionChoices(data=[CriterionChoice(id=k, title=v) for k, v in
                                  sorted(titles.items(), key=lambda kv: kv[1].casefold())])


@router.get("/{task_id}", summary="One coaching task, with the example's redacted transcript")
def get_task(task_id: IdPath, user: CurrentUser, session: SessionDep, settings: SettingsDep,
             lang: ReaderLanguage) -> CoachingDetail:
    return _detail(session, coaching.visible_task(session, user, task_id),
                   _titles(settings, lang))


@router.patch("/{task_id}",
              summary="Change a task's note or due date, or reopen it (its assigner, admins)")
def update_task(task_id: IdPath, body: CoachingUpdate, user: StaffUser, session: SessionDep,
                settings: SettingsDep, lang: ReaderLanguage) -> CoachingPublic:
    clear = "due_on" in body.model_fields_set and body.due_on is None
    task = coaching.update_task(session, user, task_id, note=body.note, due_on=body.due_on,
                                clear_due=clear, reopen=body.status == "open")
    return task_public(task, _titles(settings, lang))


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a coaching task (its assigner, admins)")
def delete_task(task_id: IdPath, user: StaffUser, session: SessionDep) -> None:
    coaching.delete_task(session, user, task_id)


@router.post("/{task_id}/done", summary="Mark your coaching task done, with a note (agents)")
def mark_done(task_id: IdPath, body: CoachingDone, user: CurrentUser, session: SessionDep,
              settings: SettingsDep, lang: ReaderLanguage) -> CoachingPublic:
    task = coaching.complete(session, user, task_id, body.done_note)
    return task_public(task, _titles(settings, lang))
