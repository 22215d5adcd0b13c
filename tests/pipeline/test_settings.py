from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.settings import get_settings


def test_embedded_defaults_live_under_home(callqa_home: Path) -> None:
    s = get_settings()
    assert s.resolved_database_url == f"sqlite:///{callqa_home / 'callqa.db'}"
    assert s.resolved_store_url == str(callqa_home / "recordings")
    assert s.asr_model is None and s.keep_original_text is False


@pytest.mark.parametrize("secret", ["minioadmin", "changeme", ""])
def test_production_refuses_placeholder_secrets(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("CALLQA_ENVIRONMENT", "production")
    monkeypatch.setenv("CALLQA_DATABASE_URL", "postgresql+psycopg://callqa@db/callqa")
    monkeypatch.setenv("CALLQA_S3_ENDPOINT", "minio:9000")
    monkeypatch.setenv("CALLQA_S3_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="CALLQA_S3_SECRET_KEY") as err:
        get_settings()
    assert secret == "" or secret not in str(err.value)  # the message never echoes a secret


def test_production_refuses_sqlite(callqa_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_ENVIRONMENT", "production")
    with pytest.raises(ConfigError, match="PostgreSQL"):
        get_settings()


def test_bad_value_names_the_variable(callqa_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_ASR_BEAM_SIZE", "many")
    with pytest.raises(ConfigError, match="CALLQA_ASR_BEAM_SIZE"):
        get_settings()


def test_secret_is_not_printed(callqa_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_S3_SECRET_KEY", "s3cr3t-value-xyz")
    s = get_settings()
    assert "s3cr3t-value-xyz" not in repr(s) and "s3cr3t-value-xyz" not in str(s.model_dump())
