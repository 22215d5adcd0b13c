"""fast queries: transcript text index, scorecard flagged/customer_end, query indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 23:00:00

- ``utterances.search_text``: the folded redacted text (pipeline.db.text_index), filled
  here for stored utterances, indexed by trigrams: an FTS5 table kept in step by triggers
  on SQLite, a pg_trgm GIN index on PostgreSQL.
- ``scores.flagged`` and ``scores.customer_end``: what the review queue and dashboards
  read, instead of the flags table and the sentiment JSON of every scorecard.
- indexes for the review queue's and the trends' plans.

Stored values are computed with the same functions save_scorecard and the models use
(``search_key``, ``customer_end``), so old rows and new rows agree.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.db.dashboards import customer_end
from pipeline.db.text_index import FTS_TABLE, TRGM_INDEX, search_key

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000

# SQLite: an external-content FTS5 table over utterances.search_text. Triggers keep it in
# step with every write; a batch migration that recreates ``utterances`` drops them, so
# such a migration must create them again (SQLITE_TRIGGERS).
SQLITE_FTS = (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='utterances', "
              "content_rowid='id', tokenize='trigram')")
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON utterances BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON utterances BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF search_text ON utterances BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def _backfill(table: str, columns: str, compute) -> None:  # type: ignore[no-untyped-def]
    """Walk ``table`` by id in batches and set what ``compute(row)`` returns (a dict)."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text(f"SELECT id, {columns} FROM {table} WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        values = [{"id": row[0], **compute(row)} for row in rows]
        sets = ", ".join(f"{k} = :{k}" for k in values[0] if k != "id")
        conn.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), values)
        last = rows[-1][0]


def _sentiment_end(row) -> dict:  # type: ignore[no-untyped-def]
    import json

    value = row[1]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    return {"customer_end": customer_end(value)}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # plain ALTER TABLE ADD/DROP COLUMN, never a batch copy: on SQLite, dropping the old
    # ``scores`` table would cascade to its criterion results and flags
    op.add_column('utterances', sa.Column('search_text', sa.Text(), nullable=True))
    op.add_column('scores', sa.Column('flagged', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.add_column('scores', sa.Column('customer_end', sa.Float(), nullable=True))

    _backfill("utterances", "redacted_text", lambda row: {"search_text": search_key(row[1])})
    _backfill("scores", "sentiment", _sentiment_end)
    op.execute("UPDATE scores SET flagged = EXISTS "
               "(SELECT 1 FROM flags WHERE flags.score_id = scores.id)")

    op.create_index('ix_calls_agent_started', 'calls', ['agent_id', 'started_at', 'id'])
    op.create_index('ix_call_metrics_summary', 'call_metrics',
                    ['call_id', 'duration', 'silence_pct', 'talk_ratio_agent', 'overtalk'])
    op.create_index('ix_scores_queue', 'scores', ['current', 'flagged', 'priority'])
    op.create_index('ix_scores_current_call', 'scores',
                    ['call_id', 'total', 'auto_failed', 'flagged', 'customer_end', 'created_at',
                     'current'],
                    sqlite_where=sa.text("current = 1"), postgresql_where=sa.text("current"))
    op.execute("ANALYZE")  # the planner's statistics must know the new indexes

    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {TRGM_INDEX} ON utterances "
                   "USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")  # pg_trgm stays: others may use it
    for table, index in (('scores', 'ix_scores_current_call'), ('scores', 'ix_scores_queue'),
                         ('call_metrics', 'ix_call_metrics_summary'),
                         ('calls', 'ix_calls_agent_started')):
        op.drop_index(index, table_name=table)
    op.drop_column('scores', 'customer_end')
    op.drop_column('scores', 'flagged')
    op.drop_column('utterances', 'search_text')
