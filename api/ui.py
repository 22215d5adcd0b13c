"""The web UI: plain HTML, JS modules and CSS from ``api/web/``, no build step.

``GET /`` answers the single page; its scripts and styles are under ``/ui/``. The page
talks to the JSON API under ``/api/v1`` with the bearer token kept in sessionStorage.
The static files sit under their own prefix, not a catch-all at ``/``, so an unknown
``/api/...`` path still answers the API's JSON error body.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).parent / "web"


def mount_ui(app: FastAPI) -> None:
    """Serve the UI at ``/`` (the page) and ``/ui/`` (its scripts and styles)."""

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/ui", StaticFiles(directory=WEB), name="ui")
