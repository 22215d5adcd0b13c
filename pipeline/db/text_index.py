"""The transcript text index: what the trainers' search (``GET /calls?q=``) looks words up in.

Each utterance keeps ``search_text``: :func:`pipeline.textnorm.fold` of its redacted text
(lower case, no accents, the four Turkish i's as ``i``, punctuation as single spaces), set
by the model whenever ``redacted_text`` is written (see ``UtteranceRecord``). A search folds
the words typed the same way and looks for them as a substring of ``search_text``, so
"ŞİKAYET", "sikayet" and "şikâyet" find each other, on SQLite and PostgreSQL alike.

The substring lookup is served by a trigram index, created by migration 0006:

- PostgreSQL: a GIN index with ``gin_trgm_ops`` (pg_trgm) on ``utterances.search_text``,
  which serves ``search_text LIKE '%words%'`` directly;
- SQLite: an FTS5 table with the ``trigram`` tokenizer whose content is
  ``utterances.search_text`` (external content), kept in step by triggers on
  ``utterances`` (insert, delete, update), so every write path, ORM or Core, keeps it right.
  A phrase query on it is a substring match; the words travel as one quoted FTS5 string
  (a double quote doubled), so FTS5 operators typed by a person (``NEAR``, ``*``, ``OR``,
  ``-``, ``^``) are only text.

Neither object is in the models' metadata (the FTS5 table and its shadow tables are
SQLite-only, the GIN index PostgreSQL-only): :func:`include_name` hides them from
autogenerate comparisons.

This module holds what the models, the migrations and the search share (the stored form,
the names of the index objects) and imports no model: the lookups through the index,
which query ``UtteranceRecord``, are :func:`indexed_utterance_ids` and :func:`contains` in
:mod:`pipeline.db.search`.
"""

from __future__ import annotations

from typing import Any

from pipeline.textnorm import fold

FTS_TABLE = "utterances_fts"  # SQLite: FTS5, trigram tokenizer, content=utterances
TRGM_INDEX = "ix_utterances_search_trgm"  # PostgreSQL: GIN (search_text gin_trgm_ops)
MIN_INDEXED = 3  # a trigram index finds substrings of at least three characters


def search_key(text: str | None) -> str:
    """The form of ``text`` that is stored and searched: see :func:`pipeline.textnorm.fold`."""
    return fold(text or "")


# PostgreSQL only, made by migration 0008: the call list's order, started_at DESC NULLS LAST
LIST_ORDER_INDEX = "ix_calls_list_order"


def include_name(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Alembic ``include_name`` hook: False for the text index's own tables and index,
    and the PostgreSQL-only list order index, which the models do not declare."""
    if name is None:
        return True
    if type_ == "table":
        return not (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))
    if type_ == "index":
        return name not in (TRGM_INDEX, LIST_ORDER_INDEX)
    return True


def fts_phrase(needle: str) -> str:
    """``needle`` as one FTS5 string literal: a phrase, never an FTS5 expression."""
    return '"' + needle.replace('"', '""') + '"'
