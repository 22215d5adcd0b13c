"""Shared fixtures: an isolated CALLQA_HOME per test, Prefect's test harness, moto's S3
server talked to with the real minio client, the local PostgreSQL, the bundled model."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _cpu_has(flag: str) -> bool:
    try:
        return f" {flag}" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


# CTranslate2 picks its kernels by CPU: AVX512 on Intel, AVX2 on AMD even where AVX512 is
# there. base's Turkish comes out in other words on each (the billing sample's disclosure
# reads "hikayet altına alınmaktadır" on AVX512, "hikaye ötelten alınmaktadır" on AVX2), and
# the ASR tests' expectations were recorded on AVX512: use it wherever the CPU has it.
if _cpu_has("avx512f") and _cpu_has("avx512bw"):
    os.environ.setdefault("CT2_FORCE_CPU_ISA", "AVX512")
# A developer's own settings must not leak into tests; CALLQA_TEST_* configure the tests.
for _name in [n for n in os.environ
              if n.startswith("CALLQA_") and not n.startswith("CALLQA_TEST_")]:
    del os.environ[_name]

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Tests hash passwords at scrypt N=2^14 (CALLQA_TEST_SCRYPT_N), not production's 2^17
    (0.3 s and 128 MiB each): suites create and sign in hundreds of users. Production has
    no such setting; tests that need the real cost set ``credentials.N`` back."""
    from scoring.work import credentials

    credentials.N = int(os.environ.get("CALLQA_TEST_SCRYPT_N", str(2**14)))
SAMPLES = ROOT / "pipeline" / "samples"


def pyannote_sample() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pyannote.audio")
    assert spec and spec.origin, "pyannote.audio is part of the test install"
    return Path(spec.origin).parent / "sample"


def _clear_caches() -> None:
    from pipeline.settings import get_settings
    from pipeline.store import _open_store

    get_settings.cache_clear()
    _open_store.cache_clear()


@pytest.fixture
def callqa_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh CALLQA_HOME: its own SQLite database and recordings folder."""
    home = tmp_path / "callqa-home"
    monkeypatch.setenv("CALLQA_HOME", str(home))
    _clear_caches()
    yield home
    _clear_caches()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on a free local port: host:port, plain HTTP."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(moto_endpoint: str, callqa_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A new bucket on moto, and settings that point callqa at it."""
    from minio import Minio

    bucket = f"calls-{uuid.uuid4().hex[:10]}"
    client = Minio(moto_endpoint, access_key="testing", secret_key="testing", secure=False)
    client.make_bucket(bucket)
    monkeypatch.setenv("CALLQA_STORE_URL", f"s3://{bucket}/incoming")
    monkeypatch.setenv("CALLQA_S3_ENDPOINT", f"http://{moto_endpoint}")
    monkeypatch.setenv("CALLQA_S3_ACCESS_KEY", "testing")
    monkeypatch.setenv("CALLQA_S3_SECRET_KEY", "testing")
    _clear_caches()
    from pipeline.settings import get_settings
    from pipeline.store import open_store

    return open_store(get_settings())


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the local PostgreSQL server's admin database (fails in CI if absent)."""
    import psycopg

    base = os.environ.get("CALLQA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
    try:
        psycopg.connect(base.replace("+psycopg", "") + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {base}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {base}")
    return base


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A throwaway database on the local server, dropped afterwards."""
    import psycopg

    name = f"callqa_test_{uuid.uuid4().hex[:8]}"
    admin = postgres_server.replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server}/{name}"
    from pipeline.db.session import get_engine

    for url in [f"{postgres_server}/{name}"]:
        get_engine(url).dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def both_db_url(request: pytest.FixtureRequest, callqa_home: Path) -> str:
    """The test once on SQLite (under CALLQA_HOME) and once on a throwaway PostgreSQL."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{callqa_home / 'callqa.db'}"


@pytest.fixture(scope="session")
def whisper():  # type: ignore[no-untyped-def]
    """The real bundled tiny.en transcriber, loaded once for the session."""
    from pipeline.transcribe import ModelOptions, get_transcriber

    return get_transcriber(ModelOptions(cpu_threads=2))


def rttm_turns() -> list[tuple[float, float, str]]:
    """The reference speaker timeline of pyannote's sample call."""
    turns = []
    for line in (pyannote_sample() / "sample.rttm").read_text().splitlines():
        parts = line.split()
        start, length, speaker = float(parts[3]), float(parts[4]), parts[7]
        turns.append((start, start + length, speaker))
    return turns


def make_stereo_call(path: Path) -> Path:
    """pyannote's real phone call split by its reference timeline: speaker90 (Diane) on
    channel 0, speaker91 (Sheila) on channel 1, silence elsewhere, like a call recorder."""
    import wave

    import numpy as np

    from pipeline.audio import load_audio

    mono = load_audio(pyannote_sample() / "sample.wav")[0]
    stereo = np.zeros((2, mono.size), dtype=np.float32)
    for start, end, speaker in rttm_turns():
        ch = 0 if speaker == "speaker90" else 1
        a, b = int(start * 16000), int(end * 16000)
        stereo[ch, a:b] = mono[a:b]
    pcm = (np.clip(stereo, -1, 1) * 32767).astype("<i2").T.copy()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return path


@pytest.fixture(scope="session")
def stereo_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_stereo_call(tmp_path_factory.mktemp("audio") / "stereo_call.wav")
