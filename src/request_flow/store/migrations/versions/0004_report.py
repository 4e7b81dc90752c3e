"""the annual report: imported references, the appeal and reply caches, locked years and their corrections

Revision ID: 0004_report
Revises: 0003_outbox
"""
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004_report'
down_revision = '0003_outbox'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('case_ref',
                    sa.Column('body', _S(), nullable=False),
                    sa.Column('ref', _S(), nullable=False),
                    sa.Column('case_id', _S(), nullable=False),
                    sa.Column('digest', _S(), nullable=False),
                    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['case_file.id']),
                    sa.PrimaryKeyConstraint('body', 'ref'),
                    sa.UniqueConstraint('case_id'))
    op.create_table('appeal',
                    sa.Column('case_id', _S(), nullable=False),
                    sa.Column('no', sa.Integer(), nullable=False),
                    sa.Column('body', _S(), nullable=False),
                    sa.Column('kind', _S(), nullable=False),
                    sa.Column('filed_on', sa.Date(), nullable=False),
                    sa.Column('result', _S(), nullable=True),
                    sa.Column('decided_on', sa.Date(), nullable=True),
                    sa.ForeignKeyConstraint(['case_id'], ['case_file.id']),
                    sa.PrimaryKeyConstraint('case_id', 'no'))
    op.create_index('ix_appeal_body_filed', 'appeal', ['body', 'filed_on'])
    op.create_index('ix_appeal_body_decided', 'appeal', ['body', 'decided_on'])
    op.create_table('case_reply',
                    sa.Column('case_id', _S(), nullable=False),
                    sa.Column('body', _S(), nullable=False),
                    sa.Column('replied_on', sa.Date(), nullable=False),
                    sa.Column('reply_due', sa.Date(), nullable=True),
                    sa.Column('on_time', sa.Boolean(), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['case_file.id']),
                    sa.PrimaryKeyConstraint('case_id'))
    op.create_index('ix_case_reply_body_on', 'case_reply', ['body', 'replied_on'])
    op.create_table('report_lock',
                    sa.Column('body', _S(), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('locked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.Column('locked_by', _S(), nullable=False),
                    sa.Column('snapshot', sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint('body', 'year'))
    op.create_table('report_correction',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('body', _S(), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('case_id', _S(), nullable=True),
                    sa.Column('what', _S(), nullable=False),
                    sa.Column('reason', _S(), nullable=False),
                    sa.Column('actor', _S(), nullable=False),
                    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.Column('cells', sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_report_correction_body_year', 'report_correction', ['body', 'year'])
    op.create_index('ix_case_body_received', 'case_file', ['body', 'received_on', 'concluded_on', 'applicant_type'])
    op.create_index('ix_case_body_concluded', 'case_file',
                    ['body', 'concluded_on', 'outcome', 'applicant_type', 'received_on'])
    fee_events = sa.text("kind IN ('fee_notice', 'fee_paid')")
    op.create_index('ix_case_event_fees', 'case_event', ['kind', 'happened_on'], sqlite_where=fee_events,
                    postgresql_where=fee_events)
    _backfill_appeals()


def _backfill_appeals() -> None:
    """Appeals recorded before this revision: fill the cache from the events (the record)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT e.case_id, e.kind, e.happened_on, e.data, c.body FROM case_event e JOIN case_file c ON c.id = e.case_id "
        "WHERE e.kind IN ('appeal', 'appeal_result') ORDER BY e.case_id, e.seq")).all()
    appeals: dict[tuple, dict] = {}
    for case_id, kind, on, data, body in rows:
        data = json.loads(data) if isinstance(data, str) else data
        key = (case_id, int(data["no"]))
        if kind == 'appeal':
            appeals[key] = {"case_id": case_id, "no": key[1], "body": body, "kind": data["kind"], "filed_on": on,
                            "result": None, "decided_on": None}
        elif key in appeals:
            appeals[key].update(result=data["result"], decided_on=on)
    if appeals:
        table = sa.table('appeal', *(sa.column(c) for c in
                                     ('case_id', 'no', 'body', 'kind', 'filed_on', 'result', 'decided_on')))
        op.bulk_insert(table, list(appeals.values()))


def downgrade() -> None:
    op.drop_index('ix_case_event_fees', 'case_event')
    op.drop_index('ix_case_body_concluded', 'case_file')
    op.drop_index('ix_case_body_received', 'case_file')
    op.drop_table('report_correction')
    op.drop_table('report_lock')
    op.drop_table('case_reply')
    op.drop_table('appeal')
    op.drop_table('case_ref')
