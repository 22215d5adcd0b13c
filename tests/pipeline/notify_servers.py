"""Real receivers on loopback for the notification tests: a webhook receiver (http.server in
a thread) that can fail its first N requests, an SMTP server (aiosmtpd), and the helpers
that set the notification settings and add a team with a supervisor."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import insert

SECRET = "whsec-test-3f9a1c7e5b2d"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def delivery_id(self) -> str:
        return self.headers["x-callqa-delivery"]

    @property
    def document(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """What a webhook receiver got; ``fail_first`` requests answer ``fail_status``."""

    url: str = ""
    fail_first: int = 0
    fail_status: int = 500
    requests: list[Received] = field(default_factory=list)
    got_one: threading.Event = field(default_factory=threading.Event)

    @property
    def accepted_ids(self) -> list[str]:
        """Delivery ids answered 2xx, deduped as a receiver should (first one wins)."""
        seen: list[str] = []
        for i, r in enumerate(self.requests):
            if i >= self.fail_first and r.delivery_id not in seen:
                seen.append(r.delivery_id)
        return seen


@contextmanager
def webhook_receiver(fail_first: int = 0, fail_status: int = 500) -> Iterator[Receiver]:
    state = Receiver(fail_first=fail_first, fail_status=fail_status)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state.requests.append(Received({k.lower(): v for k, v in self.headers.items()},
                                               body))
                n = len(state.requests)
            state.got_one.set()
            status = state.fail_status if n <= state.fail_first else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)


@contextmanager
def smtp_server(port: int = 0) -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(port or free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            msg = message_from_bytes(envelope.original_content or envelope.content)
            box.messages.append(msg)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def configure(monkeypatch: pytest.MonkeyPatch, *, webhook_url: str | None = None,
              secret: str = SECRET, smtp_port: int | None = None, **extra: str) -> None:
    """Set the notification settings for this test (and read them again)."""
    from pipeline.settings import get_settings

    if webhook_url is not None:
        monkeypatch.setenv("CALLQA_WEBHOOKS", json.dumps([{
            "name": "ops", "url": webhook_url, "secret": secret,
            "events": ["flag.critical", "complaint.opened"]}]))
    if smtp_port is not None:
        monkeypatch.setenv("CALLQA_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CALLQA_SMTP_PORT", str(smtp_port))
        monkeypatch.setenv("CALLQA_SMTP_STARTTLS", "false")
        monkeypatch.setenv("CALLQA_SMTP_FROM", "callqa@qa.example.com")
    monkeypatch.setenv("CALLQA_PUBLIC_URL", "https://qa.example.com")
    for key, value in extra.items():
        monkeypatch.setenv(f"CALLQA_{key.upper()}", value)
    get_settings.cache_clear()


def team_with_supervisor(db: str, *, language: str | None = "tr",
                         email: str | None = "ayse@example.com",
                         role: str = "supervisor") -> tuple[int, int]:
    """A team and one of its users (a supervisor by default); their ids."""
    from pipeline.db.accounts import User, user_teams
    from pipeline.db.models import Team
    from pipeline.db.session import session_scope

    with session_scope(db) as s:
        team = Team(name=f"team-{role}-{email}")
        s.add(team)
        s.flush()
        user = User(username=f"{role}-{email}-{team.id}", full_name="Ayşe Yılmaz", role=role,
                    password_hash="x", language=language, email=email)
        s.add(user)
        s.flush()
        s.execute(insert(user_teams).values(user_id=user.id, team_id=team.id))
        return team.id, user.id
