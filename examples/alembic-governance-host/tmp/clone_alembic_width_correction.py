"""Controlled, forward-only: alembic_version.version_num becomes VARCHAR(64).

Phase P1's correction. In one transaction: creates alembic_version (version_num VARCHAR(64),
primary key alembic_version_pkc, as Alembic makes it) if it does not exist, widens
version_num to VARCHAR(64) if it is narrower, and reads the result back. Idempotent: run
again, it finds VARCHAR(64) and changes nothing. It never narrows a wider column or changes a
column of another type: it says so and exits 1 (the runbook's "width not 64" gate). Prints
each thing it did once committed. Exit 0 only when alembic_version exists and version_num_length == 64.
Lock and statement timeouts come from PGOPTIONS (the runbook step sets them).
"""
import os
import sys

import psycopg2

WIDTH = 64
WIDTH_SQL = (
    "SELECT data_type, character_maximum_length FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = 'alembic_version' AND column_name = 'version_num'"
)


def column(cur):
    cur.execute(WIDTH_SQL)
    return cur.fetchone()


done = []
try:
    conn = psycopg2.connect(os.environ["PG_DSN"])
    cur = conn.cursor()
    cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
    if not cur.fetchone()[0]:
        cur.execute(
            "CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL,"
            " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        done.append("created alembic_version (version_num VARCHAR(64) NOT NULL, primary key alembic_version_pkc)")
    found = column(cur)
    if found is None:
        conn.rollback()
        print("alembic_version has no version_num column: not corrected")
        sys.exit(1)
    data_type, width = found
    if data_type != "character varying" or width is None or width > WIDTH:
        conn.rollback()
        print(f"version_num is {data_type}({width}): not narrowed or retyped to VARCHAR({WIDTH}); nothing changed")
        print(f"version_num_length: {width if width is not None else 'none'}")
        sys.exit(1)
    if width < WIDTH:
        cur.execute("ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64)")
        done.append(f"altered alembic_version.version_num from VARCHAR({width}) to VARCHAR({WIDTH})")
    elif not done:
        done.append(f"alembic_version.version_num is already VARCHAR({WIDTH}): nothing to do")
    cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
    exists = cur.fetchone()[0]
    _, after = column(cur)
    conn.commit()
    conn.close()
except psycopg2.Error as error:
    print(f"correction failed, nothing committed: {error}".rstrip())
    sys.exit(1)

for line in done:
    print(line)
print(f"alembic_version exists: {'yes' if exists else 'no'}")
print(f"version_num_length: {after}")
sys.exit(0 if exists and after == WIDTH else 1)
