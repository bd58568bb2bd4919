"""installation facts: the demonstration flag, stored with the data

Revision ID: bef6f4f61355
Revises: 191762b59ff0
Create Date: 2026-12-02 20:21:18.709532

A database the older ``flask demo seed`` filled (it left only its accounts as a sign) gets the flag set,
so its exports and API answers say they are demonstration data from the first start after upgrading.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bef6f4f61355'
down_revision = '191762b59ff0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('installation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('demonstration', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('demonstration_since', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_installation_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    op.execute(
        "INSERT INTO installation (id, demonstration, demonstration_since) "
        "SELECT 1, true, CURRENT_TIMESTAMP WHERE EXISTS "
        "(SELECT 1 FROM user_account WHERE email LIKE '%@demo.example')"
    )


def downgrade():
    op.drop_table('installation')
