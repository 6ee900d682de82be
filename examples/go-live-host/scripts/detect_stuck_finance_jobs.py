#!/usr/bin/env python3
"""Stuck job detector (hypercare, every 30m): withdrawals requested or approved longer ago than
the SLA (STUCK_AFTER_MINUTES, default 60) and not paid. Read-only. Prints the queue and
"STUCK: N"; exit 1 when N > 0 (an SLA breach), 0 otherwise."""
import os
import sys

import psycopg2

minutes = int(os.environ.get("STUCK_AFTER_MINUTES", "60"))
with psycopg2.connect(os.environ["DATABASE_URL"]) as conn:
    conn.set_session(readonly=True)
    cur = conn.cursor()
    cur.execute("SELECT status, count(*) FROM withdrawals WHERE status <> 'paid' GROUP BY status ORDER BY status")
    for status, n in cur.fetchall():
        print(f"queue {status}: {n}")
    cur.execute(
        "SELECT id, status, requested_at FROM withdrawals WHERE status <> 'paid' "
        "AND coalesce(approved_at, requested_at) < now() - make_interval(mins => %s) ORDER BY requested_at",
        (minutes,),
    )
    stuck = cur.fetchall()
for wid, status, at in stuck:
    print(f"stuck {wid} {status} since {at.isoformat()}")
print(f"STUCK: {len(stuck)}")
sys.exit(1 if stuck else 0)
