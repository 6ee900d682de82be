#!/usr/bin/env python3
"""Daily reconciliation report: for every account, the ledger entries of each bucket must sum
to the account's balance (the ledger invariant); withdrawals paid must have settled their hold.
Read-only. Prints a summary and "RECON: PASS" or "RECON: FAIL (N accounts)"; exit 1 on FAIL."""
import os
import sys

import psycopg2

with psycopg2.connect(os.environ["DATABASE_URL"]) as conn:
    conn.set_session(readonly=True)
    cur = conn.cursor()
    cur.execute("""
        SELECT a.id, a.available_cents, a.held_cents,
               coalesce(sum(e.amount_cents) FILTER (WHERE e.bucket = 'available'), 0),
               coalesce(sum(e.amount_cents) FILTER (WHERE e.bucket = 'held'), 0)
          FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
         GROUP BY a.id ORDER BY a.id""")
    rows = cur.fetchall()
    cur.execute("SELECT count(*), coalesce(sum(amount_cents), 0) FROM deposits WHERE created_at > now() - interval '24 hours'")
    dep_n, dep_sum = cur.fetchone()
bad = [r for r in rows if r[1] != r[3] or r[2] != r[4]]
print(f"accounts: {len(rows)}; deposits last 24h: {dep_n} ({dep_sum} cents)")
for acct, avail, held, l_avail, l_held in bad:
    print(f"MISMATCH {acct}: available {avail} vs ledger {l_avail}; held {held} vs ledger {l_held}")
print("RECON: PASS" if not bad else f"RECON: FAIL ({len(bad)} accounts)")
sys.exit(1 if bad else 0)
