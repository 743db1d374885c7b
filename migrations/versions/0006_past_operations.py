"""past operations recorded afterwards

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_afterwards', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_operation_recorded_afterwards_closed'),
            "NOT recorded_afterwards OR (state = 'closed' AND closed_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_operation_recorded_afterwards_closed'), type_='check')
        batch_op.drop_column('recorded_afterwards')
