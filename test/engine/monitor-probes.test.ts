// A monitor with several probes against a real HTTP server on loopback: the probes of each
// interval run at once (the server answers none of a round until all three have arrived, so
// probes run one after another would time out), a bearer token from the vault goes to the probe
// through its http target and never into the transcript, and thresholds are judged per probe
// and over all samples.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngineFixture } from './setup';

const TOKEN = 'mon-7a6b5c4d3e2f-token';
let server: Server;
let base = '';
let waiting: { req: IncomingMessage; res: ServerResponse }[] = [];
const authSeen: (string | undefined)[] = [];

function answer(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/api/orders') {
    authSeen.push(req.headers.authorization);
    res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401).end('{}');
    return;
  }
  res.writeHead(req.url === '/down' ? 503 : 200).end('ok');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    // A round is released only once all three probes of the interval are here.
    waiting.push({ req, res });
    if (waiting.length < 3) return;
    const round = waiting;
    waiting = [];
    for (const { req: r, res: s } of round) answer(r, s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function runbook(third: string): string {
  return `
format: cutover-runbook/v1
id: monitor-probes
title: Monitor with probes
version: "1"
targets:
  api:
    kind: http
    base_url: "${base}/api"
    auth: { bearer: api_token }
secrets:
  - name: api_token
phases:
  - id: hypercare
    title: Hypercare
    steps:
      - id: watch
        kind: monitor
        title: Critical endpoints
        evidence: critical_endpoints.jsonl
        every: 100ms
        for: 1s
        timeout: 3s
        probes:
          - { name: orders, target: api, path: /orders, thresholds: ["error_rate_pct <= 0"] }
          - { name: health, url: "${base}/health" }
          - { name: third, url: "${base}${third}", thresholds: ["error_rate_pct <= 0"] }
        thresholds: ["error_rate_pct <= 50"]
`;
}

interface Line { probe: string; status: number | null; ok: boolean; error?: string }

describe('monitor probes', () => {
  it('three probes run in parallel each interval, the token comes from the vault, and each probe is evidence', async () => {
    const fx = await useEngineFixture({ api_token: TOKEN });
    const op = fx.engine();
    const run = await op.startRun({ text: runbook('/ready'), source: 'm.yaml', environment: 'rehearsal' });
    const plan = op.exportPlan(run.runId).plan.steps[0]!;
    expect(plan.command).toBe(`GET ${base}/api/orders + GET ${base}/health + GET ${base}/ready (in parallel) every 100ms for 1s`);
    const outcome = await op.executeStep(run.runId, 'watch');
    const text = Buffer.concat([...fx.vault.readArtifact(outcome.transcript.artifactId)]).toString();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.every((l) => l.status !== null && l.error === undefined)).toBe(true);
    expect(lines.length % 3).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const name of ['orders', 'health', 'third']) expect(lines.filter((l) => l.probe === name).length).toBe(lines.length / 3);
    expect(authSeen.length).toBeGreaterThan(0);
    expect(authSeen.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    expect(text).not.toContain(TOKEN);
    expect(outcome.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['orders: error_rate_pct <= 0', true],
      ['third: error_rate_pct <= 0', true],
      ['error_rate_pct <= 50', true],
    ]);
    expect(outcome.status).toBe('PASS');
  });

  it('a failing probe fails its own threshold while the overall one still passes', async () => {
    const fx = await useEngineFixture({ api_token: TOKEN });
    const op = fx.engine();
    const run = await op.startRun({ text: runbook('/down'), source: 'm.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'watch');
    expect(outcome.status).toBe('FAIL');
    expect(outcome.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['orders: error_rate_pct <= 0', true],
      ['third: error_rate_pct <= 0', false],
      ['error_rate_pct <= 50', true],
    ]);
    expect(outcome.gates[1]!.detail).toMatch(/^third: error_rate_pct = 100 over \d+ samples$/);
    const finished = fx.vault.events().find((e) => e.type === 'step.finished')!;
    const summary = (finished.payload as { summary: { probes: Record<string, { error_rate_pct: number }> } }).summary;
    expect(summary.probes.third!.error_rate_pct).toBe(100);
    expect(summary.probes.health!.error_rate_pct).toBe(0);
  });

  it('a probe through a target follows --target, and a probe naming no http target is refused at validation', async () => {
    const fx = await useEngineFixture({ api_token: TOKEN });
    const op = fx.engine();
    const moved = runbook('/ready').replace(`base_url: "${base}/api"`, 'base_url: "https://orders.example/api"');
    const run = await op.startRun({ text: moved, source: 'm.yaml', environment: 'rehearsal', targets: { api: `${base}/api` } });
    expect(op.exportPlan(run.runId).plan.steps[0]!.command).toContain(`GET ${base}/api/orders`);
    await expect(op.startRun({ text: runbook('/ready').replace('target: api, path', 'target: nope, path'), source: 'm.yaml', environment: 'rehearsal' })).rejects.toThrow(/m\.yaml:\d+:\d+: unknown target `nope`: the http targets are `api`/);
    await expect(op.startRun({ text: runbook('/ready').replace('        every: 100ms\n', ''), source: 'm.yaml', environment: 'rehearsal' })).rejects.toThrow(/a monitor with `probes` names its interval and window/);
  });
});
