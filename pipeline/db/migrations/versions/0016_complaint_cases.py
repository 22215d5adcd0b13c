"""complaint cases (ISO 10002)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:00:00

``complaint_cases`` follows each complaint from its first call to its closure, the calls
that belong to it are in ``complaint_case_calls`` (one case per call), and its history in
``complaint_events`` (``pipeline.db.complaint_records``). Calls stored before open cases
with ``callqa recategorise --all`` (a call already in a case is not opened again).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'complaint_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=True),
        sa.Column('customer_key', sa.String(length=250), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', _WHEN, nullable=False),
        sa.Column('acknowledged_at', _WHEN, nullable=True),
        sa.Column('responded_at', _WHEN, nullable=True),
        sa.Column('clock_from', _WHEN, nullable=False),
        sa.Column('due_at', _WHEN, nullable=True),
        sa.Column('closed_at', _WHEN, nullable=True),
        sa.Column('reopened', sa.Integer(), nullable=False),
        sa.Column('escalation_level', sa.Integer(), nullable=False),
        sa.Column('escalated_for', sa.String(length=40), nullable=True),
        sa.Column('outcome', sa.String(length=30), nullable=True),
        sa.Column('root_cause', sa.String(length=60), nullable=True),
        sa.Column('satisfaction', sa.Integer(), nullable=True),
        sa.Column('sla_met', sa.Boolean(), nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reference'),
    )
    for column in ('status', 'category', 'customer_key', 'team_id', 'owner_id',
                   'opened_at', 'due_at', 'root_cause'):
        op.create_index(op.f(f'ix_complaint_cases_{column}'), 'complaint_cases', [column])
    op.create_table(
        'complaint_case_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=36), nullable=False),
        sa.Column('attached_at', _WHEN, nullable=False),
        sa.Column('why', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('call_id', name='uq_complaint_case_calls_call'),
    )
    op.create_index(op.f('ix_complaint_case_calls_case_id'), 'complaint_case_calls',
                    ['case_id'])
    op.create_table(
        'complaint_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('at', _WHEN, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('case_id', 'user_id'):
        op.create_index(op.f(f'ix_complaint_events_{column}'), 'complaint_events', [column])


def downgrade() -> None:
    for column in ('user_id', 'case_id'):
        op.drop_index(op.f(f'ix_complaint_events_{column}'), table_name='complaint_events')
    op.drop_table('complaint_events')
    op.drop_index(op.f('ix_complaint_case_calls_case_id'), table_name='complaint_case_calls')
    op.drop_table('complaint_case_calls')
    for column in ('root_cause', 'due_at', 'opened_at', 'owner_id', 'team_id',
                   'customer_key', 'category', 'status'):
        op.drop_index(op.f(f'ix_complaint_cases_{column}'), table_name='complaint_cases')
    op.drop_table('complaint_cases')
