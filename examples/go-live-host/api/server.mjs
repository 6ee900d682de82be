// The payments API stand-in: plain node:http over a real PostgreSQL ledger (pg). Deposits
// credit an account's `available` bucket; a withdrawal request moves the amount from
// `available` to `held`; an admin approves it and marks it paid, which settles `held`. Every
// movement is a row in ledger_entries, in the same transaction as the balance change, so the
// ledger invariant (the entries of each bucket sum to the balance) holds unless something is
// wrong. Webhooks from the PSP are checked with an HMAC of WEBHOOK_SECRET and logged as
// "Signature Verified" or "Signature INVALID".
//
// Configuration: environment variables, or KEY=VALUE lines in the file RUNTIME_ENV names
// (default ./runtime.env), read once at start:
//   DATABASE_URL (PGPASSWORD if it needs one), ADMIN_USER, ADMIN_PASSWORD, WEBHOOK_SECRET,
//   ADMIN_API_TOKEN (an operations bearer token for the admin routes, optional),
//   RELEASE_SHA, APP_ENV, PORT and HOST (default 127.0.0.1:8000; PORT=0 picks a free port).
// Maintenance mode is the file MAINTENANCE_FLAG (default ./maintenance.flag): while it exists
// every route but /api/health and /api/admin/* answers 503.
// It prints one line `listening on http://HOST:PORT` when ready; logs go to stdout.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import pg from 'pg';

function loadConfig() {
  const file = process.env.RUNTIME_ENV ?? 'runtime.env';
  const values = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m && !line.trim().startsWith('#')) values[m[1]] = m[2];
    }
  }
  for (const key of ['DATABASE_URL', 'ADMIN_USER', 'ADMIN_PASSWORD', 'ADMIN_API_TOKEN', 'WEBHOOK_SECRET', 'RELEASE_SHA', 'APP_ENV', 'PORT', 'HOST', 'MAINTENANCE_FLAG']) {
    if (process.env[key] !== undefined) values[key] = process.env[key];
  }
  return values;
}

const config = loadConfig();
for (const key of ['DATABASE_URL', 'ADMIN_USER', 'ADMIN_PASSWORD', 'WEBHOOK_SECRET']) {
  if (!config[key]) {
    console.error(`${key} is required (environment or runtime.env).`);
    process.exit(2);
  }
}
const MAINTENANCE_FLAG = config.MAINTENANCE_FLAG ?? 'maintenance.flag';
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4, application_name: 'payments-api' });
const sessions = new Set();

const log = (line) => console.log(`${new Date().toISOString()} ${line}`);
const fail = (status, message) => Object.assign(new Error(message), { status });

async function tx(fn) {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function move(c, account, bucket, amount, reference) {
  const column = bucket === 'available' ? 'available_cents' : 'held_cents';
  const { rowCount } = await c.query(`UPDATE accounts SET ${column} = ${column} + $2 WHERE id = $1`, [account, amount]);
  if (rowCount === 0) throw fail(404, `no account ${account}`);
  await c.query('INSERT INTO ledger_entries (account_id, bucket, amount_cents, reference) VALUES ($1, $2, $3, $4)', [account, bucket, amount, reference]);
}

function amountOf(body) {
  if (!Number.isInteger(body.amount_cents) || body.amount_cents <= 0) throw fail(400, 'amount_cents must be a positive integer');
  if (typeof body.account !== 'string' || !body.account) throw fail(400, 'account is required');
  return body.amount_cents;
}

function requireAdmin(req) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const apiToken = config.ADMIN_API_TOKEN;
  const isApiToken = Boolean(token && apiToken) && token.length === apiToken.length && timingSafeEqual(Buffer.from(token), Buffer.from(apiToken));
  if (!token || !(sessions.has(token) || isApiToken)) throw fail(401, 'admin login required (POST /api/auth/login, or the ADMIN_API_TOKEN bearer)');
}

async function withdrawal(c, id) {
  const { rows } = await c.query('SELECT * FROM withdrawals WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw fail(404, `no withdrawal ${id}`);
  return rows[0];
}

const newId = (prefix) => `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const routes = [
  ['GET', /^\/api\/health$/, async () => {
    await db.query('SELECT 1');
    return [200, { status: 'ok', db: 'ok', release: config.RELEASE_SHA ?? null, env: config.APP_ENV ?? null, maintenance: existsSync(MAINTENANCE_FLAG) }];
  }],
  ['POST', /^\/api\/auth\/login$/, async (_req, body) => {
    const ok = body.username === config.ADMIN_USER && typeof body.password === 'string'
      && body.password.length === config.ADMIN_PASSWORD.length && timingSafeEqual(Buffer.from(body.password), Buffer.from(config.ADMIN_PASSWORD));
    if (!ok) throw fail(401, 'wrong username or password');
    const token = randomBytes(24).toString('base64url');
    sessions.add(token);
    return [200, { token }];
  }],
  ['GET', /^\/api\/admin\/dashboard$/, async (req) => {
    requireAdmin(req);
    const { rows } = await db.query(`SELECT (SELECT count(*) FROM accounts)::int AS accounts,
        (SELECT coalesce(sum(available_cents), 0) FROM accounts)::bigint::text AS available_cents,
        (SELECT coalesce(sum(held_cents), 0) FROM accounts)::bigint::text AS held_cents`);
    return [200, rows[0]];
  }],
  ['GET', /^\/api\/payouts$/, async (req) => {
    requireAdmin(req);
    const { rows } = await db.query('SELECT id, account_id, amount_cents::int, status, requested_at, approved_at, paid_at FROM withdrawals ORDER BY requested_at DESC LIMIT 50');
    return [200, { payouts: rows }];
  }],
  ['POST', /^\/api\/deposits$/, async (_req, body) => {
    const amount = amountOf(body);
    const id = newId('dep');
    await tx(async (c) => {
      await c.query('INSERT INTO deposits (id, account_id, amount_cents) VALUES ($1, $2, $3)', [id, body.account, amount]);
      await move(c, body.account, 'available', amount, id);
    });
    log(`deposit ${id} ${body.account} ${amount}`);
    return [201, { tx_id: id, account: body.account, amount_cents: amount }];
  }],
  ['POST', /^\/api\/withdrawals$/, async (_req, body) => {
    const amount = amountOf(body);
    const id = newId('wd');
    await tx(async (c) => {
      await c.query(`INSERT INTO withdrawals (id, account_id, amount_cents, status) VALUES ($1, $2, $3, 'requested')`, [id, body.account, amount]);
      await move(c, body.account, 'available', -amount, id);
      await move(c, body.account, 'held', amount, id);
    });
    log(`withdrawal ${id} requested ${body.account} ${amount}`);
    return [201, { withdrawal_id: id, status: 'requested' }];
  }],
  ['POST', /^\/api\/admin\/withdrawals\/([^/]+)\/approve$/, async (req, _body, [id]) => {
    requireAdmin(req);
    const row = await tx(async (c) => {
      const w = await withdrawal(c, id);
      if (w.status !== 'requested') throw fail(409, `withdrawal ${id} is ${w.status}, not requested`);
      return (await c.query(`UPDATE withdrawals SET status = 'approved', approved_at = clock_timestamp() WHERE id = $1 RETURNING id, status, approved_at`, [id])).rows[0];
    });
    log(`withdrawal ${id} approved`);
    return [200, row];
  }],
  ['POST', /^\/api\/admin\/withdrawals\/([^/]+)\/mark-paid$/, async (req, _body, [id]) => {
    requireAdmin(req);
    const row = await tx(async (c) => {
      const w = await withdrawal(c, id);
      if (w.status !== 'approved') throw fail(409, `withdrawal ${id} is ${w.status}, not approved`);
      await move(c, w.account_id, 'held', -Number(w.amount_cents), `${id}:paid`);
      return (await c.query(`UPDATE withdrawals SET status = 'paid', paid_at = clock_timestamp() WHERE id = $1 RETURNING id, status, paid_at`, [id])).rows[0];
    });
    log(`withdrawal ${id} paid`);
    return [200, row];
  }],
  ['GET', /^\/api\/accounts\/([^/]+)\/balance$/, async (_req, _body, [id]) => {
    const { rows } = await db.query('SELECT id, available_cents::int, held_cents::int FROM accounts WHERE id = $1', [id]);
    if (!rows[0]) throw fail(404, `no account ${id}`);
    return [200, rows[0]];
  }],
  ['POST', /^\/api\/webhooks\/psp$/, async (req, _body, _m, raw) => {
    const expected = createHmac('sha256', config.WEBHOOK_SECRET).update(raw).digest('hex');
    const given = String(req.headers['x-psp-signature'] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      log('webhook Signature INVALID');
      throw fail(401, 'bad signature');
    }
    log('webhook Signature Verified');
    return [200, { received: true }];
  }],
];

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let status = 500;
  let body;
  try {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let parsed = {};
    if (raw.trim()) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw fail(400, 'the request body is not JSON');
      }
    }
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    if (!route) throw fail(404, `no route ${req.method} ${url.pathname}`);
    if (existsSync(MAINTENANCE_FLAG) && !/^\/api\/(health|auth\/login|admin\/)/.test(url.pathname)) throw fail(503, 'maintenance mode');
    [status, body] = await route[2](req, parsed, route[1].exec(url.pathname).slice(1).map(decodeURIComponent), raw);
  } catch (error) {
    status = error.status ?? 500;
    body = { error: String(error.message) };
  }
  if (status >= 500) log(`${status} ${req.method} ${url.pathname}: ${body.error}`);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
});

server.listen(Number(config.PORT ?? 8000), config.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    db.end().then(() => process.exit(0));
  });
}
