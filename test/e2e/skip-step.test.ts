// Skipping a step from the run console, and the run closing itself: the real renderer in
// Debian's Chromium against the real core through the loopback harness, on a local target.
// The operator opens "Skip this step…", gives the reason, and the step shows as skipped with it;
// once every step outside rollback is PASS or skipped the console says the run is Completed.
// A BLOCKED run offers no skip at all (that would step around the block).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { actAs, expectAccessible, markDone, selectStep, type AxeViolation } from './console-flows';
import { screenshot, watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const RUNBOOK = `format: cutover-runbook/v1
id: skip-from-console
title: Skip from the console
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: notify, kind: manual, title: Tell the channel, instructions: "Post the start message." }
      - { id: optional-report, kind: check, title: Optional report, target: ws, run: "echo report", read_only: true }
      - { id: broken, kind: check, title: Breaks, target: ws, run: "echo DuplicateTable; exit 1", read_only: true, abort_on: [ { pattern: DuplicateTable } ] }
`;

describe('skipping a step from the run console', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  const axe = new Map<string, AxeViolation[]>();

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async function openConsole(page: Page, runId: string): Promise<void> {
    // The console opens the newest run of the unlocked vault by itself.
    await page.goto(harness.url);
    await page.locator('.phase-timeline').waitFor();
    await page.getByText(`run ${runId}`).waitFor();
    await actAs(page, 'ana');
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-skip-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'skip.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('skips with a reason, shows it, and completes the run', async () => {
    const run = await call<RunView>('run.start', { text: RUNBOOK.replace(/\n {6}- \{ id: broken.*\n/, '\n'), source: 'skip.yaml', environment: 'rehearsal', actor: 'ana' });
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await openConsole(page, run.runId);
    await markDone(page, 'notify', 'posted');

    await selectStep(page, 'optional-report');
    const detail = page.locator('[data-step-detail="optional-report"]');
    await detail.getByText(en.run.skip, { exact: true }).click();
    const confirm = detail.getByRole('button', { name: 'Skip step as ana' });
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    await detail.getByLabel(en.run.skipReasonLabel, { exact: true }).fill('report not needed for a rehearsal');
    await expectAccessible(page, 'skip-form', axe);
    await confirm.click();
    await page.locator('.phase-timeline [data-step="optional-report"][data-status="skipped"]').waitFor();
    expect(await detail.getByTestId('skip-reason').textContent()).toBe('Skipped: report not needed for a rehearsal');

    const done = page.getByTestId('all-passed');
    await done.waitFor();
    expect(await done.textContent()).toContain('1 skipped on purpose: optional-report.');
    expect(await page.locator('.run-header').textContent()).toContain(en.runStatus.COMPLETED);
    await screenshot(page, '40-run-completed-with-skip');
    const status = await call<RunView>('run.status', { runId: run.runId });
    expect(status).toMatchObject({ status: 'COMPLETED', completedAt: expect.stringMatching(/^\d{4}-/) });
    expect(status.steps.find((s) => s.stepId === 'optional-report')).toMatchObject({ status: 'skipped', skipReason: 'report not needed for a rehearsal', actor: 'ana' });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('offers no skip on a BLOCKED run, and the engine refuses one sent anyway', async () => {
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'skip.yaml', environment: 'rehearsal', actor: 'ana' });
    await call('step.execute', { runId: run.runId, stepId: 'broken', actor: 'ana' });
    await expect.poll(async () => (await call<RunView>('run.status', { runId: run.runId })).status, { timeout: 60_000 }).toBe('BLOCKED');
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await openConsole(page, run.runId);
    await selectStep(page, 'optional-report');
    expect(await page.locator('[data-step-detail="optional-report"] details.skip').count()).toBe(0);
    const refused = (await harness.service.dispatch('step.skip', { runId: run.runId, stepId: 'optional-report', actor: 'ana', reason: 'move on' })) as Result<RunView>;
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/BLOCKED at broken; a person records a decision/);
    const empty = (await harness.service.dispatch('step.skip', { runId: run.runId, stepId: 'optional-report', actor: 'ana', reason: '   ' })) as Result<RunView>;
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error.message).toMatch(/Say why the step is skipped/);
    await page.close();
    expect(errors).toEqual([]);
  });
});
