"""leaner case indexes: the due-date indexes hold only cases with that deadline running; the single-column
received_on / concluded_on indexes go (every query on those dates names the body, and the report's
(body, ...) indexes serve it)

A concluded case has no running deadline, so it no longer enters the three due-date indexes: the bulk of any
database (and all but ~1 % of an imported history) is concluded cases. Every query on these indexes compares
the date (`next_due <= ?`, `reply_due BETWEEN ? AND ?`), which implies `IS NOT NULL`, so both SQLite and
PostgreSQL still use them (tests/integration/test_schema.py checks the plans).

Revision ID: 0005_lean_case_indexes
Revises: 0004_report
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_lean_case_indexes'
down_revision = '0004_report'
branch_labels = None
depends_on = None

DUE_INDEXES = (('ix_case_state_next_due', 'next_due'), ('ix_case_state_notice_due', 'correction_notice_due'),
               ('ix_case_state_reply_due', 'reply_due'))


def upgrade() -> None:
    op.drop_index('ix_case_file_received_on', 'case_file')
    op.drop_index('ix_case_file_concluded_on', 'case_file')
    for name, column in DUE_INDEXES:
        running = sa.text(f'{column} IS NOT NULL')
        op.drop_index(name, 'case_file')
        op.create_index(name, 'case_file', ['state', column], sqlite_where=running, postgresql_where=running)


def downgrade() -> None:
    for name, column in DUE_INDEXES:
        op.drop_index(name, 'case_file')
        op.create_index(name, 'case_file', ['state', column])
    op.create_index('ix_case_file_concluded_on', 'case_file', ['concluded_on'])
    op.create_index('ix_case_file_received_on', 'case_file', ['received_on'])
