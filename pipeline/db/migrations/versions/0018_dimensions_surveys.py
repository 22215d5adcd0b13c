"""dimensions, KPIs and surveys

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 21:00:00

``calls.region``, ``calls.channel`` (voice, chat ...) and ``calls.acw_seconds`` (after-call
work) come from metadata; calls stored before get them here from their stored metadata
(where the recorder sent them they sit under ``extra``), and a product from the metadata
where the call has none. ``daily_rollups`` gain region, channel and product as keys; both
rollup tables the sums of the KPIs (after-call work, FCR, repeats, complaints). The rows
are rebuilt once the upgrade reaches head (``pipeline.db.rollups.CHANGED_AT``), which also
moves ``category`` to the recorder's ``category`` (it was read from the wrong place).
``surveys`` holds post-call survey answers (``pipeline.db.survey_records``).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('daily_rollups', 'agent_day_rollups')
SUMS = ('acw_n', 'fcr_calls', 'repeats', 'resolved', 'complaints')
KEYS = ('region', 'channel', 'product')


def _field(dialect: str, name: str) -> str:
    """SQL for the metadata field ``name``: top level (new calls), else under ``extra``."""
    if dialect == 'sqlite':
        return (f"coalesce(json_extract(metadata, '$.{name}'), "
                f"json_extract(metadata, '$.extra.{name}'))")
    return (f"coalesce(metadata::json ->> '{name}', "
            f"metadata::json -> 'extra' ->> '{name}')")


def _backfill() -> None:
    dialect = op.get_bind().dialect.name
    for column, name in (('region', 'region'), ('channel', 'channel')):
        value = _field(dialect, name)
        cleaned = f"lower(trim({value}))" if column == 'channel' else f"trim({value})"
        op.execute(f"UPDATE calls SET {column} = substr({cleaned}, 1, 60) "
                   f"WHERE {column} IS NULL AND {value} IS NOT NULL")
    product = _field(dialect, 'product')
    op.execute(f"UPDATE calls SET product = substr(trim({product}), 1, 60) "
               f"WHERE product IS NULL AND {product} IS NOT NULL")
    acw = _field(dialect, 'after_call_work_seconds')
    if dialect == 'sqlite':
        number = ("typeof(json_extract(metadata, '$.extra.after_call_work_seconds')) "
                  "IN ('integer', 'real') OR typeof(json_extract(metadata, "
                  "'$.after_call_work_seconds')) IN ('integer', 'real')")
        op.execute(f"UPDATE calls SET acw_seconds = CAST({acw} AS REAL) "
                   f"WHERE ({number}) AND CAST({acw} AS REAL) >= 0")
    else:
        op.execute(f"UPDATE calls SET acw_seconds = CAST({acw} AS DOUBLE PRECISION) "
                   f"WHERE {acw} ~ '^[0-9]+(\\.[0-9]+)?$'")


def upgrade() -> None:
    with op.batch_alter_table('calls') as batch:
        batch.add_column(sa.Column('region', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('channel', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('acw_seconds', sa.Float(), nullable=True))
        batch.create_index('ix_calls_region', ['region'])
        batch.create_index('ix_calls_channel', ['channel'])
    _backfill()
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            if table == 'daily_rollups':
                for key in KEYS:
                    batch.add_column(sa.Column(key, sa.String(length=60), nullable=True))
            batch.add_column(sa.Column('acw_sum', sa.Float(), nullable=True))
            for name in SUMS:
                batch.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                           server_default='0'))
    op.create_table(
        'surveys',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('call_id', sa.String(length=36),
                  sa.ForeignKey('calls.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('csat', sa.Integer(), nullable=True),
        sa.Column('nps', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('call_id', 'kind', name='uq_surveys_call_kind'),
    )
    op.create_index('ix_surveys_call_id', 'surveys', ['call_id'])


def downgrade() -> None:
    op.drop_index('ix_surveys_call_id', table_name='surveys')
    op.drop_table('surveys')
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name in reversed(SUMS):
                batch.drop_column(name)
            batch.drop_column('acw_sum')
            if table == 'daily_rollups':
                for key in reversed(KEYS):
                    batch.drop_column(key)
    with op.batch_alter_table('calls') as batch:
        batch.drop_index('ix_calls_channel')
        batch.drop_index('ix_calls_region')
        batch.drop_column('acw_seconds')
        batch.drop_column('channel')
        batch.drop_column('region')
