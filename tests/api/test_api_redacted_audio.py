"""A call's recording is served with every PII span silenced (issue 12); the original only
to a role allowed it, with a reason, audited. The seeded call a1_flagged has a card number
spoken at 4.0-6.0 s; here its recording is a 10 s tone, so silence can be measured."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.api.conftest import Api

RATE = 16000
SPAN = (4.0, 6.0)


def audio_path(api: Api, name: str = "a1_flagged") -> str:
    return f"/api/v1/calls/{api.world.calls[name]}/audio"


def tone(path: Path, seconds: float = 10.0) -> bytes:
    """A 440 Hz tone at half scale, 16 kHz mono 16-bit: loud everywhere, silent nowhere."""
    t = np.arange(int(RATE * seconds)) / RATE
    pcm = (0.5 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path.read_bytes()


@pytest.fixture
def recording(api: Api) -> bytes:
    """a1_flagged's recording replaced by the tone; its bytes."""
    return tone(api.world.store / "2026" / "a1_flagged.wav")


def samples(body: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(body)) as w:
        assert w.getsampwidth() == 2 and w.getframerate() == RATE
        frames = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32)
        return frames.reshape(-1, w.getnchannels()).mean(axis=1) / 32768.0


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x ** 2)))


def assert_span_silenced(body: bytes) -> None:
    x = samples(body)
    assert len(x) == 10 * RATE
    inside = x[int(SPAN[0] * RATE):int(SPAN[1] * RATE)]
    assert np.abs(inside).max() < 1e-3  # the card number is gone
    for a, b in ((0.5, 3.9), (6.1, 9.5)):  # the rest plays
        assert rms(x[int(a * RATE):int(b * RATE)]) > 0.3


def cached(api: Api) -> list[Path]:
    folder = api.settings.home / "redacted"
    return sorted(folder.glob("*.wav")) if folder.is_dir() else []


def test_an_agent_and_a_supervisor_hear_the_pii_span_silenced(api: Api, recording: bytes) -> None:
    for user in ("agent1", "sup", "admin"):
        r = api.get(audio_path(api), user)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "audio/wav"
        assert r.headers["accept-ranges"] == "bytes"
        assert r.content != recording
        assert_span_silenced(r.content)
    assert [e["detail"].get("redacted") for e in api.audit("call.audio")] == [True] * 3
    assert api.audit("call.audio_original") == []


def test_ranges_and_seeking_in_the_redacted_recording(api: Api, recording: bytes) -> None:
    full = api.get(audio_path(api), "agent1").content
    assert_span_silenced(full)
    size = len(full)
    start = int(4.5 * RATE) * 2 + 44  # a seek into the silenced span
    part = api.get(audio_path(api), "agent1", headers={"Range": f"bytes={start}-{start + 999}"})
    assert part.status_code == 206
    assert part.content == full[start:start + 1000] and part.content == b"\0" * 1000
    assert part.headers["content-range"] == f"bytes {start}-{start + 999}/{size}"
    assert part.headers["content-length"] == "1000"
    assert part.headers["content-type"] == "audio/wav"

    tail = api.get(audio_path(api), "sup", headers={"Range": "bytes=-44"})
    assert tail.status_code == 206 and tail.content == full[-44:]
    head = api.get(audio_path(api), "sup", headers={"Range": "bytes=0-43"})
    assert head.status_code == 206 and head.content[:4] == b"RIFF" and head.content == full[:44]

    beyond = api.get(audio_path(api), "sup", headers={"Range": f"bytes={size + 5}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"


def test_the_original_needs_the_permission_and_a_reason(api: Api, recording: bytes) -> None:
    path = audio_path(api)
    for user in ("agent1", "sup", "trainer"):  # CALLQA_ORIGINAL_AUDIO_ROLES: admin
        r = api.get(path, user, params={"original": "true", "reason": "dispute 12"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    for reason in (None, "", "   "):
        r = api.get(path, "admin", params={"original": "true", "reason": reason})
        assert r.status_code == 403 and "reason" in r.json()["error"]["message"]
    assert api.audit("call.audio_original") == []

    r = api.get(path, "admin", params={"original": "true", "reason": "KVKK request 9"})
    assert r.status_code == 200 and r.content == recording  # unsilenced
    seek = api.get(path, "admin", params={"original": "true", "reason": "KVKK request 9"},
                   headers={"Range": "bytes=1000-1999"})
    assert seek.status_code == 206 and seek.content == recording[1000:2000]
    (entry,) = api.audit("call.audio_original")  # once per play, not per seek
    assert entry["username"] == "admin" and entry["object_id"] == api.world.calls["a1_flagged"]
    assert entry["detail"]["reason"] == "KVKK request 9"
    assert api.audit("call.audio") == []

    api.client.app.state.settings = api.settings.model_copy(  # type: ignore[attr-defined]
        update={"original_audio_roles": "admin, supervisor"})
    r = api.get(path, "sup", params={"original": "true", "reason": "review 3"})
    assert r.status_code == 200 and r.content == recording
    assert api.get(path, "agent1", params={"original": "true",
                                           "reason": "mine"}).status_code == 403


def test_a_call_without_pii_still_plays(api: Api, recording: bytes) -> None:
    from sqlalchemy import delete

    from pipeline.db.models import PIIRecord
    from pipeline.db.session import session_scope

    assert api.get(audio_path(api), "agent1").content != recording
    with session_scope(api.world.url) as s:
        s.execute(delete(PIIRecord).where(PIIRecord.call_id == api.world.calls["a1_flagged"]))
    r = api.get(audio_path(api), "agent1")
    assert r.status_code == 200 and r.content == recording  # nothing to silence
    part = api.get(audio_path(api), "agent1", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == recording[100:200]


def test_made_once_remade_for_new_spans_and_erased_with_the_call(
        api: Api, recording: bytes) -> None:
    from sqlalchemy import update

    from pipeline.db.models import PIIRecord
    from pipeline.db.session import session_scope

    call_id = api.world.calls["a1_flagged"]
    assert cached(api) == []
    api.get(audio_path(api), "agent1")
    (made,) = cached(api)
    assert made.name.startswith(f"{call_id}-")
    stamp = made.stat().st_mtime_ns
    api.get(audio_path(api), "sup", headers={"Range": "bytes=0-"})
    assert cached(api) == [made] and made.stat().st_mtime_ns == stamp  # not made again

    with session_scope(api.world.url) as s:  # the findings change: a new file, the old goes
        s.execute(update(PIIRecord).where(PIIRecord.call_id == call_id)
                  .values(start=1.0, end=2.0))
    x = samples(api.get(audio_path(api), "agent1").content)
    assert np.abs(x[int(1.0 * RATE):int(2.0 * RATE)]).max() < 1e-3
    assert rms(x[int(4.0 * RATE):int(6.0 * RATE)]) > 0.3
    (remade,) = cached(api)
    assert remade != made and not made.exists()

    erased = api.delete(f"/api/v1/calls/{call_id}", "admin", json={"reason": "KVKK request 7"})
    assert erased.status_code == 200, erased.text
    assert cached(api) == [] and not remade.exists()


def test_a_redacted_call_on_s3_is_never_a_redirect(api: Api, s3_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.session import session_scope
    from pipeline.settings import get_settings

    data = tone(tmp_path / "call.wav")
    s3_store.put("2026/a2_flagged.wav", tmp_path / "call.wav")
    with session_scope(api.world.url) as s:
        s.execute(update(Call).where(Call.id == api.world.calls["a2_flagged"])
                  .values(store_url=s3_store.url))
    api.client.app.state.settings = get_settings().model_copy(  # type: ignore[attr-defined]
        update={"database_url": api.world.url})
    r = api.get(audio_path(api, "a2_flagged"), "agent2", follow_redirects=False)
    assert r.status_code == 200 and "location" not in r.headers
    assert r.content != data
    assert_span_silenced(r.content)
    part = api.get(audio_path(api, "a2_flagged"), "agent2", headers={"Range": "bytes=44-143"})
    assert part.status_code == 206 and part.content == r.content[44:144]
    original = api.get(audio_path(api, "a2_flagged"), "admin", follow_redirects=False,
                       params={"original": "true", "reason": "KVKK request 9"})
    assert original.status_code == 307 and "X-Amz-Signature=" in original.headers["location"]
