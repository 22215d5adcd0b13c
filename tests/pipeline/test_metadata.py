from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.errors import MetadataError
from pipeline.metadata import parse_metadata
from pipeline.types import Role


def test_full_sidecar() -> None:
    md = parse_metadata(
        {"agent_id": "A-17", "agent_name": "Ayşe", "team": "Fatura", "queue": "billing",
         "direction": "Inbound", "started_at": "2026-11-24T09:30:00+03:00", "customer_ref": 991,
         "language": "TR", "channels": {"0": "customer", "1": "agent"}, "crm_ticket": "T-1"},
        "x.wav",
    )
    assert md.direction == "inbound" and md.language == "tr" and md.customer_ref == "991"
    assert md.started_at == datetime.fromisoformat("2026-11-24T09:30:00+03:00")
    assert md.channels == {0: Role.CUSTOMER, 1: Role.AGENT}
    assert md.extra == {"crm_ticket": "T-1"}  # unknown fields are kept, not dropped


def test_every_wrong_field_is_named_in_one_error() -> None:
    with pytest.raises(MetadataError) as err:
        parse_metadata(
            {"direction": "sideways", "started_at": "yesterday", "channels": {"0": "boss"},
             "agent_id": ["x"]},
            "calls/1.wav",
        )
    text = str(err.value)
    assert text.startswith("recording 'calls/1.wav': invalid metadata")
    for field in ("direction", "started_at", "channels", "agent_id"):
        assert field in text
    assert "Fix the sidecar" in text


def test_no_metadata_is_fine() -> None:
    assert parse_metadata(None).agent_id is None
