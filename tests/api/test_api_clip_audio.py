"""A clip's audio: its span of the recording as 16 kHz WAV, spoken PII silenced, only the
needed part decoded, from a local folder or S3; scoped like every clip route."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from tests.api.conftest import Api

SR = 16_000
# seeded: clip 2.0-9.0 of a1_flagged and a2_flagged, PII "card" 4.0-6.0 on every call
CLIP_START, CLIP_END = 2.0, 9.0
RAMP = int(0.005 * SR) + 1  # samples next to a silenced span that the fade may touch


def source_wav(path: Path, seconds: float = 12.0, channels: int = 2,
               rate: int = SR) -> np.ndarray:
    """A real WAV: quiet noise, with a loud tone (different per channel) over 4-6 s and
    8.5-10 s. Returns its int16 samples shaped (channels, n)."""
    n = int(seconds * rate)
    rng = np.random.default_rng(7)
    data = rng.integers(-2000, 2000, size=(channels, n)).astype(np.int16)
    t = np.arange(n) / rate
    for a, b in ((4.0, 6.0), (8.5, 10.0)):
        region = (t >= a) & (t < b)
        for c in range(channels):
            data[c, region] = (20000 * np.sin(2 * np.pi * (440 + 220 * c) * t[region])
                               ).astype(np.int16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.T.astype("<i2").tobytes())
    return data


def read_wav(body: bytes) -> tuple[wave._wave_params, np.ndarray]:
    with wave.open(io.BytesIO(body), "rb") as w:
        params = w.getparams()
        frames = w.readframes(params.nframes)
    samples = np.frombuffer(frames, "<i2").reshape(-1, params.nchannels).T.astype(np.int32)
    return params, samples


def add_pii(api: Api, call: str, spans: list[tuple[str, float, float]]) -> None:
    from pipeline.db.models import PIIRecord
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        s.add_all([PIIRecord(call_id=api.world.calls[call], utterance_idx=1, kind=kind,
                             start=a, end=b) for kind, a, b in spans])


def assert_silenced(got: np.ndarray, source: np.ndarray,
                    silenced: list[tuple[float, float]]) -> None:
    """``got`` is the clip; ``silenced`` spans are relative to the clip's start."""
    expected = source[:, int(CLIP_START * SR):int(CLIP_END * SR)].astype(np.int32)
    assert got.shape == expected.shape
    outside = np.ones(got.shape[1], bool)
    for a, b in silenced:
        lo, hi = int(a * SR), int(np.ceil(b * SR))
        assert np.abs(got[:, lo:hi]).max() <= 1, (a, b)
        assert np.abs(expected[:, lo:hi]).max() > 10000  # the loud tone was really there
        outside[max(0, lo - RAMP):hi + RAMP] = False
    assert outside.sum() > 4 * SR
    assert np.abs(got[:, outside] - expected[:, outside]).max() <= 1


def test_the_clip_audio_is_its_span_with_pii_silenced(api: Api) -> None:
    source = source_wav(api.world.store / "2026" / "a1_flagged.wav")
    add_pii(api, "a1_flagged", [("phone", 8.5, 10.0), ("email", 10.5, 11.0)])
    clip_id = api.world.clips["a1_flagged"]

    r = api.get(f"/api/v1/clips/{clip_id}/audio", "agent1")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/wav"
    assert r.headers["content-disposition"] == f'inline; filename="clip-{clip_id}.wav"'
    params, got = read_wav(r.content)
    assert (params.nchannels, params.sampwidth, params.framerate) == (2, 2, SR)
    assert params.nframes / SR == CLIP_END - CLIP_START
    # card 4-6 s and phone 8.5-10 s (cut at the clip's end) in clip time
    assert_silenced(got, source, [(2.0, 4.0), (6.5, 7.0)])

    detail = api.get(f"/api/v1/clips/{clip_id}", "agent1").json()
    assert detail["silenced"] == [{"kind": "card", "start": 2.0, "end": 4.0},
                                  {"kind": "phone", "start": 6.5, "end": 7.0}]
    assert "[CARD]" in detail["transcript"][1]["text"]
    assert "4111" not in str(detail)

    dl = api.get(f"/api/v1/clips/{clip_id}/audio", "trainer", params={"download": "true"})
    assert dl.status_code == 200 and dl.content == r.content
    assert dl.headers["content-disposition"] == f'attachment; filename="clip-{clip_id}.wav"'


def test_mono_stays_mono_and_other_rates_become_16k(api: Api) -> None:
    source_wav(api.world.store / "2026" / "a1_flagged.wav", channels=1, rate=8000)
    r = api.get(f"/api/v1/clips/{api.world.clips['a1_flagged']}/audio", "sup")
    assert r.status_code == 200, r.text
    params, got = read_wav(r.content)
    assert (params.nchannels, params.framerate) == (1, SR)
    assert params.nframes == (CLIP_END - CLIP_START) * SR
    assert np.abs(got[:, int(2.0 * SR):int(4.0 * SR)]).max() <= 1
    assert np.abs(got[:, int(4.1 * SR):int(6.9 * SR)]).max() > 1000  # the tone after it


def test_scoping_and_errors(api: Api) -> None:
    source_wav(api.world.store / "2026" / "a1_flagged.wav")
    mine, theirs = api.world.clips["a1_flagged"], api.world.clips["a2_flagged"]
    assert api.get(f"/api/v1/clips/{mine}/audio").status_code == 401
    other = api.get(f"/api/v1/clips/{theirs}/audio", "agent1")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert api.get(f"/api/v1/clips/{mine}/audio", "agent2").status_code == 404
    assert api.get("/api/v1/clips/999999/audio", "admin").status_code == 404
    missing = api.get(f"/api/v1/clips/{theirs}/audio", "sup")  # a2_flagged has no file
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_recording_shorter_than_the_clip_gives_what_there_is(api: Api) -> None:
    source_wav(api.world.store / "2026" / "a1_flagged.wav", seconds=5.0)
    r = api.get(f"/api/v1/clips/{api.world.clips['a1_flagged']}/audio", "agent1")
    assert r.status_code == 200
    params, got = read_wav(r.content)
    assert params.nframes == 3 * SR  # 2.0-5.0 s
    assert np.abs(got[:, 2 * SR:]).max() <= 1  # card 4-6 s


def test_only_the_needed_part_is_decoded(tmp_path: Path) -> None:
    from pipeline.audio import load_audio
    from pipeline.clip_audio import decode_span

    path = tmp_path / "long.wav"
    source_wav(path, seconds=120.0, channels=2, rate=8000)
    whole = load_audio(path)
    cut = decode_span(path, 100.0, 102.5)
    assert cut.shape == (2, int(2.5 * SR))
    assert np.abs(cut - whole[:, 100 * SR:int(102.5 * SR)]).max() < 1e-3
    exact = tmp_path / "exact.wav"
    data = source_wav(exact, seconds=120.0)
    cut = decode_span(exact, 59.25, 61.0)
    assert np.array_equal(np.round(cut * 32768).astype(np.int32),
                          data[:, int(59.25 * SR):61 * SR].astype(np.int32))


def test_on_s3_the_clip_is_cut_from_ranged_reads(api: Api, s3_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from pipeline.clip_audio import decode_span
    from pipeline.db.models import Call
    from pipeline.db.session import session_scope
    from pipeline.settings import get_settings
    from pipeline.store_s3 import S3RangeReader

    source = source_wav(tmp_path / "call.wav")
    s3_store.put("2026/a2_flagged.wav", tmp_path / "call.wav")
    add_pii(api, "a2_flagged", [("phone", 8.5, 10.0)])
    with session_scope(api.world.url) as s:
        s.execute(update(Call).where(Call.id == api.world.calls["a2_flagged"])
                  .values(store_url=s3_store.url))
    api.client.app.state.settings = get_settings().model_copy(  # type: ignore[attr-defined]
        update={"database_url": api.world.url})
    clip_id = api.world.clips["a2_flagged"]
    r = api.get(f"/api/v1/clips/{clip_id}/audio", "agent2")
    assert r.status_code == 200, r.text
    params, got = read_wav(r.content)
    assert params.nchannels == 2 and params.nframes == (CLIP_END - CLIP_START) * SR
    assert_silenced(got, source, [(2.0, 4.0), (6.5, 7.0)])
    assert api.get(f"/api/v1/clips/{clip_id}/audio", "agent1").status_code == 404

    # a cut near the end of a long object reads a few blocks, not the whole object
    source_wav(tmp_path / "long.wav", seconds=300.0, channels=1)  # 9.6 MB
    s3_store.put("2026/long.wav", tmp_path / "long.wav")
    with S3RangeReader(s3_store, "2026/long.wav") as reader:
        cut = decode_span(reader, 290.0, 292.0)
        assert cut.shape == (1, 2 * SR)
        assert reader.gets <= 4, reader.gets
