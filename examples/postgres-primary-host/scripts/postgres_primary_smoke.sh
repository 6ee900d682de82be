#!/usr/bin/env bash
# Smoke checks of a profile on the PostgreSQL primary (runbook section 4, run again at T-0):
#   /health reachable; the backend reports postgres_primary for the target source; the target
#   source's header/query routing works (its items, and only its own); a source mismatch fails.
# Needs SX_API_URL and SX_SOURCE_ID. One line per check, then "SMOKE: PASS" or "SMOKE: FAIL";
# exit 0 on PASS. The API answers compact JSON; fields are read with sed.
set -uo pipefail
: "${SX_API_URL:?SX_API_URL is required}" "${SX_SOURCE_ID:?SX_SOURCE_ID is required}"
status=PASS
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|[a-z0-9]*\\).*/\\1/p" | tr -d '"'; }
check() { if [ "$1" = "$2" ]; then echo "OK   $3"; else echo "FAIL $3 (got: ${1:-nothing}, want: $2)"; status=FAIL; fi; }
route=(-H "X-Source-Id: $SX_SOURCE_ID")

check "$(curl -sS "$SX_API_URL/health" | field ok)" true "/health reachable, ok=true"
check "$(curl -sS "${route[@]}" "$SX_API_URL/health?source_id=$SX_SOURCE_ID" | field backend)" postgres_primary "backend reports postgres_primary for $SX_SOURCE_ID"
items=$(curl -sS "${route[@]}" "$SX_API_URL/items?source_id=$SX_SOURCE_ID&limit=200")
check "$(printf '%s' "$items" | field backend)" postgres_primary "header/query routing: /items served by postgres_primary"
sources=$(printf '%s' "$items" | grep -o '"source_id":"[^"]*"' | sort -u | tr '\n' ' ')
check "$sources" "\"source_id\":\"$SX_SOURCE_ID\" " "header/query routing: only $SX_SOURCE_ID's items"
code=$(curl -s -o /dev/null -w '%{http_code}' "${route[@]}" "$SX_API_URL/items?source_id=${SX_SOURCE_ID}_mismatch")
check "$code" 400 "source mismatch (header $SX_SOURCE_ID, query ${SX_SOURCE_ID}_mismatch) fails"
echo "SMOKE: $status"
[ "$status" = PASS ]
