"""the record cannot be rewritten by direct SQL: REPLACE, DELETE and TRUNCATE refused on every table of the record

0001 and 0002 refused UPDATE and DELETE of the events, the renders and the files of letters. That left three
ways around them, closed here by the database itself (docs/decisions.md, "The record is sealed"):

- SQLite's `INSERT OR REPLACE` (and `REPLACE INTO`, and an `ON CONFLICT REPLACE` clause) deletes the row it
  replaces without firing the delete triggers (unless a connection turns `recursive_triggers` on, which a
  stray `sqlite3` shell does not). A BEFORE INSERT trigger refuses any insert whose key already exists, so
  the REPLACE is aborted before it deletes anything. A plain INSERT of an existing key would fail anyway; its
  message says UNIQUE, so that a lost race is still told as one (store/conflicts.py);
- PostgreSQL's TRUNCATE fires no row trigger: a BEFORE TRUNCATE statement trigger refuses it;
- `letter` was left open to DELETE: its delivery columns are written when the letter is delivered, but the
  letter itself (number, case, kind, date, event, who and when) is now neither deleted nor rewritten.

The report's locks (a published year) and its corrections are records too, written once: they get the same
triggers as the events.

Revision ID: 0007_record_sealed
Revises: 0006_letter_render_try
"""
from alembic import op

revision = '0007_record_sealed'
down_revision = '0006_letter_render_try'
branch_labels = None
depends_on = None

# table -> the keys a REPLACE could collide on (each a tuple of columns)
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    'case_event': (('id',), ('case_id', 'seq')),
    'letter': (('number',),),
    'letter_render': (('number',),),
    'letter_file': (('number', 'format'),),
    'report_lock': (('body', 'year'),),
    'report_correction': (('id',),),
    'letter_render_try': (('id',),),  # UPDATE and DELETE refused since 0006_letter_render_try
}
APPEND_ONLY_BEFORE = ('case_event', 'letter_render', 'letter_file')  # UPDATE and DELETE refused since 0001/0002
APPEND_ONLY_NEW = ('report_lock', 'report_correction')  # UPDATE and DELETE refused from here on
# what a letter is, as issued: only the delivery columns may be written afterwards
LETTER_FIXED = ('number', 'body', 'case_id', 'kind', 'issued_on', 'event_seq', 'issued_by', 'issued_at')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_upgrade()
    else:
        _pg_upgrade()


def _sqlite_upgrade() -> None:
    for table, keys in KEYS.items():
        exists = ' OR '.join(
            f"EXISTS (SELECT 1 FROM {table} WHERE " + ' AND '.join(f"{c} = NEW.{c}" for c in key) + ")"
            for key in keys)
        op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {exists} "
                   f"BEGIN SELECT RAISE(ABORT, 'UNIQUE: {table} is append-only, an existing row cannot be replaced'); "
                   "END")
    for table in APPEND_ONLY_NEW:
        for what in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    op.execute("CREATE TRIGGER letter_no_delete BEFORE DELETE ON letter "
               "BEGIN SELECT RAISE(ABORT, 'letter is part of the record and cannot be deleted'); END")
    changed = ' OR '.join(f"NEW.{c} IS NOT OLD.{c}" for c in LETTER_FIXED)
    op.execute(f"CREATE TRIGGER letter_fixed BEFORE UPDATE ON letter WHEN {changed} "
               "BEGIN SELECT RAISE(ABORT, 'letter is part of the record: only its delivery may be recorded'); END")


def _pg_upgrade() -> None:
    op.execute("CREATE OR REPLACE FUNCTION rf_append_only() RETURNS trigger AS $$ BEGIN "
               "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql")
    op.execute("CREATE OR REPLACE FUNCTION rf_letter_fixed() RETURNS trigger AS $$ BEGIN "
               "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'letter is part of the record and cannot be deleted'; END IF; "
               "IF " + ' OR '.join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in LETTER_FIXED) + " THEN "
               "RAISE EXCEPTION 'letter is part of the record: only its delivery may be recorded'; END IF; "
               "RETURN NEW; END $$ LANGUAGE plpgsql")
    for table in APPEND_ONLY_NEW:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION rf_append_only()")
    op.execute("CREATE TRIGGER letter_fixed BEFORE UPDATE OR DELETE ON letter "
               "FOR EACH ROW EXECUTE FUNCTION rf_letter_fixed()")
    for table in KEYS:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION rf_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in KEYS:
            op.execute(f"DROP TRIGGER {table}_no_replace")
        for table in APPEND_ONLY_NEW:
            for what in ('update', 'delete'):
                op.execute(f"DROP TRIGGER {table}_no_{what}")
        op.execute("DROP TRIGGER letter_no_delete")
        op.execute("DROP TRIGGER letter_fixed")
        return
    for table in KEYS:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    for table in APPEND_ONLY_NEW:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP TRIGGER letter_fixed ON letter")
    op.execute("DROP FUNCTION rf_letter_fixed()")
