"""The callqa web API: ``create_app(settings)`` builds it; nothing is built at import time.

    uvicorn --factory api.app:app        (what ``callqa serve`` runs)

REST under ``/api/v1``; OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/docs`` (Swagger
served from here, :mod:`api.docs`). Every response carries the security headers and every
request body is held to CALLQA_MAX_REQUEST_BYTES (:mod:`api.http_guard`).
The schema is brought to the latest migration when the app starts, so the embedded
default (SQLite under CALLQA_HOME, a local recordings folder) needs no other step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api.access_log import quiet_access_log
from api.errors import ErrorBody, install_error_handlers
from api.http_guard import BodyLimit, SecurityHeaders
from pipeline.settings import Settings, get_settings

TAGS = [
    {"name": "auth", "description": "Sign in (password -> bearer token), who am I, sign out."},
    {"name": "calls", "description": "Calls, transcripts (redacted), scorecards, recordings."},
    {"name": "scores", "description": "Scorecards by id and each call's scorecard history."},
    {"name": "review queue", "description": "Flagged and disputed calls, highest priority "
                                            "first (supervisors)."},
    {"name": "reviews", "description": "Human reviews: overrides per criterion, final score."},
    {"name": "disputes", "description": "Agents contest scorecards; supervisors decide."},
    {"name": "complaints", "description": "Complaint cases (ISO 10002) from the first call "
                                          "to closure: due dates, escalation, root causes."},
    {"name": "calibration", "description": "Reviewers score one call blind, then compare; "
                                           "agreement and Cohen's kappa per criterion."},
    {"name": "me", "description": "An agent's own trend, scorecards and acknowledgements."},
    {"name": "clips", "description": "The trainers' example library."},
    {"name": "coaching", "description": "Calls, clips and criteria given to agents to work on."},
    {"name": "users", "description": "Users and roles (admins)."},
    {"name": "customers", "description": "Everything of one customer (KVKK/GDPR): erase "
                                         "or export it (admins)."},
    {"name": "audit", "description": "Who did what, when (admins)."},
    {"name": "admin", "description": "Agents, teams, rubric versions and retention "
                                     "policies (admins)."},
    {"name": "dashboards", "description": "Scores, flags, sentiment and metrics over time."},
    {"name": "surveys", "description": "Post-call survey answers (CSAT, NPS) imported as "
                                       "JSON rows or a CSV file, attached to calls."},
    {"name": "events", "description": "Bucket notifications from MinIO (webhook with a shared "
                                      "secret): new recordings are noticed at once."},
    {"name": "meta", "description": "Health."},
]

ERRORS = {status: {"model": ErrorBody, "description": text} for status, text in [
    (401, "Not signed in, or the token is invalid or expired"),
    (403, "Signed in, but the role may not do this"),
    (404, "No such object, or not yours to see"),
    (413, "The request body is over CALLQA_MAX_REQUEST_BYTES"),
    (422, "The request is invalid"),
]}
OPENAPI_URL = "/api/v1/openapi.json"


def routers() -> list[APIRouter]:
    """Every router of the API, in the order the docs list them."""
    from api.routes import (
        admin,
        audit,
        auth,
        calibration,
        calls,
        clips,
        coaching,
        complaints,
        customers,
        dashboards,
        disputes,
        erasure,
        events,
        me,
        meta,
        notifications,
        queue,
        resolution,
        reviews,
        scores,
        surveys,
        users,
    )

    modules = (auth, calls, scores, queue, reviews, disputes, complaints, calibration, me, clips,
               coaching, dashboards, resolution, surveys, users, admin, erasure, customers,
               audit, notifications, events, meta)
    return [module.router for module in modules]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (default: the process's :func:`get_settings`)."""
    settings = settings or get_settings()
    quiet_access_log()  # no search words, reasons or customer refs in the access log

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from pipeline.db.session import ensure_schema

        ensure_schema(settings.resolved_database_url)
        yield

    app = FastAPI(
        title="callqa", summary="Call quality monitoring: calls, scorecards, reviews.",
        version="1", openapi_tags=TAGS, lifespan=lifespan,
        openapi_url=OPENAPI_URL, docs_url=None, redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    for router in routers():
        app.include_router(router, responses=ERRORS)  # type: ignore[arg-type]
    from api.docs import mount_docs
    from api.ui import mount_ui

    mount_docs(app, OPENAPI_URL)
    mount_ui(app)  # the web UI at / (its files under /ui/)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: the 413 carries the headers too
    return app


def app() -> FastAPI:
    """For ``uvicorn --factory api.app:app``: the app on the environment's settings."""
    return create_app()
