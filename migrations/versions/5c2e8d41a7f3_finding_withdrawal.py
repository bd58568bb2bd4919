"""finding withdrawal: who withdrew a finding, when and why (it stays in the record, never fires)

Revision ID: 5c2e8d41a7f3
Revises: 3f1a9c0d7b21
Create Date: 2026-12-03 19:40:00

Issue 17. A finding recorded in error, or whose source was retracted, is withdrawn by the
secretariat with a reason; the row is kept. Nullable columns: existing findings stay in force.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '5c2e8d41a7f3'
down_revision = '3f1a9c0d7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.String(length=2000), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_finding_withdrawn_by_id_user_account'), 'user_account', ['withdrawn_by_id'], ['id'],
            ondelete='RESTRICT',
        )


def downgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_finding_withdrawn_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
