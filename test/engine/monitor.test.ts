// A monitor step probes a real HTTP server on loopback over a short window; every sample is
// evidence, and the thresholds decide PASS or FAIL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngineFixture } from './setup';

let server: Server;
let base = '';
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    if (req.url === '/flaky' && hits % 2 === 0) {
      res.writeHead(503).end('unavailable');
      return;
    }
    setTimeout(() => res.writeHead(200).end('ok'), req.url === '/slow' ? 150 : 1);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function runbook(path: string, thresholds: string[]): string {
  return `
format: cutover-runbook/v1
id: monitor-test
title: Monitor test
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: T30
    title: Cutover monitor
    at: T+0
    steps:
      - id: watch
        kind: monitor
        title: Health
        evidence: health_monitor.jsonl
        probe: { url: "${base}${path}", every: 100ms, for: 1500ms, timeout: 1s }
        thresholds: [${thresholds.map((t) => `"${t}"`).join(', ')}]
`;
}

describe('monitor steps', () => {
  it('passes a healthy endpoint and keeps every sample as evidence', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const run = await op.startRun({ text: runbook('/ok', ['error_rate_pct <= 2.0', 'p95_ms <= 1200']), source: 'm.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'watch');
    expect(outcome.status).toBe('PASS');
    const lines = Buffer.concat([...fx.vault.readArtifact(outcome.transcript.artifactId)]).toString().trim().split('\n').map((l) => JSON.parse(l) as { status: number; ok: boolean });
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.every((s) => s.status === 200 && s.ok)).toBe(true);
    expect(outcome.transcript.name).toBe('health_monitor.jsonl');
  });

  it('fails when the error rate or latency crosses a threshold', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const flaky = await op.startRun({ text: runbook('/flaky', ['error_rate_pct <= 2.0']), source: 'm.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(flaky.runId, 'watch');
    expect(outcome.status).toBe('FAIL');
    expect(outcome.gates[0]!.detail).toMatch(/error_rate_pct = (4\d|5\d)/);
    const slow = await fx.engine().startRun({ text: runbook('/slow', ['p95_ms <= 50']), source: 'm.yaml', environment: 'rehearsal' });
    const slowOutcome = await fx.engine().executeStep(slow.runId, 'watch');
    expect(slowOutcome.status).toBe('FAIL');
    // The server answers /slow after 150 ms: a lower bound (a loaded machine only adds to it).
    expect(slowOutcome.gates[0]!.detail).toMatch(/^p95_ms = \d+ over \d+ samples$/);
    expect(slowOutcome.gates[0]!.check).toMatchObject({ type: 'threshold', metric: 'p95_ms', limit: 50 });
    expect((slowOutcome.gates[0]!.check as { actual: number }).actual).toBeGreaterThanOrEqual(150);
  });
});
