"""Read-only: does alembic_version exist, and how wide is alembic_version.version_num?

Phase P1's precheck: prints what it found and changes nothing. Exit 0 whatever it finds (a
missing table or a narrow column is what the correction is for); exit 1 only if the database
cannot be read.
"""
import os
import sys

import psycopg2

try:
    conn = psycopg2.connect(os.environ["PG_DSN"])
    conn.set_session(readonly=True)
    cur = conn.cursor()
    cur.execute("SELECT current_database(), current_schema()")
    database, schema = cur.fetchone()
    cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
    exists = cur.fetchone()[0]
    width = None
    data_type = None
    rows = None
    if exists:
        cur.execute(
            "SELECT data_type, character_maximum_length FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'alembic_version' AND column_name = 'version_num'"
        )
        found = cur.fetchone()
        if found:
            data_type, width = found
        cur.execute("SELECT count(*) FROM alembic_version")
        rows = cur.fetchone()[0]
    conn.close()
except psycopg2.Error as error:
    print(f"precheck failed: {error}".rstrip())
    sys.exit(1)

print(f"database: {database} (schema {schema})")
print(f"alembic_version exists: {'yes' if exists else 'no'}")
if exists:
    print(f"version_num type: {data_type}")
    print(f"version_num_length: {width if width is not None else 'none'}")
    print(f"alembic_version rows: {rows}")
    if width == 64:
        print("version_num is VARCHAR(64): the correction will have nothing to do")
    else:
        print("version_num is not VARCHAR(64): the correction will widen it")
else:
    print("version_num_length: none")
    print("alembic_version is missing: the correction will create it with VARCHAR(64)")
