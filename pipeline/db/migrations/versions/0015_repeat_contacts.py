"""repeat contacts: who each call's customer is, and the earlier call it repeats

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:30:00

``calls.customer_key`` (``customer_ref``, or a salted hash of the caller number; see
``pipeline.customers``) links a customer's calls; ``calls.repeat_of`` names the earlier
call of the same customer on the same primary reason within the repeat window
(``pipeline.db.repeats``). Calls stored before get their key from ``customer_ref`` here;
their links come with ``callqa recategorise --all``. ``repeat_of`` has no foreign key (on
SQLite adding one rebuilds ``calls``, and the rebuild's drop would cascade to every call's
rows); an erasure clears the links to the erased call itself.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls') as batch:
        batch.add_column(sa.Column('customer_key', sa.String(length=250), nullable=True))
        batch.add_column(sa.Column('repeat_of', sa.String(length=36), nullable=True))
        batch.create_index('ix_calls_customer_key', ['customer_key'])
        batch.create_index('ix_calls_repeat_of', ['repeat_of'])
    op.execute("UPDATE calls SET customer_key = 'ref:' || customer_ref "
               "WHERE customer_ref IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('calls') as batch:
        batch.drop_index('ix_calls_repeat_of')
        batch.drop_index('ix_calls_customer_key')
        batch.drop_column('repeat_of')
        batch.drop_column('customer_key')
