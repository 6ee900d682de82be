// `level: warn` on expectations and abort gates, on real local commands and the real engine: a
// failing warn gate is recorded (GateResult.level), the step still PASSes, the run goes on, and
// the decision lists it under Warnings; a gate without a level still blocks.
import { describe, expect, it, onTestFinished } from 'vitest';
import { decisionContext, decisionFor, formatDecision } from '../../src/core/reports/decision';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { useEngineFixture } from './setup';

function runbook(level: string): string {
  return `
format: cutover-runbook/v1
id: gate-levels
title: Gate levels
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Hypercare checks
    steps:
      - id: latency
        kind: check
        title: p95 latency (monitor, do not block)
        target: ws
        run: "echo 'p95_ms: 1450'; echo 'WARNING: slow replica'"
        read_only: true
        expect:
          - { exit_code: 0 }
          - { threshold: { metric: p95_ms, op: "<=", value: 1200 }${level} }
        abort_on:
          - { pattern: "^WARNING: slow", label: a slow replica${level} }
      - id: after
        kind: check
        title: The next check still runs
        target: ws
        run: "echo ok"
        read_only: true
        expect: [ { output_contains: ok } ]
`;
}

describe('gate levels', () => {
  it('a failing warn gate is recorded and shown, the step PASSes, the run goes on and the decision lists it under Warnings', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(', level: warn'), source: 'gate-levels.yaml', environment: 'rehearsal' });

    const latency = await op.executeStep(run.runId, 'latency');
    expect(latency.status).toBe('PASS');
    expect(latency.blocked).toBe(false);
    const threshold = latency.gates.find((g) => g.check?.type === 'threshold')!;
    expect(threshold).toMatchObject({ passed: false, level: 'warn', detail: 'p95_ms = 1450' });
    const abort = latency.gates.find((g) => g.kind === 'abort')!;
    expect(abort).toMatchObject({ passed: false, level: 'warn', detail: 'matched: WARNING: slow replica' });
    expect(latency.gates.find((g) => g.check?.type === 'exit_code')!.level).toBeUndefined();
    expect(op.status(run.runId).status).toBe('ACTIVE');

    expect((await op.executeStep(run.runId, 'after')).status).toBe('PASS');
    expect(op.status(run.runId).status).toBe('COMPLETED');

    const decision = decisionFor(fx.vault, run.runId);
    expect(decision.status).toBe('PASS');
    expect(decision.goNoGo).toBe('GO');
    expect(decision.errors).toEqual([]);
    expect(decision.warnings).toEqual([
      'latency (p95 latency (monitor, do not block)): p95_ms <= 1200 (p95_ms = 1450)',
      'latency (p95 latency (monitor, do not block)): abort gate /^WARNING: slow/ matched (WARNING: slow replica)',
    ]);
    const text = formatDecision(decision);
    expect(text).toContain('- Warnings: latency (p95 latency (monitor, do not block)): p95_ms <= 1200 (p95_ms = 1450)');
    expect(text).toContain('- Errors: None');
    // The pack's declared gates carry the level (the PDF's abort-gate table says "level: warn").
    const declared = decisionContext(fx.vault, run.runId).model.steps.find((s) => s.stepId === 'latency')!.declaredGates!;
    expect(declared.filter((g) => g.level === 'warn').map((g) => [g.kind, g.outcome])).toEqual([['expect', 'fail'], ['abort', 'matched']]);
  });

  it('the same gates without a level block: the step FAILs and the run is BLOCKED', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(''), source: 'gate-levels.yaml', environment: 'rehearsal' });
    const latency = await op.executeStep(run.runId, 'latency');
    expect(latency.status).toBe('FAIL');
    expect(latency.blocked).toBe(true);
    expect(latency.gates.every((g) => g.level === undefined)).toBe(true);
    expect(op.status(run.runId).status).toBe('BLOCKED');
    const decision = decisionFor(fx.vault, run.runId);
    expect(decision.warnings).toEqual([]);
    expect(decision.errors[0]).toMatch(/^latency .* FAIL: abort gate \/\^WARNING: slow\/ matched/);
  });

  it('a warn abort gate that would cancel the command is refused at validation, at its line and column', () => {
    const text = runbook('').replace('label: a slow replica', 'label: a slow replica, level: warn, on_match: cancel');
    let error: unknown;
    try {
      loadRunbook(text, 'warn-cancel.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunbookError);
    const issue = (error as RunbookError).errors[0]!;
    expect(issue.message).toMatch(/a warn gate never blocks, and `on_match: cancel` stops the command/);
    const line = text.split('\n').findIndex((l) => l.includes('on_match: cancel')) + 1;
    expect(issue.line).toBe(line);
  });

  it('level takes block or warn only', () => {
    expect(() => loadRunbook(runbook(', level: info'), 'bad-level.yaml')).toThrow(/level/);
  });
});

describe('gate levels on HTTP expectations', () => {
  it('status, json and latency expectations with level: warn record a warning and the GET check still PASSes', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ queue_backlog: 900 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = `
format: cutover-runbook/v1
id: http-levels
title: HTTP levels
version: "1"
targets:
  api: { kind: http, base_url: "http://127.0.0.1:${port}" }
phases:
  - id: H
    title: Hypercare
    steps:
      - id: backlog
        kind: http
        title: Queue backlog (monitor)
        target: api
        request: { method: GET, path: /queue }
        expect:
          - { status: 200, level: warn }
          - { json: { path: $.queue_backlog, op: '<', value: 100 }, level: warn }
          - { latency_ms: { op: '<=', value: 60000 }, level: warn }
`;
    const run = await op.startRun({ text, source: 'http-levels.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'backlog');
    expect(outcome.status).toBe('PASS');
    const failed = outcome.gates.filter((g) => !g.passed);
    expect(failed.map((g) => [g.gate, g.level])).toEqual([['status = 200', 'warn'], [expect.stringContaining('$.queue_backlog'), 'warn']]);
    expect(outcome.gates.find((g) => g.gate.startsWith('latency_ms'))).toMatchObject({ passed: true, level: 'warn' });
    expect(decisionFor(fx.vault, run.runId).warnings).toHaveLength(2);
  });
});
