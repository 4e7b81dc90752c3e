"""the deadline workers' outbox: reminders and the sender's lease

Revision ID: 0003_outbox
Revises: 0002_letters
Create Date: 2026-11-27 11:40:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003_outbox'
down_revision = '0002_letters'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('offset', sa.Integer(), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('enqueued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'kind', 'due_on', 'offset', name='uq_reminder_key'),
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_status_id', ['status', 'id'], unique=False)
    op.create_table(
        'outbox_lease',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name'),
    )
    op.execute("INSERT INTO outbox_lease (name, holder) VALUES ('smtp', '')")


def downgrade() -> None:
    op.drop_table('outbox_lease')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_status_id')
    op.drop_table('reminder')
