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


def test_a_runs_settings_apply_to_its_thread_alone(callqa_home: Path) -> None:
    """What callqa's worker does with a deployment's job variables: the run's CALLQA_*
    variables lay over the process's settings in that run's thread, nowhere else."""
    import threading

    from pipeline.settings import settings_for

    seen: dict[str, int] = {}
    inside = threading.Event()
    release = threading.Event()

    def other_run() -> None:
        inside.wait(10)
        seen["other"] = get_settings().asr_batch_size
        release.set()

    thread = threading.Thread(target=other_run)
    thread.start()
    env = {"CALLQA_ASR_BATCH_SIZE": "16", "CALLQA_ASR_DEVICE": "cuda", "PATH": "/nowhere",
           "CALLQA_NOT_A_SETTING": "1", "CALLQA_ASR_LANGUAGE": None}
    with settings_for(env) as s:
        assert get_settings() is s
        assert (s.asr_batch_size, s.asr_device) == (16, "cuda")
        assert s.resolved_database_url == f"sqlite:///{callqa_home / 'callqa.db'}"
        inside.set()
        release.wait(10)
    thread.join()
    assert seen == {"other": 0}
    assert (get_settings().asr_batch_size, get_settings().asr_device) == (0, "cpu")


def test_a_bad_run_setting_names_the_variable(callqa_home: Path) -> None:
    from pipeline.settings import settings_for

    with pytest.raises(ConfigError, match="CALLQA_ASR_BATCH_SIZE"), \
            settings_for({"CALLQA_ASR_BATCH_SIZE": "-3"}):
        pass
    assert get_settings().asr_batch_size == 0
