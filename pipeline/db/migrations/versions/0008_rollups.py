"""daily rollups: per day x agent x team x queue x direction x language x category sums,
and per day x agent

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 23:50:00

``daily_rollups`` (pipeline.db.rollups) lets dashboards and trends add up a few rows per
day instead of grouping every call. The tables are created empty: their rows are derived
data, rebuilt from the stored calls once the schema is at head
(``pipeline.db.session.upgrade`` and ``pipeline.db.rollups.CHANGED_AT``), with the query the
application keeps them in step with; a rebuild here would run today's query against a
schema that lacks the columns later migrations add.

On PostgreSQL also ``ix_calls_list_order``: the call list's ORDER BY as an index.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.db.text_index import LIST_ORDER_INDEX

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sums() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dated', sa.Boolean(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('score_sum', sa.Float(), nullable=False),
        sa.Column('fails', sa.Integer(), nullable=False),
        sa.Column('flagged', sa.Integer(), nullable=False),
        sa.Column('end_sum', sa.Float(), nullable=True),
        sa.Column('end_n', sa.Integer(), nullable=False),
        sa.Column('duration_sum', sa.Float(), nullable=True),
        sa.Column('duration_n', sa.Integer(), nullable=False),
        sa.Column('silence_pct_sum', sa.Float(), nullable=True),
        sa.Column('talk_ratio_sum', sa.Float(), nullable=True),
        sa.Column('overtalk_sum', sa.Float(), nullable=True),
        sa.Column('metrics_n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    ]


def upgrade() -> None:
    op.create_table(
        'daily_rollups', *_sums(),
        sa.Column('queue', sa.String(length=200), nullable=True),
        sa.Column('direction', sa.String(length=20), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=True),
        sa.Column('category', sa.Text(), nullable=True),
    )
    op.create_table('agent_day_rollups', *_sums())
    for table in ('daily_rollups', 'agent_day_rollups'):
        op.create_index(f'ix_{table}_day_agent', table, ['day', 'agent_id'])
        op.create_index(f'ix_{table}_agent_day', table, ['agent_id', 'day'])
    if op.get_bind().dialect.name == "postgresql":
        # the call list's order (newest first, undated last): a page of a search walks it
        # and stops after 50 calls instead of sorting every call (not in the models:
        # SQLite cannot declare NULLS LAST in an index, and its planner needs none)
        op.execute(f"CREATE INDEX {LIST_ORDER_INDEX} ON calls "
                   "(started_at DESC NULLS LAST, created_at DESC, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {LIST_ORDER_INDEX}")
    for table in ('agent_day_rollups', 'daily_rollups'):
        op.drop_index(f'ix_{table}_agent_day', table_name=table)
        op.drop_index(f'ix_{table}_day_agent', table_name=table)
        op.drop_table(table)
