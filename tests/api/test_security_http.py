"""The API under hostile input (issue 12): ids past the database's integer, malformed
webhook records, a 404 that would show the server's folder, security headers, local
Swagger files, and a request body limit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from tests.api.conftest import Api

HUGE = str(2**63)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return dict(body["error"])


def int_routes(api: Api) -> Iterator[tuple[str, str]]:
    """(method, path) of every API route with an integer path parameter (from the OpenAPI
    document, which lists every route), integers set to 2**63, call ids to a real call."""
    document = api.get("/api/v1/openapi.json").json()
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            params = {p["name"]: p["schema"].get("type") for p in operation.get("parameters", [])
                      if p["in"] == "path"}
            if "integer" not in params.values():
                continue
            path = template
            for name, kind in params.items():
                value = HUGE if kind == "integer" else api.world.calls["a1_flagged"]
                path = path.replace("{" + name + "}", value)
            yield method.upper(), path


def test_ids_past_the_database_integer_answer_422_on_every_route(api: Api) -> None:
    walked = list(int_routes(api))
    assert len(walked) >= 15, walked  # reviews, clips, disputes, scores, users, admin...
    for method, path in walked:
        response = api.request(method, path, "admin", json={})
        assert response.status_code in (404, 422), (method, path, response.text)
        error_of(response)


def test_ids_past_the_database_integer_in_queries_answer_422_or_nothing(api: Api) -> None:
    for path in (f"/api/v1/audit?user_id={HUGE}", f"/api/v1/me/trend?agent_id={HUGE}",
                 f"/api/v1/calls?skip={HUGE}", f"/api/v1/audit?skip={HUGE}"):
        response = api.get(path, "admin")
        assert response.status_code == 422, (path, response.text)
        error_of(response)
    agents = api.get(f"/api/v1/admin/agents?team={HUGE}", "admin")
    assert agents.status_code == 200 and agents.json()["count"] == 0


TOKEN = "webhook-secret-for-tests"


def test_a_non_numeric_size_in_the_webhook_answers_422_and_keeps_the_good_records(
    callqa_home: Path,
) -> None:
    from api.app import create_app
    from pipeline.db.recording_queue import Recording
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings

    def record(key: str, size: Any) -> dict[str, Any]:
        return {"eventName": "s3:ObjectCreated:Put", "s3": {
            "bucket": {"name": "calls"}, "object": {"key": key, "size": size}}}

    settings = Settings(home=callqa_home, store_url="s3://calls/incoming",
                        events_token=SecretStr(TOKEN))
    body = {"Records": [record("incoming/good.wav", 2048), record("incoming/bad.wav", "abc"),
                        {"eventName": "s3:ObjectCreated:Put", "s3": "not an object"},
                        record("incoming/huge.wav", 2**70), record("incoming/ok.wav", "12")]}
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/events/s3", json=body,
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422, response.text
    message = error_of(response)["message"]
    assert "record 2" in message and "'abc'" in message and "record 3" in message
    assert "record 4" in message and "other 2 were noticed" in message
    with session_scope(settings.resolved_database_url) as session:
        rows = session.scalars(select(Recording)).all()
        assert sorted((r.key, r.size) for r in rows) == [("good.wav", 2048), ("ok.wav", 12)]


def test_a_missing_recording_answers_404_without_the_server_folder(api: Api) -> None:
    store = api.world.store
    (store / "2026" / "a1_flagged.wav").unlink()
    call_id = api.world.calls["a1_flagged"]
    call = api.get(f"/api/v1/calls/{call_id}/audio", "admin")
    clip = api.get(f"/api/v1/clips/{api.world.clips['a1_flagged']}/audio", "admin")
    for response in (call, clip):
        assert response.status_code == 404, response.text
        message = error_of(response)["message"]
        assert str(store) not in message and str(api.settings.home) not in message, message
        assert "2026/a1_flagged.wav" in message
    assert call_id in error_of(call)["message"]


def test_every_response_carries_the_security_headers(api: Api) -> None:
    responses = [api.get("/"), api.get("/ui/app.js"), api.get("/api/v1/calls"),
                 api.get("/api/v1/calls", "admin"), api.get("/api/v1/nothing-here"),
                 api.get("/api/docs"), api.get("/api/v1/openapi.json")]
    for response in responses:
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert "unsafe-eval" not in policy and "http" not in policy
    ui_policy = responses[0].headers["content-security-policy"]
    assert "script-src 'self';" in ui_policy  # no inline script on the UI


def test_swagger_ui_is_served_from_here(api: Api) -> None:
    page = api.get("/api/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    sources = re.findall(r'<script src="([^"]+)"', page.text)
    styles = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', page.text)
    assert sources and styles
    for url in sources + styles:
        asset = api.get(url)
        assert asset.status_code == 200 and len(asset.content) > 10_000, url
    script = api.get(sources[0])
    assert "SwaggerUIBundle" in script.text
    assert "'sha256-" in page.headers["content-security-policy"]
    assert api.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")


def test_a_body_over_the_limit_answers_413_announced_or_streamed(api: Api) -> None:
    big = b"x" * (api.settings.max_request_bytes + 1)
    announced = api.post("/api/v1/auth/login", content=big,
                         headers={"Content-Type": "application/json"})
    assert announced.status_code == 413
    assert error_of(announced)["code"] == "payload_too_large"
    assert announced.headers["x-content-type-options"] == "nosniff"

    def chunks() -> Iterator[bytes]:
        for _ in range(big.__len__() // 65536 + 1):
            yield b"x" * 65536

    streamed = api.post("/api/v1/admin/rubrics", "admin", content=chunks(),
                        headers={"Content-Type": "application/x-yaml"})
    assert "content-length" not in {k.lower() for k in streamed.request.headers}
    assert streamed.status_code == 413, streamed.text
    error_of(streamed)
    small = api.post("/api/v1/auth/login", json={"username": "admin",
                                                 "password": "correct horse battery staple"})
    assert small.status_code == 200, small.text


def test_an_unexpected_error_answers_500_with_the_security_headers(api: Api) -> None:
    def broken() -> None:
        raise RuntimeError("a bug with /srv/secret/path in its message")

    app: Any = api.client.app
    app.add_api_route("/api/v1/broken-for-test", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/broken-for-test")
    assert response.status_code == 500
    assert error_of(response) == {"code": "internal",
                                  "message": "internal error; the server log has the details"}
    assert "/srv/secret" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def body_int_fields(api: Api) -> Iterator[tuple[str, str]]:
    """(schema, field) of every integer field a request body can carry, from OpenAPI."""
    document = api.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    bodies = {ref["$ref"].rsplit("/", 1)[1]
              for operations in document["paths"].values() for op in operations.values()
              for ref in [op.get("requestBody", {}).get("content", {})
                          .get("application/json", {}).get("schema", {})] if "$ref" in ref}
    for name in sorted(bodies):
        for field, spec in schemas[name].get("properties", {}).items():
            kinds = [spec, *spec.get("anyOf", []), spec.get("items", {})]
            if any(kind.get("type") == "integer" for kind in kinds):
                yield name, field


def test_ids_in_request_bodies_are_held_to_the_database_integer(api: Api) -> None:
    document = api.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    fields = list(body_int_fields(api))
    assert ("DisputeCreate", "score_id") in fields and ("AgentCreate", "team_id") in fields
    for name, field in fields:
        spec = schemas[name]["properties"][field]
        kinds = [spec, *spec.get("anyOf", []), spec.get("items", {})]
        bounded = [k for k in kinds if k.get("type") == "integer"]
        # OpenAPI writes the bound as a float, 2**63-1 rounds to 2**63 there
        assert all(k.get("maximum", HUGE_INT * 2) <= HUGE_INT for k in bounded), (name, field)
    dispute = api.post("/api/v1/disputes", "agent1",
                       json={"score_id": 2**63, "reason": "the greeting was said",
                             "criteria": [1]})
    agent = api.post("/api/v1/admin/agents", "admin",
                     json={"external_id": "A-9", "team_id": 2**63})
    for response in (dispute, agent):
        assert response.status_code == 422, response.text
        assert "less than or equal" in error_of(response)["message"]


HUGE_INT = 2**63
