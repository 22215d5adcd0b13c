"""contact reasons: every call's reasons from a taxonomy, its primary reason and product

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:00:00

``call_reasons`` holds each call's contact reasons (``pipeline.db.reason_records``): code,
confidence and the rules that held. ``calls`` gains the primary reason, the product and
the hash of the taxonomy that categorised it. Calls processed before stay uncategorised
until ``callqa recategorise`` (no transcribing again).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'call_reasons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=36), nullable=False),
        sa.Column('taxonomy', sa.String(length=100), nullable=False),
        sa.Column('taxonomy_version', sa.String(length=50), nullable=False),
        sa.Column('code', sa.String(length=120), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.Column('subcategory', sa.String(length=60), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('primary', sa.Boolean(), nullable=False),
        sa.Column('complaint', sa.Boolean(), nullable=False),
        sa.Column('hits', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('call_id', 'code', 'category'):
        op.create_index(op.f(f'ix_call_reasons_{column}'), 'call_reasons', [column])
    with op.batch_alter_table('calls') as batch:
        batch.add_column(sa.Column('contact_reason', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('product', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('taxonomy_hash', sa.String(length=64), nullable=True))
        batch.create_index('ix_calls_contact_reason', ['contact_reason'])
        batch.create_index('ix_calls_product', ['product'])


def downgrade() -> None:
    with op.batch_alter_table('calls') as batch:
        batch.drop_index('ix_calls_product')
        batch.drop_index('ix_calls_contact_reason')
        batch.drop_column('taxonomy_hash')
        batch.drop_column('product')
        batch.drop_column('contact_reason')
    for column in ('category', 'code', 'call_id'):
        op.drop_index(op.f(f'ix_call_reasons_{column}'), table_name='call_reasons')
    op.drop_table('call_reasons')
