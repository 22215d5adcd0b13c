"""A call's recording: streamed with HTTP Range from the local store, a presigned URL on S3
(when it has no PII span to silence: see test_api_redacted_audio.py)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.api.conftest import Api, write_wav


def audio_path(api: Api, name: str = "a1_flagged") -> str:
    return f"/api/v1/calls/{api.world.calls[name]}/audio"


def test_the_whole_recording_and_ranges_of_it(api: Api) -> None:
    data = api.world.audio
    full = api.get(audio_path(api), "agent1")
    assert full.status_code == 200 and full.content == data
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-type"] in ("audio/x-wav", "audio/wav")

    part = api.get(audio_path(api), "agent1", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.content == data[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(data)}"
    assert part.headers["content-length"] == "1000"

    tail = api.get(audio_path(api), "sup", headers={"Range": "bytes=-44"})
    assert tail.status_code == 206 and tail.content == data[-44:]
    rest = api.get(audio_path(api), "sup", headers={"Range": f"bytes={len(data) - 10}-"})
    assert rest.status_code == 206 and rest.content == data[-10:]

    beyond = api.get(audio_path(api), "sup", headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(data)}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"


def test_a_missing_recording_is_404_with_the_error_body(api: Api) -> None:
    r = api.get(audio_path(api, "a2_flagged"), "sup")  # seeded without a file
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found" and "a2_flagged" in r.json()["error"][
        "message"]


def test_on_s3_the_answer_is_a_presigned_url(api: Api, s3_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete, update

    from pipeline.db.models import Call, PIIRecord
    from pipeline.db.session import session_scope
    from pipeline.settings import get_settings

    data = write_wav(tmp_path / "call.wav", seconds=0.5)
    s3_store.put("2026/a2_flagged.wav", tmp_path / "call.wav")
    with session_scope(api.world.url) as s:
        s.execute(update(Call).where(Call.id == api.world.calls["a2_flagged"])
                  .values(store_url=s3_store.url))
        # a call with PII spans is served redacted, never redirected to the unredacted
        # object (tests/api/test_api_redacted_audio.py); this one has nothing to silence
        s.execute(delete(PIIRecord).where(PIIRecord.call_id == api.world.calls["a2_flagged"]))
    api.client.app.state.settings = get_settings().model_copy(  # type: ignore[attr-defined]
        update={"database_url": api.world.url})
    r = api.get(audio_path(api, "a2_flagged"), "agent2", follow_redirects=False)
    assert r.status_code == 307, r.text
    location = r.headers["location"]
    assert "a2_flagged.wav" in location and "X-Amz-Signature=" in location
    assert "X-Amz-Expires=900" in location
    assert httpx.get(location).content == data
    ranged = httpx.get(location, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.content == data[10:20]
    assert api.get(audio_path(api, "a2_flagged"), "agent1",
                   follow_redirects=False).status_code == 404
