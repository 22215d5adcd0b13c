"""What each callqa service needs from its environment, checked before it starts.

``Settings`` already refuses malformed values and, in production, placeholder secrets and
SQLite. What it cannot know is which *service* is starting: the API needs no SQS queue, a
worker needs the Prefect API and the object store, the event watcher needs its queue.
:func:`check` answers for one service with every problem at once, each naming the
variable to set, so a container that is missing three variables says so in one go rather
than failing on the first request. :func:`describe` lists the effective configuration
for a log line or ``callqa config show``: secrets appear as ``set`` / ``not set``, never
as values, and URLs lose their passwords.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from pipeline.settings import Settings

Service = Literal["api", "worker", "events", "all"]
SERVICES: tuple[str, ...] = ("api", "worker", "events")


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str
    fatal: bool = True  # False: a warning; the service starts

    def __str__(self) -> str:
        return f"{self.variable}: {self.message}"


def check(settings: Settings, service: Service, env: dict[str, str] | None = None) -> list[Problem]:
    """Every problem that stops ``service`` from working with these settings."""
    env = dict(os.environ) if env is None else env
    production = settings.environment == "production"
    services = SERVICES if service == "all" else (service,)
    problems: list[Problem] = []
    store = settings.store_url or ""
    if store.startswith("s3://"):
        for var, value in (("CALLQA_S3_ENDPOINT", settings.s3_endpoint),
                           ("CALLQA_S3_ACCESS_KEY", settings.s3_access_key),
                           ("CALLQA_S3_SECRET_KEY", settings.s3_secret_key)):
            if not value:
                problems.append(Problem(var, f"needed for the store {store}"))
    elif production and "worker" in services and settings.store_url is None:
        problems.append(Problem(
            "CALLQA_STORE_URL", "not set; production workers need s3://bucket/prefix (or a "
            "folder every worker and the API mount at the same path)"))
    if production and ("worker" in services or "events" in services) \
            and not env.get("PREFECT_API_URL"):
        problems.append(Problem(
            "PREFECT_API_URL", "not set; production workers and the event watcher talk to "
            "the Prefect server (e.g. http://prefect-server:4200/api)"))
    if production and env.get("PREFECT_API_URL") and not env.get("PREFECT_API_AUTH_STRING") \
            and not env.get("PREFECT_API_KEY"):
        problems.append(Problem(
            "PREFECT_API_AUTH_STRING", "not set: a Prefect server without basic auth takes "
            "runs from anyone who reaches it (a retention run with CALLQA_RETENTION_DAYS=1, "
            "say); set PREFECT_SERVER_API_AUTH_STRING on the server and the same user:password "
            "here"))
    if "api" in services and production and not settings.trusted_proxies.strip():
        problems.append(Problem(
            "CALLQA_TRUSTED_PROXIES", "not set: the API speaks plain HTTP; terminate TLS in a "
            "proxy in front of it (deploy/compose.yaml's Caddy) and name the proxy's address "
            "here, so its X-Forwarded-For is believed and no one else's"))
    if "worker" in services and production and settings.asr_model is None:
        problems.append(Problem(
            "CALLQA_ASR_MODEL", "not set: the bundled tiny.en model is English-only and "
            "meant for trying callqa; name a multilingual model (large-v3-turbo) or a path",
            fatal=False))
    if "worker" in services and settings.asr_device.startswith("cuda") \
            and settings.asr_compute_type == "int8" and settings.asr_batch_size == 0:
        problems.append(Problem(
            "CALLQA_ASR_BATCH_SIZE", "0 on a GPU: batched decoding (8-16) is several times "
            "faster there; CALLQA_ASR_COMPUTE_TYPE=float16 suits most GPUs", fatal=False))
    if service == "events" and not settings.events_queue_url:
        problems.append(Problem(
            "CALLQA_EVENTS_QUEUE_URL", "not set; the event watcher reads bucket notifications "
            "from this SQS queue (MinIO posts to the API's /api/v1/events/s3 instead)"))
    if "api" in services and production and settings.events_token is None:
        problems.append(Problem(
            "CALLQA_EVENTS_TOKEN", "not set: the bucket-notification webhook "
            "(/api/v1/events/s3) is off; the scheduled sweep still finds new recordings",
            fatal=False))
    return problems


def describe(settings: Settings) -> list[tuple[str, str]]:
    """``(CALLQA_NAME, shown value)`` for every setting; secrets and passwords hidden."""
    from sqlalchemy.engine import make_url

    rows = []
    for name in sorted(type(settings).model_fields):
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            shown = "set (hidden)" if value.get_secret_value() else "empty"
        elif value is None:
            shown = "not set"
        elif name == "database_url":
            try:
                shown = make_url(value).render_as_string(hide_password=True)
            except Exception:
                shown = "<unparseable URL>"
        else:
            shown = str(value)
        rows.append((f"CALLQA_{name.upper()}", shown))
    return rows
