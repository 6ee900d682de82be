// The sync API stand-in: plain node:http over a real MariaDB source (mysql2) and a real
// PostgreSQL target (pg). It copies four domains (cobranzas, cartera, contratos, gestores)
// from the source into the target in chunks of ids. With the incremental controls migrated
// (0012_sync_incremental_controls, 0013_sync_staging_rows) and SYNC_MYSQL_INCREMENTAL_PUSHDOWN=true
// it is the new pipeline: a chunk whose source checksum has not changed since the last job is
// skipped; a changed chunk copies only the rows with `updated_at` past the domain's watermark
// (the filter runs on MariaDB), through sync_staging_rows, merged in one statement. Otherwise it
// is the previous stable path: a full copy of the domain.
//
// Configuration: environment variables, or KEY=VALUE lines in the file RUNTIME_ENV names
// (default ./runtime.env), read once at start (restart the service to change them):
//   DATABASE_URL   postgresql://user@host:port/db   (the target; PGPASSWORD if it needs one)
//   SYNC_SOURCE_URL mysql://user@host:port/db        (the source; MYSQL_PWD if it needs one)
//   SYNC_MYSQL_INCREMENTAL_PUSHDOWN  true | false
//   SYNC_CHUNK_ROWS  ids per chunk (default 500)
//   PORT, HOST       where to listen (default 127.0.0.1:5000; PORT=0 picks a free port)
// It prints one line `listening on http://HOST:PORT` when ready.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import mysql from 'mysql2/promise';
import pg from 'pg';

function loadConfig() {
  const file = process.env.RUNTIME_ENV ?? 'runtime.env';
  const fromFile = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m && !line.trim().startsWith('#')) fromFile[m[1]] = m[2];
    }
  }
  return { ...fromFile, ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k in fromFile || /^(DATABASE_URL|SYNC_|PORT$|HOST$)/.test(k))) };
}

const config = loadConfig();
const PUSHDOWN = config.SYNC_MYSQL_INCREMENTAL_PUSHDOWN === 'true';
const CHUNK = Number(config.SYNC_CHUNK_ROWS ?? 500);
if (!config.DATABASE_URL || !config.SYNC_SOURCE_URL) {
  console.error('DATABASE_URL and SYNC_SOURCE_URL are required (environment or runtime.env).');
  process.exit(2);
}

const target = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4, application_name: 'sync-api' });
const sourceUrl = new URL(config.SYNC_SOURCE_URL);
const source = mysql.createPool({
  host: sourceUrl.hostname, port: Number(sourceUrl.port || 3306), user: decodeURIComponent(sourceUrl.username),
  password: process.env.MYSQL_PWD ?? decodeURIComponent(sourceUrl.password), database: sourceUrl.pathname.slice(1),
  dateStrings: true, connectionLimit: 4,
});

const DOMAINS = {
  cobranzas: { table: 'cobranzas', target: 'cobranzas_fact', cols: ['id', 'contrato_id', 'fecha', 'monto_cobrado', 'monto_deberia'] },
  cartera: { table: 'cartera', target: 'cartera_fact', cols: ['id', 'contrato_id', 'corte', 'saldo', 'dias_mora'] },
  contratos: { table: 'contratos', target: 'contratos_dim', cols: ['id', 'gestor_id', 'cliente', 'monto', 'fecha_alta'] },
  gestores: { table: 'gestores', target: 'gestores_dim', cols: ['id', 'nombre'] },
};

const running = new Map(); // domain -> { jobId, cancel }
let uiSubmissions = true;

async function hasTable(name) {
  const { rows } = await target.query('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return rows[0].ok;
}

/** Incremental when the target has the 0012/0013 objects and the runtime env enables pushdown. */
async function modeNow() {
  return PUSHDOWN && (await hasTable('sync_watermarks')) && (await hasTable('sync_staging_rows')) ? 'incremental' : 'full';
}

async function refreshAggregates(client, domain) {
  if (domain === 'cartera') {
    await client.query('DELETE FROM cartera_corte_agg');
    await client.query(`INSERT INTO cartera_corte_agg SELECT corte, count(DISTINCT contrato_id), sum(saldo), count(*) FILTER (WHERE dias_mora >= 30)
                          FROM cartera_fact GROUP BY corte`);
  }
  if (domain === 'cobranzas') {
    await client.query('DELETE FROM cobranzas_cohorte_agg');
    await client.query(`INSERT INTO cobranzas_cohorte_agg SELECT to_char(fecha, 'YYYY-MM'), count(*), sum(monto_cobrado), sum(monto_deberia)
                          FROM cobranzas_fact GROUP BY 1`);
  }
}

async function inTransaction(fn) {
  const client = await target.connect();
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

/** The previous stable path: the whole domain copied again. */
async function fullCopy(jobId, domain) {
  const d = DOMAINS[domain];
  const [rows] = await source.query(`SELECT ${d.cols.join(', ')} FROM ${d.table} ORDER BY id`);
  await inTransaction(async (c) => {
    await c.query(`DELETE FROM ${d.target}`);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await c.query(`INSERT INTO ${d.target} SELECT * FROM jsonb_populate_recordset(NULL::${d.target}, $1::jsonb)`, [JSON.stringify(rows.slice(i, i + CHUNK))]);
    }
    await refreshAggregates(c, domain);
  });
  return rows.length;
}

/** The incremental pipeline: chunk checksums, watermark pushdown, staging, merge. */
async function incrementalCopy(jobId, domain, job) {
  const d = DOMAINS[domain];
  const rowText = `CONCAT_WS('|', ${d.cols.join(', ')}, updated_at)`;
  const [chunks] = await source.query(
    `SELECT FLOOR((id - 1) / ?) AS c, COUNT(*) AS n, MAX(updated_at) AS mx, CAST(SUM(CRC32(${rowText})) AS CHAR) AS crc
       FROM ${d.table} GROUP BY c ORDER BY c`, [CHUNK]);
  const state = new Map((await target.query('SELECT chunk_key, checksum FROM sync_chunk_state WHERE domain = $1', [domain])).rows.map((r) => [r.chunk_key, r.checksum]));
  const wm = (await target.query('SELECT high_water FROM sync_watermarks WHERE domain = $1', [domain])).rows[0]?.high_water ?? null;
  let copied = 0;
  let highWater = wm;
  for (const chunk of chunks) {
    if (job.cancel) throw Object.assign(new Error('cancelled by request'), { cancelled: true });
    const lo = Number(chunk.c) * CHUNK + 1;
    const hi = lo + CHUNK - 1;
    const key = `${domain}:${lo}-${hi}`;
    const checksum = `${chunk.n}:${chunk.crc}:${chunk.mx}`;
    if (!highWater || chunk.mx > highWater) highWater = chunk.mx;
    if (state.get(key) === checksum) {
      await target.query(`INSERT INTO sync_chunks VALUES ($1, $2, 'compare', $3, 0, $4, 'skipped_unchanged')`, [jobId, key, chunk.n, checksum]);
      continue;
    }
    const [rows] = wm === null
      ? await source.query(`SELECT ${d.cols.join(', ')} FROM ${d.table} WHERE id BETWEEN ? AND ?`, [lo, hi])
      : await source.query(`SELECT ${d.cols.join(', ')} FROM ${d.table} WHERE updated_at > ? AND id BETWEEN ? AND ?`, [wm, lo, hi]);
    await inTransaction(async (c) => {
      await c.query(`INSERT INTO sync_staging_rows SELECT $1, $2, (r->>'id')::bigint, r FROM jsonb_array_elements($3::jsonb) AS r`, [jobId, key, JSON.stringify(rows)]);
      const sets = d.cols.filter((col) => col !== 'id').map((col) => `${col} = EXCLUDED.${col}`).join(', ');
      await c.query(`INSERT INTO ${d.target} SELECT p.* FROM sync_staging_rows s, jsonb_populate_record(NULL::${d.target}, s.payload) AS p
                      WHERE s.job_id = $1 AND s.chunk_key = $2 ON CONFLICT (id) DO UPDATE SET ${sets}`, [jobId, key]);
      await c.query('DELETE FROM sync_staging_rows WHERE job_id = $1 AND chunk_key = $2', [jobId, key]);
      await c.query(`INSERT INTO sync_chunk_state VALUES ($1, $2, $3) ON CONFLICT (domain, chunk_key) DO UPDATE SET checksum = EXCLUDED.checksum`, [domain, key, checksum]);
      await c.query(`INSERT INTO sync_chunks VALUES ($1, $2, 'merge', $3, $4, $5, 'copied')`, [jobId, key, chunk.n, rows.length, checksum]);
    });
    copied += rows.length;
  }
  await inTransaction(async (c) => {
    if (highWater) {
      await c.query(`INSERT INTO sync_watermarks (domain, high_water, job_id) VALUES ($1, $2, $3)
                     ON CONFLICT (domain) DO UPDATE SET high_water = EXCLUDED.high_water, job_id = EXCLUDED.job_id, updated_at = now()
                     WHERE sync_watermarks.high_water <> EXCLUDED.high_water`, [domain, highWater, jobId]);
    }
    await refreshAggregates(c, domain);
  });
  return copied;
}

async function runJob(jobId, domain, mode, job) {
  try {
    const rows = mode === 'incremental' ? await incrementalCopy(jobId, domain, job) : await fullCopy(jobId, domain);
    await target.query(`UPDATE sync_runs SET status = 'succeeded', rows_copied = $2, finished_at = clock_timestamp() WHERE job_id = $1`, [jobId, rows]);
  } catch (error) {
    const status = error.cancelled ? 'cancelled' : 'failed';
    await target.query(`UPDATE sync_runs SET status = $2, error = $3, finished_at = clock_timestamp() WHERE job_id = $1`, [jobId, status, String(error.message)]);
  } finally {
    running.delete(domain);
  }
}

async function jobSummary(jobId) {
  const { rows } = await target.query(`SELECT job_id, domain, mode, status, origin, started_at, finished_at, rows_copied::int AS rows_copied, error,
      round(rows_copied / greatest(extract(epoch FROM finished_at - started_at), 0.001))::int AS rows_per_s
      FROM sync_runs WHERE job_id = $1`, [jobId]);
  return rows[0] ?? null;
}

// ---- HTTP ------------------------------------------------------------------------------

function send(res, status, body) {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json' });
  res.end(text);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('the request body is not JSON'), { status: 400 });
  }
}

function domainOf(value) {
  if (!value) throw Object.assign(new Error('domain is required: one of cobranzas, cartera, contratos, gestores'), { status: 400 });
  if (!(value in DOMAINS)) throw Object.assign(new Error(`unknown domain "${value}": one of cobranzas, cartera, contratos, gestores`), { status: 400 });
  return value;
}

const DOCS = `<!doctype html><title>Sync API</title><h1>Sync API (stand-in)</h1><ul>
<li>POST /api/v1/sync {"domain", "origin": "ui"|"ops", "wait": bool}</li><li>GET /api/v1/sync/status?domain=</li>
<li>GET /api/v1/sync/watermarks[?domain=]</li><li>GET /api/v1/sync/chunks/{job_id}</li><li>POST /api/v1/sync/{job_id}/cancel</li>
<li>GET|POST /api/v1/sync/submissions {"ui_enabled": bool}</li><li>GET /api/v1/analytics/portfolio/corte/summary</li>
<li>GET /api/v1/analytics/cobranzas-cohorte/summary</li><li>GET /api/v1/analytics/kpis</li></ul>`;

const routes = [
  ['GET', /^\/docs$/, async () => [200, DOCS]],
  ['POST', /^\/api\/v1\/sync$/, async (req) => {
    const body = await readJson(req);
    const domain = domainOf(body.domain);
    const origin = body.origin === 'ops' ? 'ops' : 'ui';
    if (origin === 'ui' && !uiSubmissions) return [423, { error: 'sync submissions from the UI are paused' }];
    if (running.has(domain)) return [409, { error: `a ${domain} job is running`, job_id: running.get(domain).jobId }];
    const mode = await modeNow();
    const jobId = `${domain}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const job = { jobId, cancel: false };
    running.set(domain, job);
    await target.query('INSERT INTO sync_runs (job_id, domain, mode, status, origin, started_at) VALUES ($1, $2, $3, $4, $5, clock_timestamp())', [jobId, domain, mode, 'running', origin]);
    const done = runJob(jobId, domain, mode, job);
    if (body.wait === true) {
      await done;
      return [200, await jobSummary(jobId)];
    }
    return [202, { job_id: jobId, domain, mode, status: 'running' }];
  }],
  ['POST', /^\/api\/v1\/sync\/([^/]+)\/cancel$/, async (_req, _url, [jobId]) => {
    const job = [...running.values()].find((j) => j.jobId === jobId);
    if (!job) return [404, { error: `no running job ${jobId}` }];
    job.cancel = true;
    return [202, { job_id: jobId, status: 'cancelling' }];
  }],
  ['GET', /^\/api\/v1\/sync\/submissions$/, async () => [200, { ui_enabled: uiSubmissions }]],
  ['POST', /^\/api\/v1\/sync\/submissions$/, async (req) => {
    const body = await readJson(req);
    if (typeof body.ui_enabled !== 'boolean') return [400, { error: 'give {"ui_enabled": true|false}' }];
    uiSubmissions = body.ui_enabled;
    return [200, { ui_enabled: uiSubmissions }];
  }],
  ['GET', /^\/api\/v1\/sync\/status$/, async (_req, url) => {
    const domain = domainOf(url.searchParams.get('domain'));
    const last = (await target.query('SELECT job_id FROM sync_runs WHERE domain = $1 ORDER BY started_at DESC LIMIT 1', [domain])).rows[0];
    return [200, { domain, mode: await modeNow(), running: running.has(domain), running_job_id: running.get(domain)?.jobId ?? null, ui_submissions: uiSubmissions, last_job: last ? await jobSummary(last.job_id) : null }];
  }],
  ['GET', /^\/api\/v1\/sync\/watermarks$/, async (_req, url) => {
    if (!(await hasTable('sync_watermarks'))) return [503, { error: 'the incremental controls are not migrated (0012_sync_incremental_controls)' }];
    const domain = url.searchParams.get('domain');
    if (domain) {
      domainOf(domain);
      const row = (await target.query('SELECT domain, high_water, job_id, updated_at FROM sync_watermarks WHERE domain = $1', [domain])).rows[0];
      return [200, row ?? { domain, high_water: null, job_id: null, updated_at: null }];
    }
    return [200, { watermarks: (await target.query('SELECT domain, high_water, job_id, updated_at FROM sync_watermarks ORDER BY domain')).rows }];
  }],
  ['GET', /^\/api\/v1\/sync\/chunks\/([^/]+)$/, async (_req, _url, [jobId]) => {
    const job = await jobSummary(jobId);
    if (!job) return [404, { error: `no job ${jobId}` }];
    const chunks = (await target.query('SELECT chunk_key, stage, status, source_rows::int, rows_copied::int FROM sync_chunks WHERE job_id = $1 ORDER BY chunk_key', [jobId])).rows;
    const count = (s) => chunks.filter((c) => c.status === s).length;
    return [200, { ...job, total_chunks: chunks.length, copied_chunks: count('copied'), skipped_unchanged_chunks: count('skipped_unchanged'), chunks }];
  }],
  ['GET', /^\/api\/v1\/analytics\/portfolio\/corte\/summary$/, async () => {
    const { rows } = await target.query('SELECT corte::text, contratos, saldo_total::text, mora_30_plus FROM cartera_corte_agg ORDER BY corte');
    return [200, { cortes: rows }];
  }],
  ['GET', /^\/api\/v1\/analytics\/cobranzas-cohorte\/summary$/, async () => {
    const { rows } = await target.query('SELECT cohorte, pagos, total_cobrado::text, deberia_cobrar::text FROM cobranzas_cohorte_agg ORDER BY cohorte');
    return [200, { cohortes: rows }];
  }],
  ['GET', /^\/api\/v1\/analytics\/kpis$/, async () => {
    const { rows } = await target.query(`SELECT round(coalesce(sum(monto_cobrado), 0), 2)::text AS total_cobrado,
        round(coalesce(sum(monto_deberia), 0), 2)::text AS deberia_cobrar,
        round(coalesce(sum(monto_cobrado) / nullif(count(*), 0), 0), 2)::text AS ticket_transaccional,
        round(coalesce(sum(monto_cobrado) / nullif(count(DISTINCT contrato_id), 0), 0), 2)::text AS ticket_contrato
        FROM cobranzas_fact`);
    return [200, rows[0]];
  }],
];

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    for (const [method, pattern, handler] of routes) {
      const m = pattern.exec(url.pathname);
      if (m && req.method === method) {
        const [status, body] = await handler(req, url, m.slice(1).map(decodeURIComponent));
        return send(res, status, body);
      }
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  } catch (error) {
    send(res, error.status ?? 500, { error: String(error.message) });
  }
});

server.listen(Number(config.PORT ?? 5000), config.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    Promise.allSettled([target.end(), source.end()]).then(() => process.exit(0));
  });
}
