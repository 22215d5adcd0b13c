"""``callqa config check`` names a decoding prompt that holds a rubric phrase: refused in
production, a warning in development (``api.cli.ops.prompt_problems``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.test_config_check import PROD, run

PROMPT = ("Anadolu Telekom, Fiber Max. Bu görüşme kalite standartları gereği kayıt altına "
          "alınmaktadır.")
WORKER = PROD | {
    "CALLQA_STORE_URL": "s3://recordings/calls", "CALLQA_S3_ENDPOINT": "minio:9000",
    "CALLQA_S3_ACCESS_KEY": "callqa", "CALLQA_S3_SECRET_KEY": "a-long-enough-secret-value",
    "CALLQA_ASR_MODEL": "large-v3-turbo", "PREFECT_API_URL": "http://prefect:4200/api",
    "PREFECT_API_AUTH_STRING": "callqa:prefect-basic-auth",
    "CALLQA_COMPANY_NAMES": '["Anadolu Telekom"]',
    # no database to reach: only the folder's rubrics are in force
    "CALLQA_DATABASE_URL": "postgresql+psycopg://callqa:pw@127.0.0.1:1/callqa",
}


@pytest.mark.slow
def test_production_refuses_a_prompt_that_holds_the_disclosure(tmp_path: Path) -> None:
    refused = run(tmp_path, WORKER | {"CALLQA_ASR_INITIAL_PROMPT": PROMPT},
                  "config", "check", "--service", "worker")
    assert refused.returncode == 2, refused.stderr
    assert "refused CALLQA_ASR_INITIAL_PROMPT" in refused.stderr
    assert "'bu görüşme kalite standartları gereği kayıt altına alınmaktadır'" in refused.stderr
    assert "inbound_service_tr: kayit_bilgilendirmesi" in refused.stderr
    assert "change CALLQA_ASR_INITIAL_PROMPT" in refused.stderr

    innocent = run(tmp_path, WORKER | {"CALLQA_ASR_INITIAL_PROMPT": "Anadolu Telekom, Fiber Max",
                                       "CALLQA_ASR_HOTWORDS": "Superonline, modem"},
                   "config", "check", "--service", "worker")
    assert innocent.returncode == 0, innocent.stderr
    assert "CALLQA_ASR_" not in innocent.stderr


@pytest.mark.slow
def test_development_warns_about_hotwords_and_starts(tmp_path: Path) -> None:
    result = run(tmp_path, {"CALLQA_ASR_HOTWORDS": "Superonline, kayıt"},
                 "config", "check", "--service", "worker")
    assert result.returncode == 0, result.stderr
    assert "warning CALLQA_ASR_HOTWORDS" in result.stderr
    assert "kayit_bilgilendirmesi" in result.stderr
