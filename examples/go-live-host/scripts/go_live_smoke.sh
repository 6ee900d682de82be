#!/usr/bin/env bash
# Deploy + migration + smoke (T-15): alembic upgrade head, then the API's health, an admin
# login and the payouts router. Needs DATABASE_URL (and PGPASSWORD if the URL has none),
# API_URL, ADMIN_USER, ADMIN_PASSWORD. Prints one line per check and "SMOKE: PASS" or
# "SMOKE: FAIL"; exit 0 on PASS.
set -uo pipefail
: "${API_URL:?API_URL is required}" "${ADMIN_USER:?}" "${ADMIN_PASSWORD:?}"
here="$(cd "$(dirname "$0")/.." && pwd)"
status=PASS
if python3 -m alembic -c "$here/backend/alembic.ini" upgrade head; then echo "Migrations OK"; else echo "Migrations FAILED"; status=FAIL; fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$API_URL/api/health")
if [ "$code" = 200 ]; then echo "API Health 200"; else echo "API Health FAILED ($code)"; status=FAIL; fi
body=$(printf '{"username":"%s","password":"%s"}' "$ADMIN_USER" "$ADMIN_PASSWORD")
token=$(curl -s -H 'content-type: application/json' -d "$body" "$API_URL/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("token",""))' 2>/dev/null)
if [ -n "$token" ]; then echo "Login OK"; else echo "Login FAILED"; status=FAIL; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$API_URL/api/payouts")
if [ "$code" = 200 ]; then echo "Payouts Router reachable"; else echo "Payouts Router FAILED ($code)"; status=FAIL; fi
echo "SMOKE: $status"
[ "$status" = PASS ]
