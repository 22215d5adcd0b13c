"""login_throttle: failed sign-in counts shared by every API process

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 03:20:00

`callqa serve --workers N` and several replicas behind a load balancer see the same counts,
so a password guesser gets one budget, not one per process.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last', sa.Float(), nullable=False),
        sa.Column('blocked_until', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index(op.f('ix_login_throttle_last'), 'login_throttle', ['last'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_throttle_last'), table_name='login_throttle')
    op.drop_table('login_throttle')
