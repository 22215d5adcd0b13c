"""callqa's one settings class, read from ``CALLQA_*`` environment variables (or a ``.env``).

Read it through :func:`get_settings` (cached); nothing is read at import time.
The embedded default needs no setting at all: SQLite and a recordings folder under
``CALLQA_HOME`` (``~/.callqa``), the offline tiny.en model, Prefect's ephemeral API.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from pipeline.errors import ConfigError

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "minioadmin", "password", "secret", "admin", "test"}
)


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Webhook(BaseModel):
    """One receiver of notifications (CALLQA_WEBHOOKS): POSTed JSON signed with ``secret``
    (see :mod:`pipeline.notify.signing`); ``events`` it is sent ("*": all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr
    events: list[str] = Field(default_factory=lambda: ["*"])

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CALLQA_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    environment: Literal["development", "production"] = "development"
    home: Path = Field(default_factory=lambda: Path.home() / ".callqa")

    # Storage -----------------------------------------------------------------------
    database_url: str | None = None  # default: sqlite:///<home>/callqa.db
    store_url: str | None = None  # default: <home>/recordings; or s3://bucket/prefix
    s3_endpoint: str | None = None  # host:port of MinIO / S3, e.g. "minio:9000"
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = True
    s3_region: str | None = None

    # Speech recognition ------------------------------------------------------------
    # The model for every language (name, hub id or local folder); default: the bundled
    # multilingual base, with tiny.en for English (asr_models).
    asr_model: str | None = None
    # Per-language models over asr_model, "en=bundled:tiny.en,tr=/models/small"; default:
    # en=bundled:tiny.en while asr_model is unset, none once it is set.
    asr_models: Annotated[dict[str, str] | None, NoDecode] = None
    # The languages calls come in: detection picks the likeliest of these only; empty: any.
    languages: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["tr", "en", "az"])
    # Queues whose calls are in one language, "fatura=tr,billing=en" (beats detection).
    queue_languages: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    asr_device: str = "cpu"
    asr_compute_type: str = "int8"
    asr_cpu_threads: int = Field(default_factory=_default_threads)
    asr_beam_size: int = 5
    asr_language: str | None = None  # every call's language, below metadata and queue
    asr_vad: bool = True
    asr_hotwords: str | None = None
    asr_initial_prompt: str | None = None
    # Windows decoded together by faster-whisper's batched pipeline; 0 decodes one at a
    # time. Batching pays on a GPU (8-16); on CPU measure first (python -m benchmarks).
    asr_batch_size: int = Field(default=0, ge=0)
    chunk_seconds: float = 600.0  # long calls are decoded and transcribed in chunks

    # Diarisation and roles ---------------------------------------------------------
    diarization_model: str | None = None  # pyannote pipeline name or local path (mono calls)
    hf_token: SecretStr | None = None
    agent_channel: int = 0  # stereo: the agent's channel when metadata gives no map
    company_names: list[str] = Field(default_factory=list)

    # Checks and privacy ------------------------------------------------------------
    min_duration: float = 1.0
    max_duration: float = 4 * 3600.0
    keep_original_text: bool = False  # store un-redacted text beside the redacted one
    original_audio_roles: str = "admin"  # may hear un-redacted audio, "admin,supervisor"

    # Scoring ------------------------------------------------------------------------
    scoring: bool = True  # score every processed call
    rubric: str | None = None  # rubric file or shipped name; default: chosen per call
    rubrics_dir: Path | None = None  # a folder of rubric files to choose from per call
    # contact-reason taxonomy: a file or shipped name; "none" leaves calls uncategorised
    taxonomy: str = "contact_reasons"
    # a customer's calls within this many days on the same primary reason are repeats
    repeat_window_days: float = Field(default=7.0, gt=0, le=365)
    # complaint cases: the SLA file (deadlines per category, root causes); None: shipped
    complaint_sla: Path | None = None
    # the secret the caller number is hashed with (pipeline.customers); unset: calls link
    # by customer_ref only, and caller numbers are dropped
    customer_salt: SecretStr | None = None
    sentiment_model: str | None = None  # transformers classifier; default: offline MiniLM
    embedding_model: str | None = None  # sentence embeddings; default: offline MiniLM
    # Scoring models see a dozen short sentences at a time: one thread is as fast as two
    # on an idle machine and 10x faster when the cores are busy (OpenMP spin-waiting).
    scoring_threads: int = 1

    # Workers: claims on recordings (pipeline/db/claims.py) ---------------------------
    # A worker renews its lease every third of this; one that dies loses the recording to
    # another worker this long after its last renewal.
    claim_lease_seconds: int = Field(default=120, gt=0)
    claim_max_attempts: int = Field(default=3, gt=0)  # then the recording is failed

    # API ------------------------------------------------------------------------------
    # Bearer tokens are opaque random strings kept in the database (as SHA-256 digests):
    # nothing is signed, so there is no signing key to configure, and logout or
    # deactivating a user revokes them at once.
    token_ttl_minutes: int = Field(default=480, gt=0)
    # Proxies whose X-Forwarded-For/-Proto `callqa serve` believes ("10.0.0.2,10.0.0.3",
    # uvicorn's forwarded_allow_ips); empty: none, the connection's own address counts.
    trusted_proxies: str = ""
    max_request_bytes: int = Field(default=1_048_576, gt=0)  # larger bodies answer 413
    # Supervisors and trainers see only the calls of their teams (user_teams; admins see
    # all, agents their own); None: on in production, off in development.
    team_scoping: bool | None = None

    # Retention (KVKK/GDPR) -------------------------------------------------------------
    # Days a call is kept when the retention_policies table has no row for its queue and
    # no "*" row; None keeps calls forever (pipeline.db.retention, flows/retention.py).
    retention_days: int | None = Field(default=None, gt=0)

    # Noticing recordings: bucket events, the sweep, dispatch ----------------------------
    events_queue_url: str | None = None  # SQS queue the bucket publishes ObjectCreated to
    events_token: SecretStr | None = None  # MinIO webhook's `Authorization: Bearer` secret
    sweep_full_pass_hours: float = Field(default=24.0, gt=0)  # full listing this often
    dispatch: Literal["inline", "deployment"] = "inline"  # process here, or via Prefect
    dispatch_runs: int = Field(default=2, ge=0)  # process-queue runs submitted at most
    dispatch_gpu_runs: int = Field(default=0, ge=0)  # runs on the gpu queue, submitted first

    # Notifications (pipeline.db.outbox, pipeline.notify) --------------------------------
    # Where links in notifications point, e.g. "https://qa.example.com" (no trailing /).
    public_url: str | None = None
    # Webhooks: JSON ('[{"name": "ops", "url": "https://...", "secret": "...",
    # "events": ["flag.critical"]}]') or the path of a YAML/JSON file holding that list.
    webhooks: Annotated[list[Webhook], NoDecode] = Field(default_factory=list)
    smtp_host: str | None = None  # unset: no e-mail is queued
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "callqa@localhost"
    smtp_starttls: bool = True
    notify_max_attempts: int = Field(default=8, gt=0)  # then the delivery is dead
    notify_backoff_seconds: float = Field(default=30.0, gt=0)  # doubles per attempt
    notify_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    notify_lease_seconds: float = Field(default=120.0, gt=0)  # a crashed sender's hold
    notify_timeout_seconds: float = Field(default=10.0, gt=0)  # one POST or SMTP session

    @field_validator("languages", mode="before")
    @classmethod
    def _language_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",")]
        if isinstance(value, list | tuple):
            codes = [str(v).strip().lower() for v in value if str(v).strip()]
            bad = [c for c in codes if not (2 <= len(c) <= 3 and c.isalpha())]
            if bad:
                raise ValueError(f"{bad[0]!r} is not a language code like tr, en or az")
            return list(dict.fromkeys(codes))
        return value

    @field_validator("webhooks", mode="before")
    @classmethod
    def _webhook_list(cls, value: Any) -> Any:
        """JSON text, or the path of a YAML/JSON file, into the list of webhooks."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return []
        if not text.startswith("["):
            path = Path(text).expanduser()
            if not path.is_file():
                raise ValueError(f"{text} is neither a JSON list nor a webhooks file")
            text = path.read_text(encoding="utf-8")
        import yaml  # JSON is YAML too

        return yaml.safe_load(text) or []

    @field_validator("asr_models", "queue_languages", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """``"a=b,c=d"`` (or JSON) into a mapping; a piece without ``=`` is refused."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("{"):
            import json

            return json.loads(text)
        pairs: dict[str, str] = {}
        for piece in filter(None, (p.strip() for p in text.split(","))):
            key, sep, val = piece.partition("=")
            if not sep or not key.strip() or not val.strip():
                raise ValueError(f"{piece!r} is not name=value (e.g. en=bundled:tiny.en)")
            pairs[key.strip()] = val.strip()
        return pairs

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.environment != "production":
            return self
        secret = self.s3_secret_key.get_secret_value() if self.s3_secret_key else None
        if self.s3_endpoint and (secret is None or secret.lower() in PLACEHOLDER_SECRETS):
            raise ValueError(
                "CALLQA_S3_SECRET_KEY is missing or a placeholder; production refuses it"
            )
        token = self.events_token.get_secret_value() if self.events_token else None
        if token is not None and (token.lower() in PLACEHOLDER_SECRETS or len(token) < 16):
            raise ValueError("CALLQA_EVENTS_TOKEN is a placeholder or shorter than 16 "
                             "characters; production refuses it")
        salt = self.customer_salt.get_secret_value() if self.customer_salt else None
        if salt is not None and (salt.lower() in PLACEHOLDER_SECRETS or len(salt) < 16):
            raise ValueError("CALLQA_CUSTOMER_SALT is a placeholder or shorter than 16 "
                             "characters; production refuses it")
        for hook in self.webhooks:
            key = hook.secret.get_secret_value()
            if key.lower() in PLACEHOLDER_SECRETS or len(key) < 16:
                raise ValueError(f"the secret of webhook {hook.name!r} (CALLQA_WEBHOOKS) is a "
                                 "placeholder or shorter than 16 characters; production "
                                 "refuses it")
        mail = self.smtp_password.get_secret_value() if self.smtp_password else None
        if mail is not None and mail.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("CALLQA_SMTP_PASSWORD is a placeholder; production refuses it")
        if self.database_url is None or self.database_url.startswith("sqlite"):
            raise ValueError("CALLQA_DATABASE_URL must name a PostgreSQL database in production")
        return self

    @property
    def resolved_asr_models(self) -> dict[str, str]:
        """Per-language models: the setting, else tiny.en for English when asr_model is
        unset (as accurate as base on English here, and faster)."""
        if self.asr_models is not None:
            return {k.lower(): v for k, v in self.asr_models.items()}
        return {} if self.asr_model else {"en": "bundled:tiny.en"}

    @property
    def customer_salt_value(self) -> str | None:
        return self.customer_salt.get_secret_value() if self.customer_salt else None

    @property
    def resolved_team_scoping(self) -> bool:
        """Whether supervisors and trainers see only their teams' calls."""
        if self.team_scoping is not None:
            return self.team_scoping
        return self.environment == "production"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'callqa.db'}"

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or str(self.home / "recordings")


_OVERRIDE: contextvars.ContextVar[Settings | None] = contextvars.ContextVar(
    "callqa_settings_override", default=None)


def get_settings() -> Settings:
    """The settings in force: the process's (read once), or a run's (:func:`settings_for`).

    Tests call ``get_settings.cache_clear()`` to read the environment again.
    """
    override = _OVERRIDE.get()
    return override if override is not None else _process_settings()


@functools.lru_cache(maxsize=1)
def _process_settings() -> Settings:
    return _build()


get_settings.cache_clear = _process_settings.cache_clear  # type: ignore[attr-defined]


def callqa_variables(env: Mapping[str, str | None]) -> dict[str, str]:
    """The ``CALLQA_*`` entries of ``env`` that are set, as field names and values."""
    fields = Settings.model_fields
    found = {}
    for key, value in env.items():
        name = key.removeprefix("CALLQA_").lower()
        if key.startswith("CALLQA_") and value is not None and name in fields:
            found[name] = value
    return found


@contextlib.contextmanager
def settings_for(env: Mapping[str, str | None]) -> Iterator[Settings]:
    """Within this block (this thread or task only), ``get_settings()`` returns the
    process's settings with ``env``'s ``CALLQA_*`` variables laid over them.

    callqa's Prefect worker runs each flow run in a thread of one long-lived process; a
    deployment's job variables (the gpu deployment's ``CALLQA_ASR_DEVICE=cuda``, say) apply
    to its runs this way without touching ``os.environ``, which every thread shares.
    Models are cached per option set, so runs with the same settings share warm models.
    """
    overrides = callqa_variables(env)
    if not overrides:
        yield get_settings()
        return
    base = _process_settings().model_dump()
    settings = _build({**base, **overrides})
    token = _OVERRIDE.set(settings)
    try:
        yield settings
    finally:
        _OVERRIDE.reset(token)


def _build(values: Mapping[str, Any] | None = None) -> Settings:
    from pydantic import ValidationError

    try:
        return Settings(**(values or {}))
    except ValidationError as exc:
        # Only each error's location and message: pydantic's own text echoes the input
        # values, secrets included.
        problems = "; ".join(
            (f"CALLQA_{'__'.join(map(str, e['loc'])).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise ConfigError(
            f"invalid settings: {problems}", hint="Fix the CALLQA_ environment variables."
        ) from None
