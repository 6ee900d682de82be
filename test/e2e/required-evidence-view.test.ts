// The runbook's evidence pack as the approver sees it on the Decision screen: `decision.get` over
// the loopback harness's real handlers and the real vault core, for a run on a local target that
// has written some of its required files and not others. Each file is present (with the vault's
// real SHA-256 and size), missing (with why), or not applicable (an untaken rollback path); then
// the same table in the real renderer in Chromium, light and dark, with axe. No mocks.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactView, ChannelName, DecisionView, RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { makeClientKey } from '../helpers/sshd';
import { axeScan } from './console-flows';
import { openScreen, screenshot, watchForPageErrors } from './flows';
import { addProvenApprover } from './people-flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

const PASSPHRASE = 'correct horse battery staple';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Four required files: the freeze attestation and the preflight heads (written in the test),
 * the post-check (its step has not run: missing), and the rollback decision (only a rollback
 * step writes it: not applicable). (A file no step writes is refused by the runbook checker.)
 */
const RUNBOOK = `format: cutover-runbook/v1
id: required-evidence-view
title: Required evidence view cutover
version: "1"
policy: { approvals: { quorum: 1, role: approver } }
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", by: operator, evidence: ev_write_freeze_attestation.log }
phases:
  - id: P0
    title: Preflight
    steps:
      - id: p0-heads
        kind: check
        title: alembic heads
        target: ws
        run: "echo '70a79686336c (head)'"
        read_only: true
        expect: [ { exit_code: 0 } ]
        abort_on:
          - { pattern: DuplicateTable, label: DuplicateTable }
        evidence: ev_heads_preflight.log
  - id: P2
    title: Post-checks
    steps:
      - id: p2-current
        kind: check
        title: alembic current
        target: ws
        run: "echo '70a79686336c (head)'"
        read_only: true
        expect: [ { exit_code: 0 } ]
        abort_on:
          - { pattern: Traceback, label: script failure, on_match: cancel }
        evidence: ev_post_upgrade_current.log
rollback:
  triggers: [ "DuplicateTable in the upgrade" ]
  steps:
    - id: rb-pitr
      kind: record
      title: PITR decision
      fields: [ { name: decision, label: Decision } ]
      evidence: ev_rollback_pitr_decision.json
evidence_pack:
  - ev_write_freeze_attestation.log
  - ev_heads_preflight.log
  - ev_post_upgrade_current.log
  - ev_rollback_pitr_decision.json
decision:
  template: governance
  target: local / required-evidence-view
`;

/** The harness's contract as the Decision screen calls it, and a run with some of its evidence written. */
function world(get: () => Harness) {
  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await get().service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async function until(runId: string, stepId: string): Promise<RunView> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await call<RunView>('run.status', { runId });
      if (run.steps.find((s) => s.stepId === stepId)?.status !== 'running') return run;
      if (Date.now() > deadline) throw new Error(`${stepId} still running`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A vault with ana (operator) and gov2 (approver), and a run whose freeze is attested and preflight ran. */
  async function makeRun(path: string): Promise<string> {
    await call('vault.create', { path, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    // gov2's key stays on their machine: registered by public key and proven there.
    const machine = mkdtempSync(join(tmpdir(), 'cutover-gov2-'));
    await addProvenApprover(call as never, { name: 'gov2', key: makeClientKey(machine, 'id_ed25519'), machine, actor: 'ana' });
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'required-evidence.yaml', environment: 'rehearsal', actor: 'ana' });
    await call<RunView>('step.attest', { runId: run.runId, stepId: 'pre-freeze', actor: 'ana' });
    await call<RunView>('step.execute', { runId: run.runId, stepId: 'p0-heads', actor: 'ana' });
    const done = await until(run.runId, 'p0-heads');
    expect(done.steps.find((s) => s.stepId === 'p0-heads')!.status).toBe('PASS');
    return run.runId;
  }

  return { call, until, makeRun };
}

describe('decision.get: the required evidence over the harness', () => {
  let tmp: string;
  let harness: Harness;
  let runId: string;
  const { call, until, makeRun } = world(() => harness);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-required-evidence-'));
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
    harness = await startHarness({ rendererDir: tmp, defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    runId = await makeRun(join(tmp, 'main.vault'));
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every required file in the runbook’s order, present ones with the vault’s real hash and size', async () => {
    const decision = await call<DecisionView>('decision.get', { runId });
    const artifacts = await call<ArtifactView[]>('artifacts.list');
    const rows = decision.requiredEvidence;
    expect(rows.map((r) => r.name)).toEqual(['ev_write_freeze_attestation.log', 'ev_heads_preflight.log', 'ev_post_upgrade_current.log', 'ev_rollback_pitr_decision.json']);
    expect(rows.map((r) => r.status)).toEqual(['present', 'present', 'missing', 'not-applicable']);

    for (const [name, stepId] of [['ev_write_freeze_attestation.log', 'pre-freeze'], ['ev_heads_preflight.log', 'p0-heads']] as const) {
      const row = rows.find((r) => r.name === name)!;
      const artifact = artifacts.find((a) => a.name === name);
      expect(artifact, `${name} in the vault`).toBeDefined();
      expect(artifact!.state).toBe('complete');
      expect(artifact!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row).toEqual({ name, status: 'present', sha256: artifact!.sha256, size: artifact!.size, stepId, stepStatus: 'PASS', reason: null });
    }

    expect(rows.find((r) => r.name === 'ev_post_upgrade_current.log')).toEqual({
      name: 'ev_post_upgrade_current.log',
      status: 'missing',
      sha256: null,
      size: null,
      stepId: 'p2-current',
      stepStatus: 'pending',
      reason: 'p2-current not run',
    });
    expect(rows.find((r) => r.name === 'ev_rollback_pitr_decision.json')).toMatchObject({ status: 'not-applicable', sha256: null, stepId: 'rb-pitr', stepStatus: 'pending', reason: expect.stringContaining('only rollback step rb-pitr writes it') });
    // No file the vault does not hold is called present.
    expect(artifacts.some((a) => a.name === 'ev_post_upgrade_current.log')).toBe(false);

    // The decision itself says the same: a missing required file is a finding.
    expect(decision.text).toMatch(/required evidence missing: .*ev_post_upgrade_current\.log/);

    // Plain data: it survives a JSON round trip unchanged (what the IPC bridge does to it).
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it('carries the abort gates step by step: watched and clear where the step ran, not run where it did not', async () => {
    const { abortGates } = await call<DecisionView>('decision.get', { runId });
    expect(abortGates).toEqual([
      { phaseId: 'P0', phaseTitle: 'Preflight', stepId: 'p0-heads', gate: 'abort on /DuplicateTable/', label: 'DuplicateTable', pattern: 'DuplicateTable', onMatch: 'block', outcome: 'clear', detail: expect.any(String) },
      { phaseId: 'P2', phaseTitle: 'Post-checks', stepId: 'p2-current', gate: 'abort on /Traceback/', label: 'script failure', pattern: 'Traceback', onMatch: 'cancel', outcome: 'not-run', detail: null },
    ]);
  });

  it('shows the file present once its step has run, with the new artifact’s hash', async () => {
    await call<RunView>('step.execute', { runId, stepId: 'p2-current', actor: 'ana' });
    expect((await until(runId, 'p2-current')).steps.find((s) => s.stepId === 'p2-current')!.status).toBe('PASS');
    const decision = await call<DecisionView>('decision.get', { runId });
    const artifact = (await call<ArtifactView[]>('artifacts.list')).find((a) => a.name === 'ev_post_upgrade_current.log')!;
    expect(decision.requiredEvidence.find((r) => r.name === 'ev_post_upgrade_current.log')).toEqual({
      name: 'ev_post_upgrade_current.log',
      status: 'present',
      sha256: artifact.sha256,
      size: artifact.size,
      stepId: 'p2-current',
      stepStatus: 'PASS',
      reason: null,
    });
    expect(decision.requiredEvidence.map((r) => r.status)).toEqual(['present', 'present', 'present', 'not-applicable']);
    expect(decision.text).not.toMatch(/required evidence missing/);
  });
});

// The same table on the Decision screen: the real renderer in Chromium against the harness.
describe.skipIf(!existsSync(CHROMIUM))('the required evidence table on the Decision screen (Chromium)', () => {
  let tmp: string;
  let harness: Harness;
  let browser: Browser;
  const { call, makeRun } = world(() => harness);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-required-evidence-ui-'));
    const rendererDir = join(tmp, 'renderer');
    await buildRenderer(rendererDir);
    harness = await startHarness({ rendererDir, defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows one row per required file with its status in words, the hash, the step and the reason; no serious axe violation in light or dark', async () => {
    const runId = await makeRun(join(tmp, 'ui.vault'));
    const artifacts = await call<ArtifactView[]>('artifacts.list');
    const heads = artifacts.find((a) => a.name === 'ev_heads_preflight.log')!;

    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', colorScheme });
      try {
        const page = await context.newPage();
        const pageErrors = watchForPageErrors(page);
        await page.goto(harness.url);
        await openScreen(page, en.nav.decision);
        const section = page.getByRole('region', { name: en.decision.requiredHeading, exact: true });
        await section.waitFor();
        const rows = section.locator('tr[data-evidence]');
        await rows.first().waitFor();
        expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-evidence'), tr.getAttribute('data-status')]))).toEqual([
          ['ev_write_freeze_attestation.log', 'present'],
          ['ev_heads_preflight.log', 'present'],
          ['ev_post_upgrade_current.log', 'missing'],
          ['ev_rollback_pitr_decision.json', 'not-applicable'],
        ]);
        expect(await section.getByTestId('required-evidence-summary').textContent()).toContain('2 of 3 present; 1 MISSING; 1 not applicable (not counted)');

        // The state is in words, not only a symbol or a colour.
        const missing = section.locator('tr[data-evidence="ev_post_upgrade_current.log"]');
        const missingText = (await missing.textContent()) ?? '';
        expect(missingText).toContain(en.decision.requiredState.missing);
        expect(missingText).toContain('p2-current');
        expect(missingText).toContain('p2-current not run');
        const present = section.locator('tr[data-evidence="ev_heads_preflight.log"]');
        expect(await present.textContent()).toContain(en.decision.requiredState.present);
        expect(await present.textContent()).toContain(heads.sha256!.slice(0, 12));
        expect(await present.locator('[data-sha256]').getAttribute('data-sha256')).toBe(heads.sha256);
        expect(await present.locator('[data-sha256]').getAttribute('title')).toContain(heads.sha256!);
        expect(await section.locator('tr[data-abort-gate]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-abort-gate'), tr.getAttribute('data-outcome')]))).toEqual([
          ['p0-heads', 'clear'],
          ['p2-current', 'not-run'],
        ]);

        const bad = (await axeScan(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(bad, `${colorScheme}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
        await screenshot(page, `required-evidence-${colorScheme}`);
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    }

    // In Spanish: the same keys, the state in Spanish words.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    try {
      const page = await context.newPage();
      await page.goto(`${harness.url}?lang=es`);
      await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.decision, exact: true }).click();
      const section = page.getByRole('region', { name: es.decision.requiredHeading, exact: true });
      await section.locator('tr[data-evidence]').first().waitFor();
      expect(await section.locator('tr[data-evidence="ev_post_upgrade_current.log"]').textContent()).toContain(es.decision.requiredState.missing);
      expect(await section.getByTestId('required-evidence-summary').textContent()).toContain('2 de 3 presentes; FALTANTES: 1');
    } finally {
      await context.close();
    }
    expect(runId).toBeTruthy();
  }, 180_000);
});
