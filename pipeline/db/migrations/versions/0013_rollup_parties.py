"""rollups count the calls whose speakers were told apart

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:00:00

``parties_n`` in ``daily_rollups`` and ``agent_day_rollups``: of the calls with metrics,
those that were diarised or stereo. The talk-ratio and overtalk sums now hold only those
calls, so a dashboard's mean agent talk ratio no longer counts an undiarised call's
meaningless figure. The rows are rebuilt once the upgrade reaches head
(``pipeline.db.rollups.CHANGED_AT``).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('daily_rollups', 'agent_day_rollups')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('parties_n', sa.Integer(), nullable=False,
                                       server_default='0'))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('parties_n')
