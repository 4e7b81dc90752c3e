"""letter_render_try: the tries of the workers at drawing a letter's PDF and DOCX (append-only)

Where a broker is configured, an act stores the letter's data and HTML and the workers render the PDF and DOCX
(docs/letters.md, "Rendering by the workers"). A letter without a PDF is pending; one whose tries are used up is
failed, with the reason of its last try. Each try is a row; nothing is updated.

Revision ID: 0006_letter_render_try
Revises: 0005_lean_case_indexes
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_letter_render_try'
down_revision = '0005_lean_case_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_render_try',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['number'], ['letter.number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_letter_render_try_number', 'letter_render_try', ['number'])
    if op.get_bind().dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER letter_render_try_no_{what.lower()} BEFORE {what} ON letter_render_try "
                       "BEGIN SELECT RAISE(ABORT, 'letter_render_try is append-only'); END")
    else:  # rf_append_only() was created by 0002_letters
        op.execute("CREATE TRIGGER letter_render_try_append_only BEFORE UPDATE OR DELETE ON letter_render_try "
                   "FOR EACH ROW EXECUTE FUNCTION rf_append_only()")


def downgrade() -> None:
    op.drop_index('ix_letter_render_try_number', 'letter_render_try')
    op.drop_table('letter_render_try')
