#!/usr/bin/env bash
# Backup drill: dump the database DATABASE_URL names, restore the dump into a scratch database
# on the same server, compare row counts of the ledger tables, drop the scratch database.
# Never against production (the runbook runs it in rehearsal only): it creates a database.
# Prints "RESTORE DRILL: PASS" or "RESTORE DRILL: FAIL"; exit 0 on PASS.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is required}"
scratch="restore_drill_$(date +%s)_$$"
dump="$(mktemp -d)/drill.dump"
base="${DATABASE_URL%/*}"
cleanup() { psql "$base/postgres" -X -q -c "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true; rm -rf "$(dirname "$dump")"; }
trap cleanup EXIT
pg_dump "$DATABASE_URL" -Fc -f "$dump"
echo "dump: $(sha256sum "$dump" | cut -d' ' -f1)  $(stat -c %s "$dump") bytes"
psql "$base/postgres" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $scratch"
pg_restore --no-owner -d "$base/$scratch" "$dump"
status=PASS
for table in accounts ledger_entries deposits withdrawals; do
  a=$(psql "$DATABASE_URL" -X -t -A -c "SELECT count(*) FROM $table" 2>/dev/null || echo missing)
  b=$(psql "$base/$scratch" -X -t -A -c "SELECT count(*) FROM $table" 2>/dev/null || echo missing)
  echo "$table: source=$a restored=$b"
  [ "$a" = "$b" ] || status=FAIL
done
echo "RESTORE DRILL: $status"
[ "$status" = PASS ]
