// Repeating checks (repeat:) in the run console: the real renderer in Debian's Chromium against
// the real core through the loopback harness. After the step's first PASS the console shows its
// schedule; an occurrence that is not due yet cannot be run; once due (the clock moves on in the
// page) the operator runs it, and with "run them as they fall due" on, the console runs the next
// one by itself. Each occurrence is a signed execution in the chain; none changes the run's status.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { actAs, expectAccessible, type AxeViolation } from './console-flows';
import { watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const RUNBOOK = `format: cutover-runbook/v1
id: hypercare-console
title: Hypercare from the console
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Hypercare
    steps:
      - { id: kpi, kind: check, title: KPI totals, target: ws, run: "echo totals equal", read_only: true, expect: [ { output_contains: equal } ], repeat: { every: 3s, for: 30s } }
`;

const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k]));

describe('repeating checks in the run console', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  const axe = new Map<string, AxeViolation[]>();

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-schedules-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'hypercare.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs an occurrence when it is due, by hand and then by itself, without changing the run', async () => {
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'hypercare.yaml', environment: 'rehearsal', actor: 'ana' });
    await call('step.execute', { runId: run.runId, stepId: 'kpi', actor: 'ana' });
    await expect.poll(async () => (await call<RunView>('run.status', { runId: run.runId })).status, { timeout: 60_000 }).toBe('COMPLETED');

    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await page.locator('.phase-timeline').waitFor();
    await actAs(page, 'ana');
    const card = page.getByTestId('schedules');
    const item = card.locator('[data-schedule="kpi"]');
    const runNow = (n: number) => item.getByRole('button', { name: fill(en.schedules.runNow, { n, actor: 'ana' }) });

    // Occurrence 2 may already be due on a slow machine; when it is still waiting, its button is disabled.
    if ((await item.getAttribute('data-state')) === 'waiting') expect(await runNow(2).isDisabled()).toBe(true);
    await page.locator('[data-schedule="kpi"][data-state="due"], [data-schedule="kpi"][data-state="overdue"]').waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'schedules', axe);
    await runNow(2).click();
    await expect.poll(async () => (await call<RunView>('run.status', { runId: run.runId })).schedules[0]!.runs, { timeout: 60_000 }).toBe(2);

    // By itself from now on: occurrence 3 runs without a click once it falls due.
    await card.getByLabel(fill(en.schedules.auto, { actor: 'ana' })).check();
    await expect.poll(async () => (await call<RunView>('run.status', { runId: run.runId })).schedules[0]!.runs, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await card.getByLabel(fill(en.schedules.auto, { actor: 'ana' })).uncheck();

    const after = await call<RunView>('run.status', { runId: run.runId });
    expect(after.status).toBe('COMPLETED');
    expect(after.steps[0]!.status).toBe('PASS');
    // Each occurrence is a signed execution by ana in the chain.
    const { events } = await call<{ events: Array<{ type: string; actor: string; payload: { stepId?: string } }> }>('events.list', { limit: 500 });
    const started = events.filter((e) => e.type === 'step.started' && e.payload.stepId === 'kpi');
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(new Set(started.map((e) => e.actor))).toEqual(new Set(['ana']));

    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('heading', { name: es.schedules.heading }).waitFor();
    await page.close();
    expect(errors).toEqual([]);
  });
});
