"""Categorising a stored call: inside ``process_recording`` (beside its scoring) and in
the ``recategorise`` flow. Like scoring, it reads the call back from the database (the
redacted transcript, metrics, metadata), so a taxonomy change is applied to stored calls
without touching audio or the ASR model."""

from __future__ import annotations

import functools
import logging
from typing import Any

from pipeline.db import reasons as reason_db
from pipeline.db.complaint_opening import Opened, open_for_call
from pipeline.db.scores import StoredCall
from pipeline.db.times import utc_now
from pipeline.errors import ComplaintSlaError
from pipeline.settings import Settings, get_settings
from scoring.complaint_sla import load_sla
from scoring.protocols import ModelProvider
from scoring.taxonomy import Categorisation, Taxonomy, categorise, load_taxonomy
from scoring.types import CallView

__all__ = ["categorise_view", "metadata_of", "open_complaint", "taxonomy_in_force"]

log = logging.getLogger(__name__)


def taxonomy_in_force(settings: Settings) -> Taxonomy | None:
    """The settings' taxonomy (``CALLQA_TAXONOMY``), None when it is "none"."""
    name = (settings.taxonomy or "").strip()
    if name.lower() in ("", "none", "off"):
        return None
    return _load(name)


@functools.lru_cache(maxsize=8)
def _load(name: str) -> Taxonomy:
    return load_taxonomy(name)


def metadata_of(stored: StoredCall) -> dict[str, Any]:
    """What metadata rules may look at: the call's metadata and its stored columns."""
    call = stored.call
    stored_meta = dict(call.call_metadata or {})
    extra = stored_meta.pop("extra", None)  # the recorder's own fields (category, product)
    meta = {**(extra if isinstance(extra, dict) else {}),
            **{k: v for k, v in stored_meta.items() if v is not None}}
    meta.setdefault("queue", call.queue)
    meta.setdefault("direction", call.direction)
    return meta


def categorise_view(session: Any, stored: StoredCall, view: CallView, taxonomy: Taxonomy,
                    models: ModelProvider | None, repeat_window_days: float | None = None
                    ) -> Categorisation:
    """Categorise the call and store its reasons (replacing earlier ones), then relink
    the customer's repeat contacts."""
    found = categorise(view, metadata_of(stored), taxonomy, models)
    window = get_settings().repeat_window_days if repeat_window_days is None \
        else repeat_window_days
    reason_db.save_reasons(session, stored.call.id, found.to_dict(), window)
    return found


def open_complaint(session: Any, call_id: str, settings: Settings | None = None
                   ) -> Opened | None:
    """After a call's reasons (and scorecard) are stored: open its complaint case, or
    attach it to its customer's open one (:func:`pipeline.db.complaint_opening.open_for_call`;
    a call already in a case is left alone). An unusable SLA file is logged, not raised:
    it must not undo the call's scoring (``callqa config check`` reports it)."""
    try:
        sla = load_sla(settings or get_settings())
    except ComplaintSlaError as exc:
        log.warning("call %s: no complaint case opened: %s", call_id, exc)
        return None
    return open_for_call(session, call_id, sla, utc_now())
