#!/usr/bin/env python3
"""Production config verification (T-60 pre-flight).

Reads the service's runtime env file (RUNTIME_ENV, default ./runtime.env) and checks:
production mode, CORS restricted, PSP keys live (no test secrets), webhook secret set, database
URL and trusted proxies set, BOOTSTRAP_ENABLED=false. A failed check named in
artifacts/prod_env_waiver_register.md (a line "| CHECK | TICKET | ...") is WAIVED, not FAIL.
Prints one line per check and "RESULT: PASS" or "RESULT: FAIL"; exit 0 on PASS, 1 on FAIL.
Never prints a secret's value.
"""
import os
import re
import sys

path = os.environ.get("RUNTIME_ENV", "runtime.env")
try:
    env = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", line)
        if m and not line.lstrip().startswith("#"):
            env[m.group(1)] = m.group(2)
except OSError as e:
    print(f"cannot read the runtime env file {path}: {e.strerror}")
    print("RESULT: FAIL")
    sys.exit(1)

waivers = {}
register = os.environ.get("WAIVER_REGISTER", "artifacts/prod_env_waiver_register.md")
if os.path.exists(register):
    for line in open(register, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.match(r"^[a-z_]+$", cells[0]) and cells[1]:
            waivers[cells[0]] = cells[1]

checks = [
    ("prod_mode", env.get("APP_ENV") == "production", "APP_ENV=production"),
    ("cors_restricted", bool(env.get("CORS_ALLOWED_ORIGINS")) and "*" not in env.get("CORS_ALLOWED_ORIGINS", ""), "CORS_ALLOWED_ORIGINS set, no *"),
    ("psp_keys_live", all(env.get(k, "").startswith(("sk_live_", "live_")) for k in ("STRIPE_SECRET_KEY", "ADYEN_API_KEY")), "STRIPE_SECRET_KEY / ADYEN_API_KEY are live keys"),
    ("no_test_secrets", not any(re.search(r"(^|_)test(_|$)", v) for k, v in env.items() if k.endswith(("KEY", "SECRET"))), "no *_test_* secrets"),
    ("webhook_secret", len(env.get("WEBHOOK_SECRET", "")) >= 16, "WEBHOOK_SECRET set (16+ characters)"),
    ("database_url", env.get("DATABASE_URL", "").startswith("postgresql://") and ":" not in env.get("DATABASE_URL", "").split("//", 1)[-1].split("@")[0], "DATABASE_URL set, no password in it"),
    ("trusted_proxies", bool(env.get("TRUSTED_PROXIES")), "TRUSTED_PROXIES set"),
    ("bootstrap_disabled", env.get("BOOTSTRAP_ENABLED") == "false", "BOOTSTRAP_ENABLED=false"),
]
failed = False
for name, ok, what in checks:
    if ok:
        print(f"PASS   {name}: {what}")
    elif name in waivers:
        print(f"WAIVED {name}: {what} (ticket {waivers[name]})")
    else:
        print(f"FAIL   {name}: {what}")
        failed = True
print("RESULT: FAIL" if failed else "RESULT: PASS")
sys.exit(1 if failed else 0)
