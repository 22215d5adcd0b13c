"""notifications (outbox, webhooks, e-mail)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 21:00:00

The ``notifications`` outbox (``pipeline.db.outbox``): one row per delivery of an event to
a webhook or a user's e-mail, queued in the transaction of the change it reports and
delivered by ``flows/notify.py``. ``users.email`` is where a user's e-mail goes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.String(length=36), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('subject_type', sa.String(length=40), nullable=False),
        sa.Column('subject_id', sa.String(length=100), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('target', sa.String(length=100), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('dedup_key', sa.String(length=200), nullable=True),
        sa.Column('dedup', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('delivery_id'),
        sa.UniqueConstraint('dedup'),
    )
    op.create_index('ix_notifications_event', 'notifications', ['event'])
    op.create_index('ix_notifications_subject_id', 'notifications', ['subject_id'])
    op.create_index('ix_notifications_status', 'notifications', ['status'])
    op.create_index('ix_notifications_next_attempt_at', 'notifications', ['next_attempt_at'])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email')
    op.drop_index('ix_notifications_next_attempt_at', table_name='notifications')
    op.drop_index('ix_notifications_status', table_name='notifications')
    op.drop_index('ix_notifications_subject_id', table_name='notifications')
    op.drop_index('ix_notifications_event', table_name='notifications')
    op.drop_table('notifications')
