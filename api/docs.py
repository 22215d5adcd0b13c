"""Swagger UI at ``/api/docs``, served from this server: no CDN, so nothing to trust that
an integrity hash would have to pin.

The dist files (Swagger UI 5, which renders OpenAPI 3.1) come from the ``fastapi-offline``
package's ``static/`` folder and are mounted at ``/api/docs/static``. FastAPI's page starts
Swagger with one inline script; its SHA-256 goes into the page's own
Content-Security-Policy, so no other inline script can run there.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
STATIC = Path(fastapi_offline.__file__).parent / "static"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def policy_for(html: str) -> str:
    """A CSP for the docs page: its own files, plus exactly the inline scripts it holds.

    Swagger styles elements inline and draws icons as ``data:`` images."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in INLINE_SCRIPT.findall(html))
    return "; ".join([
        "default-src 'self'", f"script-src 'self' {hashes}".strip(),
        "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def mount_docs(app: FastAPI, openapi_url: str) -> None:
    """The Swagger page at :data:`DOCS_URL` and its files under ``DOCS_URL/static``."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url, title=f"{app.title} - API docs",
        swagger_js_url=f"{DOCS_URL}/static/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_URL}/static/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_URL}/static/favicon.png",
    ).body
    html = bytes(page).decode()
    headers = {"Content-Security-Policy": policy_for(html)}

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(html, headers=headers)

    app.mount(f"{DOCS_URL}/static", StaticFiles(directory=STATIC), name="docs-static")
