"""Languages: how each call's language was decided, and each user's UI language

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:30:00

``calls.language_source`` says what decided the call's language (``metadata``, ``queue``,
``setting``, ``detected``, ``only``) and ``calls.language_reason`` says why, in a line a
supervisor can read ("detected among tr, en, az: tr 0.91, az 0.05"). ``users.language`` is
the web UI's language for that user (``tr`` or ``en``); NULL follows the browser.
``criterion_results.explanation_message`` and ``flags.reason_message`` hold the explanation
and the flag reason as a message (``{"key": ..., "args": {...}}``), so each reader sees them
in their own language; the English ``explanation``/``reason`` text stays for old rows.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('language_reason', sa.String(length=300), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('criterion_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explanation_message', sa.JSON(), nullable=True))
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_message', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('reason_message')
    with op.batch_alter_table('criterion_results', schema=None) as batch_op:
        batch_op.drop_column('explanation_message')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('language_reason')
        batch_op.drop_column('language_source')
