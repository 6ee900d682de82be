// The window at 2 a.m., measured at 1280×800 in Debian's Chromium against the real core through
// the loopback harness: a header that never scrolls away (environment, run state, who signs, a
// fresh chain head, a wall clock in local time and UTC), PRODUCTION that cannot be missed, a
// ticking step, phase progress, one true "Next:" line, no sideways scrolling on any screen, and
// a remembered language switch. Each screen is photographed in light and dark.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelName, DecisionView, RunView, VaultStatus } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { makeClientKey } from '../helpers/sshd';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { actAs, attest, execute, markDone, selectStep, sshSign, waitForStatus } from './console-flows';
import { fillUnlockForm, openScreen, screenshot, SCREENSHOT_DIR, watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PASSPHRASE = 'correct horse battery staple';
const VIEWPORT = { width: 1280, height: 800 };
const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));

const PRODUCTION_RUNBOOK = `format: cutover-runbook/v1
id: window-production
title: The window at 2 a.m.
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Go-ahead and checks
    steps:
      - { id: gov-ok, kind: attest, title: Governance go-ahead, statement: "Governance says go.", by: approver }
      - { id: slow, kind: check, title: A check that takes a while, target: ws, run: "sleep 4; echo done", read_only: true, timeout: 10m }
  - id: P1
    title: The part that breaks
    steps:
      - { id: broken, kind: check, title: Breaks, target: ws, run: "echo DuplicateTable; exit 1", read_only: true, abort_on: [ { pattern: DuplicateTable } ] }
`;

const REHEARSAL_RUNBOOK = `format: cutover-runbook/v1
id: window-rehearsal
title: A calm rehearsal
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Only step
    steps:
      - { id: notify, kind: manual, title: Tell the channel, instructions: "Post the start message." }
`;

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
const nextText = (what: string, who: string) => fill(en.window.next, { what, who });

describe('the window at 2 a.m.', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let vaultPath: string;

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async function nextLine(): Promise<string> {
    return (await page.getByTestId('next-line').textContent()) ?? '';
  }

  async function waitForNext(text: string): Promise<void> {
    await page.getByTestId('next-line').filter({ hasText: text }).waitFor({ timeout: 30_000 });
    expect(await nextLine()).toBe(text);
  }

  /** The header's top edge is at the window's top and the whole header is inside the viewport. */
  async function headerInView(): Promise<void> {
    const box = await page.getByTestId('workspace-header').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBe(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORT.height);
    expect(await page.evaluate('document.scrollingElement.scrollTop')).toBe(0);
  }

  /** Nothing scrolls sideways: not the page, not the screen's own scroll box. */
  async function noHorizontalScroll(screen: string): Promise<void> {
    const widths = (await page.evaluate(`(() => {
      const doc = document.scrollingElement;
      const main = document.querySelector('main.screen');
      const limit = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight) + 1;
      const wide = [...document.querySelectorAll('main.screen *')].filter((el) => el.getBoundingClientRect().right > limit || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')).slice(-4).map((el) => el.tagName + '.' + el.className + ':' + el.scrollWidth + '/' + el.clientWidth + ':' + (el.textContent || '').slice(0, 40));
      // A table in its own sideways scroll box hides columns just the same (the FROM column, fingerprints).
      const tables = [...document.querySelectorAll('main.screen .table-wrap')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => (el.querySelector('caption')?.textContent || '').slice(0, 40) + ':' + el.scrollWidth + '/' + el.clientWidth);
      return { docScroll: doc.scrollWidth, docClient: doc.clientWidth, mainScroll: main.scrollWidth, mainClient: main.clientWidth, wide, tables };
    })()`)) as { docScroll: number; docClient: number; mainScroll: number; mainClient: number; wide: string[]; tables: string[] };
    expect(widths.docScroll <= widths.docClient && widths.mainScroll <= widths.mainClient && widths.tables.length === 0, `${screen} scrolls sideways: ${JSON.stringify(widths)}`).toBe(true);
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-window-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    vaultPath = join(tmp, 'window.vault');
    await call('vault.create', { path: vaultPath, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    // The approver has a key of their own, proves it by signing their statement, and brings it for the session.
    const machine = join(tmp, 'gov-machine');
    mkdirSync(machine, { recursive: true });
    const key = makeClientKey(machine, 'id_ed25519');
    await call('identities.add', { name: 'gov', roles: ['approver'], source: { kind: 'public', publicKey: key.publicKey }, actor: 'ana' });
    const statementPath = join(machine, 'gov.identity.json');
    await call('identities.saveStatement', { name: 'gov', path: statementPath });
    await call('identities.prove', { name: 'gov', signaturePath: sshSign(key.path, 'cutover-identity-v1', statementPath), actor: 'ana' });
    await call('keys.bring', { path: key.path });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', colorScheme: 'light' });
    page = await context.newPage();
    pageErrors = watchForPageErrors(page);
  });

  afterEach(async () => {
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('keeps PRODUCTION, the clock, a ticking step and the next action in view on a production run', async () => {
    const run = await call<RunView>('run.start', { text: PRODUCTION_RUNBOOK, source: 'window-production.yaml', environment: 'production', actor: 'ana' });
    await page.goto(harness.url);
    await page.getByText(`run ${run.runId}`).waitFor();

    const banner = page.getByTestId('environment-banner');
    expect(await banner.getAttribute('data-environment')).toBe('production');
    expect(await banner.textContent()).toContain(en.window.production);
    expect(await banner.isVisible()).toBe(true);
    const bannerColour = await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="environment-banner"]')).backgroundColor`);
    expect(bannerColour).toBe('rgb(179, 38, 30)');

    // The wall clock: local and UTC to the second, and it ticks.
    const utc = page.getByTestId('clock-utc');
    const first = (await utc.textContent()) ?? '';
    expect(first).toMatch(/^\d\d:\d\d:\d\d UTC$/);
    expect((await page.getByTestId('clock-local').textContent()) ?? '').toMatch(/\d\d:\d\d:\d\d/);
    await expect.poll(() => utc.textContent(), { timeout: 5000 }).not.toBe(first);

    // Pending attest by an approver.
    await waitForNext(nextText(fill(en.window.what.attest, { step: 'gov-ok' }), en.window.who.approver));
    await page.getByTestId('header-run-state').locator('[data-run-status="ACTIVE"]').waitFor();
    await screenshot(page, '40-production-run');

    // The header stays while the screen scrolls to its bottom.
    await page.evaluate(`document.querySelector('main.screen').scrollTo({ top: 100000 })`);
    await headerInView();

    // An act moves the chain: the header's head follows it at once.
    const headBefore = Number(await page.getByTestId('chain-head').getAttribute('data-seq'));
    await actAs(page, 'gov');
    await attest(page, 'gov-ok', 'gov');
    const status = await call<VaultStatus>('vault.status');
    await page.locator(`[data-testid="chain-head"][data-seq="${status.head!.seq}"]`).waitFor();
    expect(status.head!.seq).toBeGreaterThan(headBefore);

    // P0 is 1 of 2 done; the running step ticks and counts down to its 10-minute limit.
    expect(await page.locator('[data-phase="P0"] [data-testid="phase-progress"]').textContent()).toContain(fill(en.window.phaseProgress, { done: 1, total: 2 }));
    // In production every check waits for the plan's quorum: the approvers are next.
    await waitForNext(nextText(fill(en.window.what.approve, { valid: 0, quorum: 1 }), en.window.who.approvers));
    await openScreen(page, en.nav.approvals);
    await page.getByLabel(en.approvals.signerLabel, { exact: true }).selectOption('gov');
    await page.getByRole('button', { name: 'Sign the plan as gov' }).click();
    await page.getByRole('status').filter({ hasText: 'gov signed the plan' }).waitFor();
    await openScreen(page, en.nav.run);
    await actAs(page, 'ana');
    await waitForNext(nextText(fill(en.window.what.run, { step: 'slow' }), en.window.who.operator));
    await selectStep(page, 'slow');
    await page.locator('[data-step-detail="slow"]').getByRole('button', { name: en.run.runStep, exact: true }).click();
    const elapsed = page.getByTestId('step-elapsed');
    await elapsed.waitFor();
    await waitForNext(nextText(fill(en.window.what.running, { step: 'slow' }), en.window.who.operator));
    expect(await page.getByTestId('step-countdown').textContent()).toMatch(/^Time limit in (10:00|09:5\d)$/);
    const tick = (await elapsed.textContent()) ?? '';
    expect(tick).toMatch(/^Running for 00:0\d$/);
    await expect.poll(() => elapsed.textContent(), { timeout: 5000 }).not.toBe(tick);
    await screenshot(page, '41-step-running');
    expect(await waitForStatus(page, 'slow', ['PASS', 'FAIL'])).toBe('PASS');

    // BLOCKED: the decision is the next thing, by an operator or approver.
    expect(await execute(page, 'broken')).toBe('BLOCKED');
    await waitForNext(nextText(en.window.what.decide, en.window.who.operatorOrApprover));
    await screenshot(page, '42-blocked-next');
  });

  it('marks a rehearsal calmly, and after the run says record the decision, then export the pack once it is recorded', async () => {
    const run = await call<RunView>('run.start', { text: REHEARSAL_RUNBOOK, source: 'window-rehearsal.yaml', environment: 'rehearsal', actor: 'ana' });
    await page.goto(harness.url);
    await page.getByText(`run ${run.runId}`).waitFor();
    const banner = page.getByTestId('environment-banner');
    expect(await banner.getAttribute('data-environment')).toBe('rehearsal');
    expect(await banner.textContent()).toContain(en.window.rehearsal);
    expect(await banner.textContent()).not.toContain(en.window.production);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="environment-banner"]')).backgroundColor`)).not.toBe('rgb(179, 38, 30)');

    await actAs(page, 'ana');
    await waitForNext(nextText(fill(en.window.what.manual, { step: 'notify' }), en.window.who.operator));
    await markDone(page, 'notify', 'posted');
    await page.getByTestId('all-passed').waitFor();
    expect(await page.getByTestId('all-passed').textContent()).not.toMatch(/record the decision/i);
    await waitForNext(nextText(en.window.what.decision, en.window.who.approver));

    // The approver records the decision: the line moves on and never says "record the decision" again.
    const decision = await call<DecisionView>('decision.record', { runId: run.runId, actor: 'gov', authorization: 'Approved' });
    expect(decision.authorization).toBe('Approved');
    await page.reload();
    await page.getByText(`run ${run.runId}`).waitFor();
    await waitForNext(nextText(en.window.what.pack, en.window.who.operatorThenApprovers));
    await screenshot(page, '43-rehearsal-complete-next');
  });

  it('counts the run\'s clock from the planned T-0 set at start: before it, T-minus', async () => {
    const t0 = new Date(Date.now() + 3600_000).toISOString();
    const run = await call<RunView>('run.start', { text: REHEARSAL_RUNBOOK, source: 'window-rehearsal.yaml', environment: 'rehearsal', t0, actor: 'ana' });
    expect(run.t0).toBe(t0);
    expect(run.timeZero).toMatchObject({ at: t0, source: 'planned' });
    await page.goto(harness.url);
    await page.getByText(`run ${run.runId}`).waitFor();
    const clock = page.getByTestId('run-clock');
    await clock.waitFor();
    expect(await clock.textContent()).toContain(en.run.t0Source.planned);
    expect(await page.getByTestId('run-clock-now').textContent()).toMatch(/now T-(59|1:00):\d\d/);
    // A T-0 that is not a time is refused with the reason, and no run starts.
    const before = (await call<unknown[]>('run.list', undefined)).length;
    await expect(call<RunView>('run.start', { text: REHEARSAL_RUNBOOK, source: 'window-rehearsal.yaml', environment: 'rehearsal', t0: 'tonight', actor: 'ana' })).rejects.toThrow(/T-0 "tonight" is not a time/);
    expect((await call<unknown[]>('run.list', undefined)).length).toBe(before);
  });

  it('shows a monitor’s time left in its window while it probes', async () => {
    // The harness itself is the service the monitor probes: a real HTTP GET every second for 4 s.
    const monitor = `format: cutover-runbook/v1
id: window-monitor
title: Watch the service
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Watch
    steps:
      - id: watch
        kind: monitor
        title: Watch the service
        probe: { url: "${harness.url}", every: 1s, for: 4s }
        thresholds: ["error_rate_pct <= 100"]
`;
    const run = await call<RunView>('run.start', { text: monitor, source: 'window-monitor.yaml', environment: 'rehearsal', actor: 'ana' });
    await page.goto(harness.url);
    await page.getByText(`run ${run.runId}`).waitFor();
    await actAs(page, 'ana');
    await selectStep(page, 'watch');
    await page.locator('[data-step-detail="watch"]').getByRole('button', { name: en.run.runStep, exact: true }).click();
    const left = page.getByTestId('monitor-window');
    await left.waitFor();
    expect(await left.textContent()).toMatch(/^Monitor window: 00:0[0-4] left$/);
    expect(await waitForStatus(page, 'watch', ['PASS', 'FAIL'])).toBe('PASS');
    await expect.poll(() => left.count()).toBe(0);
  });

  it('lands at the top after unlocking, and no screen scrolls sideways at 1280 px, in light and dark', async () => {
    // A run of its own, so Decision & pack has its sections whatever ran before.
    await call<RunView>('run.start', { text: REHEARSAL_RUNBOOK, source: 'window-rehearsal.yaml', environment: 'rehearsal', actor: 'ana' });
    await call('vault.lock');
    await page.goto(harness.url);
    await fillUnlockForm(page, vaultPath, PASSPHRASE);
    await page.getByRole('button', { name: en.gate.unlock, exact: true }).click();
    await page.getByRole('navigation', { name: en.nav.label }).waitFor();
    await page.getByTestId('next-line').waitFor();
    await headerInView();
    expect(await page.evaluate(`document.querySelector('main.screen').scrollTop`)).toBe(0);

    const screens = ['run', 'runbooks', 'approvals', 'decision', 'targets', 'people', 'evidence', 'database'] as const;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [index, screen] of screens.entries()) {
        await openScreen(page, en.nav[screen]);
        await page.locator(`main.screen[data-screen="${screen}"] h1`).first().waitFor();
        // Let the screen's data arrive before measuring.
        await page.waitForLoadState('networkidle');
        await noHorizontalScroll(`${screen} (${scheme})`);
        await headerInView();
        await screenshot(page, `5${index}-${screen}-${scheme}`);
      }
    }

    // The long screens have "On this page": an entry brings its section up under the header.
    await page.emulateMedia({ colorScheme: 'light' });
    for (const [screen, section] of [
      [en.nav.evidence, 'section-identities'],
      [en.nav.decision, 'section-broadcasts'],
    ] as const) {
      await openScreen(page, screen);
      await page.getByTestId('page-sections').locator(`[data-section="${section}"]`).click();
      // At the top of the screen's box, or as near as a screen that ends there lets it come.
      await expect
        .poll(
          async () =>
            (await page.evaluate(`(() => {
              const main = document.querySelector('main.screen');
              const top = document.getElementById('${section}').getBoundingClientRect().top - main.getBoundingClientRect().top;
              const atBottom = main.scrollTop + main.clientHeight >= main.scrollHeight - 1;
              return main.scrollTop > 0 && top >= 0 && (top < 120 || (atBottom && top < main.clientHeight - 40));
            })()`)) as boolean,
        )
        .toBe(true);
      await headerInView();
    }
  });

  it('switches to Spanish and remembers it', async () => {
    await page.goto(harness.url);
    await page.getByTestId('next-line').waitFor();
    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('navigation', { name: es.nav.label }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('es');
    expect(await page.getByTestId('next-line').textContent()).toMatch(/^Siguiente: /);
    // Remembered: a fresh load (no ?lang=) comes back in Spanish.
    await page.goto(harness.url);
    await page.getByRole('navigation', { name: es.nav.label }).waitFor();
    expect(await page.getByTestId('language-switch').inputValue()).toBe('es');
    await noHorizontalScroll('run (es)');
    await page.getByTestId('language-switch').selectOption('en');
    await page.getByRole('navigation', { name: en.nav.label }).waitFor();
  });
});

/** The screens of this file, copied to docs/screenshots with UPDATE_DOCS_SCREENSHOTS=1 (never on a plain run). */
afterAll(() => {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  const names = ['40-production-run', '41-step-running', '42-blocked-next', '43-rehearsal-complete-next'];
  for (const screen of ['run', 'runbooks', 'approvals', 'decision', 'targets', 'people', 'evidence', 'database'].entries()) {
    for (const scheme of ['light', 'dark']) names.push(`5${screen[0]}-${screen[1]}-${scheme}`);
  }
  for (const name of names) {
    const file = join(SCREENSHOT_DIR, `${name}.png`);
    if (existsSync(file)) cpSync(file, join(DOCS_SCREENSHOTS, `${name}.png`));
  }
});
