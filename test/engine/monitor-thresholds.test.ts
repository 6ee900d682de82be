// Monitor thresholds against a real HTTP server on loopback: `level: warn` (a breach is recorded
// and listed under Warnings in the decision, never blocking), and limits computed from values an
// earlier monitor captured from its summary ("p95 stable against the T-60 baseline"). The plan
// shows each limit's template and where its value comes from; the act and the gates the numbers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRefusedError } from '../../src/core/engine';
import { decisionFor } from '../../src/core/reports/decision';
import { loadRunbook } from '../../src/core/runbook';
import { useEngineFixture } from './setup';

let server: Server;
let base = '';

beforeAll(async () => {
  // /slow answers after 30 ms, so "p95_ms <= 5" is always breached; /down is always 503.
  server = createServer((req, res) => {
    if (req.url === '/down') res.writeHead(503).end('down');
    else setTimeout(() => res.writeHead(200).end('ok'), req.url === '/slow' ? 30 : 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function levels(level: string): string {
  return `
format: cutover-runbook/v1
id: monitor-levels
title: Monitor levels
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: hypercare
    title: Hypercare
    steps:
      - id: watch
        kind: monitor
        title: Latency spike (no errors)
        every: 100ms
        for: 400ms
        probes:
          - name: api
            url: "${base}/slow"
            thresholds: [ { threshold: "p95_ms <= 5"${level} } ]
        thresholds:
          - error_rate_pct <= 0
          - { threshold: "max_ms <= 5"${level} }
      - id: after
        kind: check
        title: The next check still runs
        target: ws
        run: echo ok
        read_only: true
`;
}

function baseline(afterThresholds: string, capture = 'health_p95: { json: $.probes.health.p95_ms, as: number }'): string {
  return `
format: cutover-runbook/v1
id: monitor-baseline
title: Monitor baseline
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: t60
    title: T-60 baseline
    steps:
      - id: baseline
        kind: monitor
        title: Baseline p95 and error rate
        every: 100ms
        for: 400ms
        probes:
          - { name: health, url: "${base}/ok" }
          - { name: legacy, url: "${base}/down" }
        thresholds: [ "error_rate_pct <= 100" ]
        capture:
          ${capture}
          legacy_errors: { json: $.probes.legacy.error_rate_pct }
  - id: exit
    title: Exit criteria
    steps:
      - id: stable
        kind: monitor
        title: p95 stable against the T-60 baseline
        probe: { url: "${base}/ok", every: 100ms, for: 400ms }
        thresholds:
${afterThresholds}
`;
}

const STABLE = `          - { threshold: "p95_ms <= \${value:baseline.health_p95} * 1.2", level: warn }
          - "error_rate_pct <= \${value:baseline.legacy_errors} - 100"`;

describe('monitor thresholds', () => {
  it('a warn threshold that is breached is recorded and listed under Warnings; the step PASSes and the run goes on', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const run = await op.startRun({ text: levels(', level: warn'), source: 'levels.yaml', environment: 'rehearsal' });
    const watch = await op.executeStep(run.runId, 'watch');
    expect(watch.status).toBe('PASS');
    expect(watch.blocked).toBe(false);
    expect(watch.gates.map((g) => [g.gate, g.passed, g.level])).toEqual([
      ['api: p95_ms <= 5', false, 'warn'],
      ['error_rate_pct <= 0', true, undefined],
      ['max_ms <= 5', false, 'warn'],
    ]);
    expect((await op.executeStep(run.runId, 'after')).status).toBe('PASS');
    expect(op.status(run.runId).status).toBe('COMPLETED');
    const decision = decisionFor(fx.vault, run.runId);
    expect(decision.goNoGo).toBe('GO');
    expect(decision.errors).toEqual([]);
    expect(decision.warnings).toHaveLength(2);
    expect(decision.warnings[0]).toMatch(/^watch \(Latency spike \(no errors\)\): api: p95_ms <= 5 \(api: p95_ms = \d+ over \d+ samples\)$/);
    expect(decision.warnings[1]).toMatch(/^watch \(Latency spike \(no errors\)\): max_ms <= 5 /);

    // The same thresholds without a level block.
    const blocking = await op.startRun({ text: levels(''), source: 'levels.yaml', environment: 'rehearsal' });
    const failed = await op.executeStep(blocking.runId, 'watch');
    expect(failed.status).toBe('FAIL');
    expect(op.status(blocking.runId).status).toBe('BLOCKED');
  });

  it('a limit computed from a captured baseline: the plan shows the template and its source, the act and the gates the numbers', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const run = await op.startRun({ text: baseline(STABLE), source: 'baseline.yaml', environment: 'rehearsal' });
    const entry = op.exportPlan(run.runId).plan.steps.find((s) => s.stepId === 'stable')!;
    expect(entry.command).toBe(`GET ${base}/ok every 100ms for 400ms; thresholds: p95_ms <= \${value:baseline.health_p95} * 1.2 (warn), error_rate_pct <= \${value:baseline.legacy_errors} - 100`);
    expect(entry.references).toEqual({
      'value:baseline.health_p95': { value: { step: 'baseline', name: 'health_p95', from: "captured from the monitor step's result: json $.probes.health.p95_ms as number" } },
      'value:baseline.legacy_errors': { value: { step: 'baseline', name: 'legacy_errors', from: "captured from the monitor step's result: json $.probes.legacy.error_rate_pct" } },
    });
    // A monitor whose limits are all numbers shows its plan entry as it always did.
    expect(op.exportPlan(run.runId).plan.steps.find((s) => s.stepId === 'baseline')!.command).not.toContain('thresholds');

    expect((await op.executeStep(run.runId, 'baseline')).status).toBe('PASS');
    const captured = Object.fromEntries(fx.vault.events().filter((e) => e.type === 'value.captured').map((e) => {
      const p = e.payload as { name: string; value: number; source: unknown };
      return [p.name, p];
    }));
    expect(captured.legacy_errors).toMatchObject({ value: 100, source: { kind: 'json', expr: '$.probes.legacy.error_rate_pct' } });
    const p95 = captured.health_p95!.value;
    expect(typeof p95).toBe('number');

    const stable = await op.executeStep(run.runId, 'stable');
    expect(stable.status).toBe('PASS');
    const [latency, errors] = stable.gates;
    expect(latency).toMatchObject({ gate: 'p95_ms <= ${value:baseline.health_p95} * 1.2', level: 'warn', check: { type: 'threshold', metric: 'p95_ms', op: '<=', limit: p95 * 1.2, limitExpr: '${value:baseline.health_p95} * 1.2', values: { '${value:baseline.health_p95}': p95 } } });
    expect(latency!.detail).toContain(`; limit ${p95 * 1.2} = \${value:baseline.health_p95} * 1.2 with \${value:baseline.health_p95} = ${p95}`);
    expect(errors).toMatchObject({ passed: true, check: { limit: 0, actual: 0, values: { '${value:baseline.legacy_errors}': 100 } } });
    expect(errors!.level).toBeUndefined();
    // The act and step.started carry the limits as computed.
    const started = fx.vault.events().filter((e) => e.type === 'step.started').map((e) => e.payload as { stepId: string; command: string }).find((p) => p.stepId === 'stable')!;
    expect(started.command).toBe(`GET ${base}/ok every 100ms for 400ms; thresholds: p95_ms <= ${p95 * 1.2} (= \${value:baseline.health_p95} * 1.2 with \${value:baseline.health_p95} = ${p95}) (warn), error_rate_pct <= 0 (= \${value:baseline.legacy_errors} - 100 with \${value:baseline.legacy_errors} = 100)`);
  });

  it('a computed limit that breaks its threshold blocks like any other; one that cannot be computed is refused before anything is signed', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine();
    const failing = await op.startRun({ text: baseline('          - "error_rate_pct >= ${value:baseline.legacy_errors}"'), source: 'baseline.yaml', environment: 'rehearsal' });
    await op.executeStep(failing.runId, 'baseline');
    const outcome = await op.executeStep(failing.runId, 'stable');
    expect(outcome.status).toBe('FAIL');
    expect(outcome.gates[0]!.detail).toMatch(/^error_rate_pct = 0 over \d+ samples; limit 100 = \$\{value:baseline.legacy_errors\} with \$\{value:baseline.legacy_errors\} = 100$/);
    expect(op.status(failing.runId).status).toBe('BLOCKED');

    // The baseline was skipped: there is no value to compare against.
    const skipped = await op.startRun({ text: baseline(STABLE), source: 'baseline.yaml', environment: 'rehearsal' });
    await op.skip(skipped.runId, 'baseline', 'the T-60 window was missed');
    let before = fx.vault.head();
    await expect(op.executeStep(skipped.runId, 'stable')).rejects.toThrow(RunRefusedError);
    await expect(op.executeStep(skipped.runId, 'stable')).rejects.toThrow('Step stable: ${value:baseline.health_p95} has no value yet: step baseline was skipped.');
    expect(fx.vault.head()).toEqual(before);

    // Captured as text, the baseline is not a number to multiply.
    const text = await op.startRun({ text: baseline(STABLE, 'health_p95: { json: $.probes.health.p95_ms, as: string }'), source: 'baseline.yaml', environment: 'rehearsal' });
    await op.executeStep(text.runId, 'baseline');
    before = fx.vault.head();
    await expect(op.executeStep(text.runId, 'stable')).rejects.toThrow(/^Step stable: `\$\{value:baseline.health_p95\} \* 1.2` could not be evaluated with \$\{value:baseline.health_p95\} = "\d+": .* \(a captured value is text unless its capture says `as: number`\)$/);
    expect(fx.vault.head()).toEqual(before);
  });

  it('bad thresholds and monitor captures are refused when the runbook is read, each at its line', () => {
    const refused = (thresholds: string, capture?: string): string => {
      try {
        loadRunbook(baseline(thresholds, capture), 'bad.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the runbook was accepted');
    };
    expect(refused('          - "p95 <= 1200"')).toMatch(/bad\.yaml:\d+:\d+: .*`p95` is not something a monitor measures: use error_rate_pct, p50_ms, p95_ms, p99_ms, max_ms/);
    expect(refused('          - "p95_ms <= \'fast\'"')).toMatch(/bad\.yaml:\d+:\d+: .*the limit of "p95_ms <= 'fast'" is neither a number nor arithmetic that gives one: the expression `'fast'` gives a string, not a number/);
    expect(refused('          - "p95_ms <= ${value:baseline.nope} * 1.2"')).toMatch(/bad\.yaml:\d+:\d+: .*step `baseline` captures no value `nope` \(it has health_p95, legacy_errors\)/);
    expect(refused('          - "p95_ms <= ${value:stable.p95} * 1.2"')).toMatch(/bad\.yaml:\d+:\d+: .*step `stable` captures no value `p95`/);
    expect(refused('          - { threshold: "p95_ms <= 1200", level: loud }')).toMatch(/bad\.yaml:\d+:\d+: /);
    expect(refused('          - "p95_ms <= 1200"', 'health_p95: { column: p95_ms }')).toMatch(/bad\.yaml:\d+:\d+: .*column/);
    expect(refused('          - "p95_ms <= 1200"', 'health_p95: { json: $.probes.nope.p95_ms }')).toMatch(/bad\.yaml:\d+:\d+: .*\$\.probes\.nope\.p95_ms is not in the monitor's summary: it has \$\.samples, .*\$\.max_ms, and \$\.probes\.NAME\.FIELD for the probes health, legacy/);
  });
});
