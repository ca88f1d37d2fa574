"""moderator notification settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 17:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Server defaults fill in the moderators who exist already: notifications on, hourly, English.
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_interval_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('notify_locale', sa.String(length=20), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.drop_column('last_digest_at')
        batch_op.drop_column('notify_locale')
        batch_op.drop_column('notify_interval_minutes')
        batch_op.drop_column('notify')
