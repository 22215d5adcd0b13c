"""calls.model_seconds: time inside the ASR and diarisation models per call

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 23:20:00

What the rest of the pipeline costs is measured against it (the throughput benchmark's
"share of wall time outside the models"); operators can watch it per worker too.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_seconds', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('model_seconds')
