"""The review loop: disputed criteria, calibration sessions, coaching tasks

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00

``dispute_criteria`` names the criteria an agent contests in a dispute, and the verdict an
accepted dispute gave each. ``calibration_sessions`` has several reviewers
(``calibration_reviewers``) score one scorecard blind (``calibration_verdicts``, one per
reviewer and criterion) until it is revealed. ``coaching_tasks`` gives an agent a call, a
clip or a criterion to work on, with a note and a due date, until the agent marks it done.
Each row goes with its call when the call is erased (``pipeline.db.erasure``).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        'dispute_criteria',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('criterion_result_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=4), nullable=True),
        sa.Column('points', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['criterion_result_id'], ['criterion_results.id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dispute_id', 'criterion_result_id'),
    )
    _index('dispute_criteria', 'dispute_id', 'criterion_result_id')
    op.create_table(
        'calibration_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=36), nullable=False),
        sa.Column('score_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.ForeignKeyConstraint(['score_id'], ['scores.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    _index('calibration_sessions', 'call_id', 'score_id', 'status', 'created_by', 'created_at')
    op.create_table(
        'calibration_reviewers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['calibration_sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'user_id'),
    )
    _index('calibration_reviewers', 'session_id', 'user_id')
    op.create_table(
        'calibration_verdicts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('criterion_result_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=4), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['criterion_result_id'], ['criterion_results.id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['calibration_reviewers.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reviewer_id', 'criterion_result_id'),
    )
    _index('calibration_verdicts', 'reviewer_id', 'criterion_result_id')
    op.create_table(
        'coaching_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=36), nullable=True),
        sa.Column('clip_id', sa.Integer(), nullable=True),
        sa.Column('criterion_id', sa.String(length=100), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['clip_id'], ['clips.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    _index('coaching_tasks', 'agent_id', 'call_id', 'clip_id', 'due_on', 'status', 'created_by')


def downgrade() -> None:
    for table in ('coaching_tasks', 'calibration_verdicts', 'calibration_reviewers',
                  'calibration_sessions', 'dispute_criteria'):
        op.drop_table(table)
