// HTTP steps against a real node:http server on loopback: a POST smoke test with a bearer token
// from the vault (the token never reaches the transcript), status/json/latency expectations that
// pass and fail, a mutating request refused without the plan's quorum (the chain unchanged), a
// server that never answers stopped by the step's timeout, and the runbook checks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { useEngineFixture, type EngineFixture } from './setup';

const TOKEN = 'tok-9f8e7d6c5b4a-sync';

interface Received { method: string; url: string; authorization: string | undefined; contentType: string | undefined; body: string }
const received: Received[] = [];
/** Requests the /hang route holds: answered never, released when the test ends. */
const held = new Set<ServerResponse>();
let heldWaiter: (() => void) | null = null;
let server: Server;
let base = '';

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  received.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (req.url === '/api/v1/sync' && req.method === 'POST') {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: 'unauthorized' });
    // The server echoes the token it received, as a careless API might: the transcript must not keep it.
    return json(201, { job_id: 'job-42', skipped_unchanged_chunks: 12, seen_token: TOKEN });
  }
  if (req.url === '/api/v1/health') return json(200, { status: 'ok', chunks: [{ id: 'c1', rows: 10 }] });
  if (req.url === '/api/v1/broken') return json(500, { error: 'boom' });
  if (req.url === '/api/v1/text') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words, not JSON\nsecond line ERROR-77\n');
    return;
  }
  if (req.url === '/api/v1/slow') {
    setTimeout(() => json(200, { status: 'ok' }), 250);
    return;
  }
  if (req.url === '/api/v1/hang') {
    held.add(res);
    heldWaiter?.();
    return;
  }
  json(404, { error: 'no route' });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function runbook(steps: string, extra = ''): string {
  return `
format: cutover-runbook/v1
id: http-test
title: HTTP steps
version: "1"
targets:
  api:
    kind: http
    base_url: "${base}/api/v1"
    headers: { X-Client: cutover-test }
    auth: { bearer: sync_token }
    ${extra}
secrets:
  - name: sync_token
phases:
  - id: sync
    title: Sync
    steps:
${steps}
`;
}

const POST_STEP = `
      - id: start-sync
        kind: http
        title: Start the incremental sync
        evidence: sync_start.log
        target: api
        request:
          method: POST
          path: /sync
          body: { source_id: assets_1, dry_run: false }
        expect:
          - status: 201
          - json: { path: $.skipped_unchanged_chunks, op: '>', value: 0 }
          - json: { path: $.job_id, op: exists }
          - latency_ms: { op: '<=', value: 10000 }
`;

function transcriptOf(fx: EngineFixture, artifactId: string): string {
  return Buffer.concat([...fx.vault.readArtifact(artifactId)]).toString('utf8');
}

describe('HTTP steps', () => {
  it('a POST smoke test runs with the bearer token from the vault, once approved, and the token is in no transcript', async () => {
    const fx = await useEngineFixture({ sync_token: TOKEN });
    const op = fx.engine();
    const run = await op.startRun({ text: runbook(POST_STEP), source: 'http.yaml', environment: 'rehearsal' });
    // A POST changes something: even in a rehearsal it needs the plan's quorum, like a command.
    await expect(op.executeStep(run.runId, 'start-sync')).rejects.toThrow(/not approved: needs 1 approver signature/);
    const plan = op.exportPlan(run.runId).plan.steps.find((s) => s.stepId === 'start-sync')!;
    expect(plan.kind).toBe('http');
    expect(plan.command).toContain(`POST ${base}/api/v1/sync`);
    expect(plan.command).toContain('Authorization: Bearer ${secret:sync_token}');
    expect(plan.command).toContain('{"source_id":"assets_1","dry_run":false}');
    expect(plan.command).not.toContain(TOKEN);
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const before = received.length;
    const outcome = await op.executeStep(run.runId, 'start-sync');
    expect(outcome.failure).toBeNull();
    expect(outcome.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['status = 201', true],
      ['$.skipped_unchanged_chunks > 0', true],
      ['$.job_id exists', true],
      ['latency_ms <= 10000', true],
    ]);
    expect(outcome.status).toBe('PASS');
    const sent = received.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: '/api/v1/sync', authorization: `Bearer ${TOKEN}`, contentType: 'application/json' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ source_id: 'assets_1', dry_run: false });
    const text = transcriptOf(fx, outcome.transcript.artifactId);
    expect(text).toContain(`> POST ${base}/api/v1/sync`);
    expect(text).toContain('> Authorization: [REDACTED]');
    expect(text).toContain('> X-Client: cutover-test');
    expect(text).toMatch(/< 201 Created \(\d+ ms/);
    expect(text).toContain('"job_id":"job-42"');
    expect(text).toMatch(/"seen_token":"?\[REDACTED\]/);
    expect(text).not.toContain(TOKEN);
    // Nor in the chain: the events carry the plan's template, never the value.
    expect(JSON.stringify(fx.vault.events())).not.toContain(TOKEN);
    const finished = fx.vault.events().find((e) => e.type === 'step.finished' && (e.payload as { stepId: string }).stepId === 'start-sync')!;
    expect((finished.payload as { summary: unknown }).summary).toMatchObject({ method: 'POST', status: 201 });
    expect(outcome.transcript.name).toBe('sync_start.log');
  });

  it('GET checks: status, JSON paths, latency and body gates pass and fail, each saying what it found', async () => {
    const fx = await useEngineFixture({ sync_token: TOKEN });
    const op = fx.engine();
    const step = (id: string, path: string, expect: string) => `
      - id: ${id}
        kind: http
        title: ${id}
        target: api
        request: { path: ${path} }
        expect: ${expect}
`;
    const text = runbook([
      step('healthy', '/health', `[{status: 200}, {json: {path: '$.status', op: '==', value: ok}}, {json: {path: '$.chunks[0].rows', op: '>=', value: 10}}, {output_contains: '"c1"'}]`),
      step('broken', '/broken', '[{json: {path: $.error, op: "==", value: boom}}]'),
      step('missing', '/health', '[{json: {path: "$.chunks[3].id", op: exists}}, {json: {path: $.status, op: ">", value: 1}}]'),
      step('slow', '/slow', '[{latency_ms: {op: "<=", value: 50}}]'),
      step('text', '/text', '[{json: {path: $.x, op: exists}}, {output_matches: "ERROR-\\\\d+"}, {status: [200, 204]}]'),
    ].join(''));
    const run = await op.startRun({ text, source: 'http.yaml', environment: 'rehearsal' });

    const healthy = await op.executeStep(run.runId, 'healthy');
    expect(healthy.gates.every((g) => g.passed)).toBe(true);
    expect(healthy.status).toBe('PASS');

    // No status expected: 2xx is required, and a 500 fails it even though the JSON gate passes.
    const broken = await op.executeStep(run.runId, 'broken');
    expect(broken.status).toBe('FAIL');
    expect(broken.gates[0]).toMatchObject({ gate: 'status 2xx (no status expected, so 2xx is required)', passed: false, detail: 'status 500' });
    expect(broken.gates[1]).toMatchObject({ passed: true });

    const missing = await op.executeStep(run.runId, 'missing');
    expect(missing.status).toBe('FAIL');
    expect(missing.gates.map((g) => [g.passed, g.detail])).toEqual([
      [true, 'status 200'],
      [false, '$.chunks[3].id not found in the body'],
      [false, '$.status = "ok": > compares numbers'],
    ]);

    const slow = await op.executeStep(run.runId, 'slow');
    expect(slow.status).toBe('FAIL');
    expect(slow.gates[1]!.detail).toMatch(/^latency_ms = (2[5-9]\d|[3-9]\d\d|\d{4,})$/);

    const plain = await op.executeStep(run.runId, 'text');
    expect(plain.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['$.x exists', false],
      ['status in 200, 204', true],
      ['output matches /ERROR-\\d+/', true],
    ]);
    expect(plain.gates[0]!.detail).toMatch(/the body is not JSON/);
  });

  it('in production a POST without approvals is refused and the chain does not move; so is a GET', async () => {
    const fx = await useEngineFixture({ sync_token: TOKEN });
    const op = fx.engine();
    const text = runbook(`${POST_STEP}
      - id: health
        kind: http
        title: Health
        target: api
        request: { method: GET, path: /health }
`);
    const run = await op.startRun({ text, source: 'http.yaml', environment: 'production' });
    const head = fx.vault.head();
    const before = received.length;
    await expect(op.executeStep(run.runId, 'start-sync')).rejects.toThrow(/Step start-sync is not approved: needs 1 approver signature/);
    await expect(op.executeStep(run.runId, 'health')).rejects.toThrow(/in production nothing executes before the plan holds its quorum/);
    expect(fx.vault.head()).toEqual(head);
    expect(received.length).toBe(before);
  });

  it('a server that never answers is stopped by the step timeout: FAIL, with the timeout named', async () => {
    const fx = await useEngineFixture({ sync_token: TOKEN });
    const op = fx.engine();
    const run = await op.startRun({ text: runbook(`
      - id: hang
        kind: http
        title: Hang
        target: api
        timeout: 400ms
        request: { path: /hang }
        expect: [{status: 200}]
`), source: 'http.yaml', environment: 'rehearsal' });
    const arrived = new Promise<void>((r) => { heldWaiter = r; });
    const outcome = op.executeStep(run.runId, 'hang');
    await arrived;
    const result = await outcome;
    heldWaiter = null;
    expect(result.status).toBe('FAIL');
    expect(result.failure).toMatchObject({ kind: 'timeout' });
    expect(result.failure!.message).toMatch(/no complete response within 400 ms/);
    expect(result.gates[0]).toMatchObject({ gate: 'status = 200', passed: false });
    expect(result.blocked).toBe(true);
  });

  it('--target api=URL moves the requests, and the plan shows where they go', async () => {
    const fx = await useEngineFixture({ sync_token: TOKEN });
    const op = fx.engine();
    const text = runbook(`
      - id: health
        kind: http
        title: Health
        target: api
        request: { path: /health }
`).replace(`base_url: "${base}/api/v1"`, 'base_url: "https://sync.example/api/v1"');
    const run = await op.startRun({ text, source: 'http.yaml', environment: 'rehearsal', targets: { api: `${base}/api/v1` } });
    expect(op.exportPlan(run.runId).plan.steps[0]!.target).toMatchObject({ kind: 'http', address: `${base}/api/v1` });
    expect((await op.executeStep(run.runId, 'health')).status).toBe('PASS');
    await expect(op.startRun({ text, source: 'http.yaml', environment: 'rehearsal', targets: { api: 'ssh://x@y' } })).rejects.toThrow(/api is an http target: give its base URL/);
  });

  it('a missing token secret is refused before anything is signed', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const run = await op.startRun({ text: runbook(`
      - id: health
        kind: http
        title: Health
        target: api
        request: { path: /health }
`), source: 'http.yaml', environment: 'rehearsal' });
    const head = fx.vault.head();
    await expect(op.executeStep(run.runId, 'health')).rejects.toThrow(/needs the secret "sync_token".*cutover secret set --name sync_token/);
    expect(fx.vault.head()).toEqual(head);
  });
});

function problems(text: string): { errors: string[]; warnings: string[] } {
  try {
    const loaded = loadRunbook(text, 'http.yaml');
    return { errors: [], warnings: loaded.warnings.map((w) => `${w.path}: ${w.message}`) };
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    return { errors: error.issues.filter((i) => i.severity === 'error').map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`), warnings: error.issues.filter((i) => i.severity === 'warning').map((i) => `${i.path}: ${i.message}`) };
  }
}

describe('HTTP runbook checks', () => {
  const one = (step: string, extra = '') => runbook(step, extra);

  it('the POST smoke runbook validates', () => {
    expect(problems(one(POST_STEP))).toEqual({ errors: [], warnings: [] });
  });

  it('a mutating method in a step declared read-only is refused, with where and what to do', () => {
    const { errors } = problems(one(POST_STEP.replace('kind: http', 'kind: http\n        read_only: true')));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\d+:\d+ phases\[0\]\.steps\[0\]\.request\.method: POST changes something, and this step is declared `read_only: true`/);
  });

  it('an unknown target, a non-http target, a bad JSON path and an exit code are each an error', () => {
    expect(problems(one(POST_STEP.replace('target: api', 'target: apx'))).errors.join('\n')).toMatch(/unknown target `apx`: the http targets are `api`/);
    const onShell = problems(one(POST_STEP.replace('target: api', 'target: ws')).replace('targets:\n', 'targets:\n  ws: { kind: local }\n'));
    expect(onShell.errors.join('\n')).toMatch(/`ws` is a local target; an HTTP request goes to a target with `kind: http`/);
    const path = problems(one(POST_STEP.replace('$.skipped_unchanged_chunks', '"$.items[*].n"')));
    expect(path.errors.join('\n')).toMatch(/expect\[1\]\.json\.path: .*JSON path "\$\.items\[\*\]\.n" does not parse: unexpected "\[" at position 8/);
    const noDollar = problems(one(POST_STEP.replace('$.skipped_unchanged_chunks', 'skipped')));
    expect(noDollar.errors.join('\n')).toMatch(/it must start with \$/);
    const exit = problems(one(POST_STEP.replace('- status: 201', '- exit_code: 0')));
    expect(exit.errors.join('\n')).toMatch(/an HTTP step has no exit code: expect `status: 200`/);
  });

  it('a token written in clear in a header is refused; tls_verify: false warns', () => {
    const clear = problems(one(POST_STEP.replace('path: /sync', 'path: /sync\n          headers: { Authorization: "Bearer abc123" }')));
    expect(clear.errors.join('\n')).toMatch(/request\.headers\.Authorization: header `Authorization` carries a credential written in clear/);
    const viaRef = problems(one(POST_STEP.replace('path: /sync', 'path: /sync\n          headers: { X-Api-Key: "${secret:sync_token}" }')));
    expect(viaRef.errors).toEqual([]);
    const undeclared = problems(one(POST_STEP.replace('path: /sync', 'path: /sync\n          headers: { X-Api-Key: "${secret:other}" }')));
    expect(undeclared.errors.join('\n')).toMatch(/names secret `other`, which is not declared/);
    const insecure = problems(one(POST_STEP, 'tls_verify: false'));
    expect(insecure.errors).toEqual([]);
    expect(insecure.warnings.join('\n')).toMatch(/targets\.api\.tls_verify: target `api` does not verify TLS certificates/);
  });
});
