"""Two ASGI middlewares every response passes through: security headers and a body limit.

    SecurityHeaders   nosniff, no referrer, no framing, and a Content-Security-Policy the
                      web UI (``api/web/``) runs under: its own scripts and styles only,
                      recordings as ``blob:`` URLs. A route that sets its own CSP (the
                      Swagger page, :mod:`api.docs`) keeps it. An unexpected error's 500
                      is answered here, so it carries them too.
    BodyLimit         a request body over CALLQA_MAX_REQUEST_BYTES answers 413 before any
                      route reads it, whether Content-Length announces it or a chunked
                      body only grows past it.

They are plain ASGI (no BaseHTTPMiddleware) so streamed answers (audio, CSV) still stream.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The web UI: ES modules and one stylesheet from /ui/, JSON from /api/v1, audio as blob:
# URLs, the empty data: favicon. No inline <style>, style attribute or <script> is
# allowed (colours that vary are SVG fill attributes).
UI_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": UI_POLICY,
}


class SecurityHeaders:
    """Add :data:`HEADERS` to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.decode("latin-1").lower() for name, _ in headers}
                headers += [(name.encode(), value.encode()) for name, value in HEADERS.items()
                            if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers an unexpected error outside every middleware, so its 500
            # would go out bare: answer it here, with the headers, and let it go on to be
            # logged (the outer handler sees the answer started and sends nothing more).
            if not started:
                await _answer(send_with_headers, 500, "internal",
                              "internal error; the server log has the details")
            raise


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 and the API's error body.

    The body is read (at most ``max_bytes`` of it) before the app runs and handed on as
    one message, so a route never sees a partial body and the limit holds for chunked
    uploads that announce no length.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.strip().isdigit() \
                and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 413, "payload_too_large",
                      f"the request body is over {self.max_bytes} bytes; send less, or "
                      "raise CALLQA_MAX_REQUEST_BYTES on the server")


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    """Send the API's error body (``{"error": {code, message}}``) and close."""
    payload = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": payload})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that answers ``messages`` first, then the real one (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
