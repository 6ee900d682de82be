// Captured values: a step's result (its JSON output, an SQL column of the real PostgreSQL, a
// pattern's group) becomes a named value, each one a `value.captured` event in the transaction of
// step.finished; later steps use it (${value:STEP.NAME}); the plan shows the template and its
// source, the act and step.started the resolved text. A capture that finds nothing fails the step.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildPlan } from '../../src/core/engine';
import { useTestDatabase } from '../helpers/pg';
import { useEngineFixture } from './setup';

function runbook(dsn: string, extra = ''): string {
  return `
format: cutover-runbook/v1
id: capture-test
title: Captures
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
  db: { kind: postgres, dsn: "${dsn}", tls: disable }
phases:
  - id: P1
    title: One
    steps:
      - id: start
        kind: check
        title: Start the sync (stand-in)
        target: ws
        read_only: true
        run: "echo '{\\"job_id\\": \\"job-7f3a\\", \\"chunks\\": [{\\"skipped\\": 12}]}'"
        capture:
          job_id: { json: "$.job_id" }
          skipped: { json: "$.chunks[0].skipped" }
        expect: [ { that: "\${value:start.skipped} > 0", label: unchanged chunks skipped } ]
      - id: count
        kind: check
        title: Rows
        target: db
        sql: "select count(*) as n, 'snap-' || 42 as snapshot from t where job = \${value:start.job_id}"
        capture:
          n: { column: n, as: number }
          snapshot: { column: 2 }
      - id: watermark
        kind: check
        title: Watermark
        target: ws
        read_only: true
        run: "echo 'watermark: 2026-12-06T19:00:00Z (rows 3)'"
        capture: { wm: { pattern: "watermark: (\\\\S+)" }, rows: { pattern: "rows (\\\\d+)", as: number } }
        expect: [ { that: "\${value:watermark.rows} == \${value:count.n}", label: rows match } ]
      - id: use
        kind: command
        title: Use them
        target: ws
        run: "echo job=\${value:start.job_id} snapshot=\${value:count.snapshot} wm=\${value:watermark.wm}"
        expect: [ { output_contains: "job=job-7f3a" } ]
${extra}`;
}

describe('captured values', () => {
  it('json, column and pattern captures become events, feed later steps (bound in SQL), and the plan shows the template and source', async () => {
    const db = await useTestDatabase();
    await db.query("create table t (job text); insert into t values ('job-7f3a'), ('job-7f3a'), ('job-7f3a'), ('other')");
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'c.yaml', environment: 'rehearsal' });

    const start = await op.executeStep(run.runId, 'start');
    expect(start.status).toBe('PASS');
    expect(start.gates.find((g) => g.check?.type === 'that')).toMatchObject({ passed: true, gate: 'unchanged chunks skipped', check: { expr: '${value:start.skipped} > 0', values: { '${value:start.skipped}': 12 }, result: true } });
    const captured = fx.vault.events().filter((e) => e.type === 'value.captured').map((e) => e.payload);
    expect(captured).toEqual([
      { runId: run.runId, stepId: 'start', name: 'job_id', value: 'job-7f3a', source: { kind: 'json', expr: '$.job_id' } },
      { runId: run.runId, stepId: 'start', name: 'skipped', value: 12, source: { kind: 'json', expr: '$.chunks[0].skipped' } },
    ]);
    // In the chain, right after the step's result.
    const types = fx.vault.events().map((e) => e.type);
    expect(types.slice(types.indexOf('step.finished'), types.indexOf('step.finished') + 3)).toEqual(['step.finished', 'value.captured', 'value.captured']);

    expect((await op.executeStep(run.runId, 'count')).status).toBe('PASS');
    const countStarted = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string; bind: unknown[] };
    expect(countStarted.bind).toEqual(['job-7f3a']);
    expect(op.status(run.runId).steps.get('count')!.captured).toEqual({ n: { value: 3, source: { kind: 'column', expr: 'n' } }, snapshot: { value: 'snap-42', source: { kind: 'column', expr: '2' } } });

    const wm = await op.executeStep(run.runId, 'watermark');
    expect(wm.status).toBe('PASS');
    expect(wm.gates.find((g) => g.gate === 'rows match')).toMatchObject({ passed: true, check: { values: { '${value:watermark.rows}': 3, '${value:count.n}': 3 } } });

    // The plan an approver signs: the template as written, and where each value comes from.
    const entry = buildPlan(op.status(run.runId)).steps.find((s) => s.stepId === 'use')!;
    expect(entry.command).toBe('echo job=${value:start.job_id} snapshot=${value:count.snapshot} wm=${value:watermark.wm}');
    expect(entry.references).toEqual({
      'value:start.job_id': { value: { step: 'start', name: 'job_id', from: "captured from the check step's result: json $.job_id" } },
      'value:count.snapshot': { value: { step: 'count', name: 'snapshot', from: "captured from the check step's result: column 2" } },
      'value:watermark.wm': { value: { step: 'watermark', name: 'wm', from: "captured from the check step's result: pattern watermark: (\\S+)" } },
    });
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const use = await op.executeStep(run.runId, 'use');
    expect(use.status).toBe('PASS');
    // The act and step.started hold the resolved text.
    const started = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string };
    expect(started.command).toBe('echo job=job-7f3a snapshot=snap-42 wm=2026-12-06T19:00:00Z');
    expect(op.status(run.runId).status).toBe('COMPLETED');
  });

  it('a capture that finds nothing fails the step, saying what it looked for and where; nothing is captured', async () => {
    const db = await useTestDatabase();
    await db.query('create table t (job text)');
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook(db.dsn).replace('job_id: { json: "$.job_id" }', 'job_id: { json: "$.job" }');
    const run = await op.startRun({ text, source: 'c.yaml', environment: 'rehearsal' });
    const start = await op.executeStep(run.runId, 'start');
    expect(start.status).toBe('FAIL');
    expect(start.gates.find((g) => g.check?.type === 'capture')).toMatchObject({ passed: false, gate: 'capture job_id: JSON path $.job', detail: 'nothing captured: looked for JSON path $.job in the output; $.job is not in the JSON' });
    expect(fx.vault.events().filter((e) => e.type === 'value.captured')).toEqual([]);
    expect(op.status(run.runId).status).toBe('BLOCKED');
  });

  it('a column that is not there and an empty result fail the step with what was found', async () => {
    const db = await useTestDatabase();
    await db.query('create table t (job text)');
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook(db.dsn).replace("sql: \"select count(*) as n, 'snap-' || 42 as snapshot from t where job = ${value:start.job_id}\"", 'sql: "select job as n from t"');
    const run = await op.startRun({ text, source: 'c.yaml', environment: 'rehearsal' });
    expect((await op.executeStep(run.runId, 'start')).status).toBe('PASS');
    const count = await op.executeStep(run.runId, 'count');
    expect(count.status).toBe('FAIL');
    expect(count.gates.filter((g) => g.check?.type === 'capture').map((g) => g.detail)).toEqual([
      'nothing captured: looked for column n in the SQL result; the query returned no rows',
      'nothing captured: looked for column 2 in the SQL result; the query returned no rows',
    ]);
  });

  it('a step that uses a value not captured yet is refused before anything is signed; the chain does not move', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'c.yaml', environment: 'rehearsal' });
    const before = fx.vault.head();
    await expect(op.executeStep(run.runId, 'count')).rejects.toThrow(/\$\{value:start\.job_id\} has no value yet: step start has not run yet/);
    expect(fx.vault.head()).toEqual(before);
  });

  it('a that: comparison that is false fails the step with the values it compared', async () => {
    const db = await useTestDatabase();
    await db.query("create table t (job text); insert into t values ('job-7f3a')");
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'c.yaml', environment: 'rehearsal' });
    await op.executeStep(run.runId, 'start');
    await op.executeStep(run.runId, 'count');
    const wm = await op.executeStep(run.runId, 'watermark');
    expect(wm.status).toBe('FAIL');
    expect(wm.gates.find((g) => g.gate === 'rows match')).toMatchObject({ passed: false, detail: 'false with ${value:watermark.rows} = 3, ${value:count.n} = 1', check: { type: 'that', result: false } });
    // A failed step captures nothing.
    expect(op.status(run.runId).steps.get('watermark')!.captured).toBeUndefined();
  });
});

describe('captured values over HTTP', () => {
  it('a POST returns the job id (json capture); a later GET takes it in its path, with the base URL from a parameter', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.method === 'POST' ? { job_id: 'job-9/x', skipped_unchanged_chunks: 12 } : { job: req.url, done: true }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ source: 'h.yaml', environment: 'rehearsal', text: `
format: cutover-runbook/v1
id: http-capture
title: HTTP capture
version: "1"
policy: { approvals: { quorum: 1 } }
params:
  api_url: { rehearsal: "${api}", production: "https://sync.example" }
targets:
  sync: { kind: http, base_url: "\${param:api_url}" }
phases:
  - id: P1
    title: Sync
    steps:
      - id: start_sync
        kind: http
        title: Start the sync
        target: sync
        request: { method: POST, path: /api/v1/sync, body: { source: assets } }
        capture: { job_id: { json: "$.job_id" }, skipped: { json: "$.skipped_unchanged_chunks" } }
        expect: [ { status: 201 }, { that: "\${value:start_sync.skipped} > 0", label: unchanged chunks were skipped } ]
      - id: chunks
        kind: http
        title: Chunks of the job
        target: sync
        request: { method: GET, path: "/api/v1/sync/chunks/\${value:start_sync.job_id}" }
        expect: [ { json: { path: "$.done", value: true } } ]
` });
    expect(run.targets.sync).toMatchObject({ kind: 'http', base_url: api });
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const start = await op.executeStep(run.runId, 'start_sync');
    expect(start.status).toBe('PASS');
    expect(start.gates.find((g) => g.check?.type === 'that')).toMatchObject({ passed: true });
    expect(op.status(run.runId).steps.get('start_sync')!.captured).toEqual({ job_id: { value: 'job-9/x', source: { kind: 'json', expr: '$.job_id' } }, skipped: { value: 12, source: { kind: 'json', expr: '$.skipped_unchanged_chunks' } } });
    const chunks = await op.executeStep(run.runId, 'chunks');
    expect(chunks.status).toBe('PASS');
    // A captured value is one path segment: its `/` is encoded, so a server's answer cannot change where the request goes.
    expect(seen).toEqual(['POST /api/v1/sync', 'GET /api/v1/sync/chunks/job-9%2Fx']);
    const started = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string };
    expect(started.command).toBe(`GET ${api}/api/v1/sync/chunks/job-9%2Fx`);
    const entry = buildPlan(op.status(run.runId)).steps.find((s) => s.stepId === 'chunks')!;
    expect(entry.command).toBe(`GET ${api}/api/v1/sync/chunks/\${value:start_sync.job_id}`);
    expect(entry.references).toEqual({ 'value:start_sync.job_id': { value: { step: 'start_sync', name: 'job_id', from: "captured from the http step's result: json $.job_id" } } });
  });
});
