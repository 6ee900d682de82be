// The sx API stand-in: plain node:http over a real SQLite file (better-sqlite3) and a real
// PostgreSQL database (pg). SX_DB_BACKEND_MODE says where a profile (source) is read and
// written: SQLITE, every source from the SQLite file; POSTGRES_PRIMARY, a source that the
// registry (sx_registry.source_schemas, made by `sx_db pg-bootstrap`) maps to a schema is served
// from that PostgreSQL schema only (no write reaches SQLite), any other from SQLite.
//
// A request names its source with the X-Source-Id header or the source_id query parameter; when
// both are given and differ it is refused (400 source mismatch), so a client cannot read one
// profile through another's routing.
//
// Configuration: environment variables, or KEY=VALUE lines in the file RUNTIME_ENV names
// (default ./runtime.env; it is the runbook's SX_ENV_FILE): SX_DB_BACKEND_MODE, SX_POSTGRES_DSN
// (PGPASSWORD if it needs one), SX_SQLITE_PATH (default data/sx.db), PORT and HOST (default
// 127.0.0.1:8080; PORT=0 picks a free port). SIGHUP re-reads the file and reopens both
// databases on the same port: the rehearsal's `systemctl restart sx-api` (standin/systemctl).
// It writes its pid to run/api.pid, prints one line `listening on http://HOST:PORT` when ready,
// and logs each request as `TIME "METHOD PATH HTTP/1.1" STATUS MSms` on stdout.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';

const KEYS = ['SX_DB_BACKEND_MODE', 'SX_POSTGRES_DSN', 'SX_SQLITE_PATH', 'PORT', 'HOST'];

function loadConfig() {
  const file = process.env.RUNTIME_ENV ?? 'runtime.env';
  const values = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m && !line.trim().startsWith('#')) values[m[1]] = m[2];
    }
  }
  for (const key of KEYS) if (process.env[key] !== undefined && values[key] === undefined) values[key] = process.env[key];
  const mode = (values.SX_DB_BACKEND_MODE ?? 'SQLITE').toUpperCase();
  if (mode !== 'SQLITE' && mode !== 'POSTGRES_PRIMARY') throw new Error(`SX_DB_BACKEND_MODE=${values.SX_DB_BACKEND_MODE}: give SQLITE or POSTGRES_PRIMARY`);
  if (mode === 'POSTGRES_PRIMARY' && !values.SX_POSTGRES_DSN) throw new Error('SX_POSTGRES_DSN is required in POSTGRES_PRIMARY mode');
  return { ...values, mode, sqlitePath: values.SX_SQLITE_PATH ?? 'data/sx.db' };
}

const log = (line) => console.log(`${new Date().toISOString()} ${line}`);
const fail = (status, message) => Object.assign(new Error(message), { status });

let config;
let sqlite;
let primary = null;
let restarts = 0;

/** Opens the databases the configuration names (closing the ones open before). */
async function open() {
  const next = loadConfig();
  const nextSqlite = new Database(next.sqlitePath, { fileMustExist: true });
  nextSqlite.pragma('busy_timeout = 5000');
  let nextPrimary = null;
  if (next.mode === 'POSTGRES_PRIMARY') {
    nextPrimary = new pg.Pool({ connectionString: next.SX_POSTGRES_DSN, max: 4, application_name: 'sx-api' });
    nextPrimary.on('error', (error) => log(`postgres pool: ${error.message}`));
    await nextPrimary.query('SELECT 1');
  }
  const [oldSqlite, oldPrimary] = [sqlite, primary];
  [config, sqlite, primary] = [next, nextSqlite, nextPrimary];
  oldSqlite?.close();
  await oldPrimary?.end();
}

const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/** The source a request names (header and query must agree), or null when it names none. */
function sourceOf(req, url) {
  const header = req.headers['x-source-id'];
  const query = url.searchParams.get('source_id');
  if (header && query && header !== query) throw fail(400, `source mismatch: X-Source-Id is ${header}, source_id is ${query}`);
  const source = header || query || null;
  if (source !== null && !/^[A-Za-z0-9_]{1,64}$/.test(source)) throw fail(400, 'a source id is letters, digits and _');
  return source;
}

/** Where a source lives now: its PostgreSQL schema (POSTGRES_PRIMARY and mapped), else SQLite. */
async function backendOf(source) {
  if (config.mode !== 'POSTGRES_PRIMARY' || source === null) return { kind: config.mode === 'POSTGRES_PRIMARY' ? 'postgres_primary' : 'sqlite' };
  const { rows } = await primary.query(`SELECT schema_name FROM sx_registry.source_schemas WHERE source_id = $1`, [source])
    .catch((error) => (error.code === '42P01' || error.code === '3F000' ? { rows: [] } : Promise.reject(error)));
  return rows[0] ? { kind: 'postgres_primary', schema: rows[0].schema_name } : { kind: 'sqlite' };
}

/** One query against the source's backend: SQL for PostgreSQL ({s} is the source's schema, $n) and SQLite (?). */
async function query(backend, pgSql, liteSql, params, liteParams = params) {
  if (backend.kind === 'postgres_primary') return (await primary.query(pgSql.replaceAll('{s}', quoteIdent(backend.schema)), params)).rows;
  const stmt = sqlite.prepare(liteSql);
  return stmt.reader ? stmt.all(...liteParams) : (stmt.run(...liteParams), []);
}

function requireSource(source) {
  if (source === null) throw fail(400, 'name the source: X-Source-Id header or source_id query parameter');
  return source;
}

async function item(backend, source, id) {
  const rows = await query(backend, 'SELECT id FROM {s}.items WHERE id = $1 AND source_id = $2', 'SELECT id FROM items WHERE id = ? AND source_id = ?', [id, source]);
  if (!rows[0]) throw fail(404, `no item ${id} in source ${source}`);
}

const routes = [
  ['GET', /^\/health$/, async (_req, url, source) => {
    const backend = source === null ? { kind: config.mode === 'POSTGRES_PRIMARY' ? 'postgres_primary' : 'sqlite' } : await backendOf(source);
    sqlite.prepare('SELECT 1').get();
    if (primary) await primary.query('SELECT 1');
    return [200, { ok: true, mode: config.mode.toLowerCase(), backend: backend.kind, source_id: source, restarts }];
  }],
  ['GET', /^\/stats$/, async (_req, _url, source, backend) => {
    requireSource(source);
    const [row] = await query(backend,
      'SELECT (SELECT count(*) FROM {s}.items WHERE source_id = $1)::int AS items, (SELECT count(*) FROM {s}.notes n JOIN {s}.items i ON i.id = n.item_id WHERE i.source_id = $1)::int AS notes',
      'SELECT (SELECT count(*) FROM items WHERE source_id = ?) AS items, (SELECT count(*) FROM notes n JOIN items i ON i.id = n.item_id WHERE i.source_id = ?) AS notes', [source], [source, source]);
    return [200, { ok: true, source_id: source, backend: backend.kind, ...row }];
  }],
  ['GET', /^\/items$/, async (_req, url, source, backend) => {
    requireSource(source);
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 200);
    const q = url.searchParams.get('q');
    const items = await query(backend,
      `SELECT id, source_id, title FROM {s}.items WHERE source_id = $1 ${q ? 'AND title ILIKE $3' : ''} ORDER BY id LIMIT $2`,
      `SELECT id, source_id, title FROM items WHERE source_id = ? ${q ? 'AND title LIKE ?' : ''} ORDER BY id LIMIT ?`,
      [source, limit, ...(q ? [`%${q}%`] : [])], [source, ...(q ? [`%${q}%`] : []), limit]);
    return [200, { ok: true, source_id: source, backend: backend.kind, items }];
  }],
  ['GET', /^\/items\/([^/]+)\/meta$/, async (_req, _url, source, backend, [, id]) => {
    await item(backend, requireSource(source), id);
    const rows = await query(backend, 'SELECT key, value FROM {s}.item_meta WHERE item_id = $1 ORDER BY key', 'SELECT key, value FROM item_meta WHERE item_id = ? ORDER BY key', [id]);
    return [200, { ok: true, item_id: id, backend: backend.kind, meta: Object.fromEntries(rows.map((r) => [r.key, r.value])) }];
  }],
  ['PUT', /^\/items\/([^/]+)\/meta$/, async (_req, _url, source, backend, [, id], body) => {
    await item(backend, requireSource(source), id);
    for (const [key, value] of Object.entries(body)) {
      await query(backend,
        'INSERT INTO {s}.item_meta (item_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (item_id, key) DO UPDATE SET value = EXCLUDED.value',
        'INSERT INTO item_meta (item_id, key, value) VALUES (?, ?, ?) ON CONFLICT (item_id, key) DO UPDATE SET value = excluded.value', [id, key, String(value)]);
    }
    return [200, { ok: true, item_id: id, backend: backend.kind }];
  }],
  ['GET', /^\/items\/([^/]+)\/notes$/, async (_req, _url, source, backend, [, id]) => {
    await item(backend, requireSource(source), id);
    const notes = await query(backend, 'SELECT id, text, pinned::int AS pinned FROM {s}.notes WHERE item_id = $1 ORDER BY id', 'SELECT id, text, pinned FROM notes WHERE item_id = ? ORDER BY id', [id]);
    return [200, { ok: true, item_id: id, backend: backend.kind, notes }];
  }],
  ['POST', /^\/items\/([^/]+)\/notes$/, async (_req, _url, source, backend, [, id], body) => {
    await item(backend, requireSource(source), id);
    if (typeof body.text !== 'string' || !body.text) throw fail(400, 'text is required');
    await query(backend, 'INSERT INTO {s}.notes (item_id, text, pinned) VALUES ($1, $2, $3)', 'INSERT INTO notes (item_id, text, pinned) VALUES (?, ?, ?)', [id, body.text, Boolean(body.pinned)], [id, body.text, body.pinned ? 1 : 0]);
    return [201, { ok: true, item_id: id, backend: backend.kind }];
  }],
];

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1 << 20) throw fail(413, 'body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw fail(400, 'the body is not JSON');
  }
}

const server = createServer(async (req, res) => {
  const started = performance.now();
  let status = 500;
  let payload;
  try {
    const url = new URL(req.url, 'http://sx');
    const route = routes.find(([method, path]) => method === req.method && path.test(url.pathname));
    if (!route) throw fail(404, `no route ${req.method} ${url.pathname}`);
    const source = sourceOf(req, url);
    const backend = source === null ? null : await backendOf(source);
    const body = req.method === 'GET' ? {} : await readBody(req);
    [status, payload] = await route[2](req, url, source, backend, route[1].exec(url.pathname), body);
  } catch (error) {
    status = error.status ?? 500;
    payload = { ok: false, error: error.message };
  }
  res.writeHead(status, { 'content-type': 'application/json', 'x-sx-backend': payload?.backend ?? '' }).end(JSON.stringify(payload));
  log(`"${req.method} ${req.url} HTTP/1.1" ${status} ${Math.round(performance.now() - started)}ms`);
});

await open();
process.on('SIGHUP', () => {
  open().then(() => {
    restarts += 1;
    writeFileSync('run/api.restarts', `${restarts}\n`);
    log(`restarted: SX_DB_BACKEND_MODE=${config.mode}`);
  }, (error) => log(`restart failed, still serving the previous configuration: ${error.message}`));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
mkdirSync('run', { recursive: true });
writeFileSync('run/api.pid', `${process.pid}\n`);
writeFileSync('run/api.restarts', '0\n');
server.listen(Number(config.PORT ?? 8080), config.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  log(`sx api: SX_DB_BACKEND_MODE=${config.mode}, SQLite ${config.sqlitePath}`);
  console.log(`listening on http://${address}:${port}`);
});
