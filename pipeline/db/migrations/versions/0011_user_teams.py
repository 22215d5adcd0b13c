"""user_teams: the teams each user works in

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:40:00

One row per user and team (the pair is the primary key, so it is unique). With
``CALLQA_TEAM_SCOPING`` on (the production default) a supervisor or trainer sees only the
calls of their teams; a user with no rows sees no team's calls. Deleting a user or a team
deletes its rows.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'user_teams',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'team_id'),
    )
    op.create_index(op.f('ix_user_teams_team_id'), 'user_teams', ['team_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_teams_team_id'), table_name='user_teams')
    op.drop_table('user_teams')
