"""Read-only: are the AI-4 objects present after the upgrade?

Phase P4's parity rerun: for each object the AI-4 wave leaves in place (0020's
active_investments to 0023's board_monitoring_briefs, as validated in the clone), prints
"NAME: exists (table)" or "NAME: missing", then how many of them are present. Exit 0 when all
are present, 1 when any is missing or the database cannot be read.
"""
import os
import sys

import psycopg2

AI4_OBJECTS = [
    "active_investments",
    "performance_drift_flags",
    "covenant_status_register",
    "cash_impact_flags",
    "investment_risk_registry",
    "board_monitoring_briefs",
]
KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}

try:
    conn = psycopg2.connect(os.environ["PG_DSN"])
    conn.set_session(readonly=True)
    cur = conn.cursor()
    found = {}
    for name in AI4_OBJECTS:
        cur.execute("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)", (name,))
        row = cur.fetchone()
        found[name] = row[0] if row else None
    conn.close()
except psycopg2.Error as error:
    print(f"parity rerun failed: {error}".rstrip())
    sys.exit(1)

missing = [name for name in AI4_OBJECTS if found[name] is None]
for name in AI4_OBJECTS:
    kind = found[name]
    print(f"{name}: missing" if kind is None else f"{name}: exists ({KINDS.get(kind, kind)})")
print(f"AI-4 objects present: {len(AI4_OBJECTS) - len(missing)} of {len(AI4_OBJECTS)}")
if missing:
    print("MISSING AI-4 OBJECTS: " + ", ".join(missing))
    sys.exit(1)
print("AI-4 object parity: OK")
