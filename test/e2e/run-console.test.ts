// The whole alembic-governance cutover, done from the window as a DBA and two approvers would:
// the real renderer in Debian's Chromium, the real core behind the loopback harness, OpenSSH's
// sshd as the operator's host running the real `python3 -m alembic`, real PostgreSQL as "prod".
// From an empty vault to every step PASS (the path itself is in governance-path.ts, shared with
// the Electron test), and the blocked variant to its rollback path. Every screen is scanned with
// axe-core and photographed into test-results/screenshots/.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { en } from '../../src/shared/i18n/window/en';
import { buildRenderer } from '../harness/build-renderer';
import { processKeychain } from '../harness/keychain';
import { startHarness, type Harness } from '../harness/server';
import { DB_PASSWORD, EXAMPLE } from '../scenario/governance';
import {
  actAs,
  addApprover,
  addIdentity,
  answerHostKey,
  attest,
  execute,
  expectAccessible,
  markDone,
  openRunbookFile,
  record,
  refusalOf,
  selectStep,
  startRun,
  storeSecret,
  waitForStatus,
  type AxeViolation,
} from './console-flows';
import { fillCreateForm, openScreen, screenshot, submitCreate, watchForPageErrors } from './flows';
import { driveGovernanceCutover, PASSPHRASE, startGovernanceHost, type GovernanceHost } from './governance-path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DOCS_SCREENSHOTS = join(ROOT, 'docs/screenshots');

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

/** The operator's host, and the harness that serves the UI against main's handlers using it. */
interface OpsHost extends GovernanceHost {
  harness: Harness;
  /** What the harness's "system file dialog" answers next. */
  dialog: { next: string | null };
  cleanup(): Promise<void>;
}

describe('the run console, end to end on real services', () => {
  let tmp: string;
  let rendererDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let host: OpsHost | null = null;
  const axe = new Map<string, AxeViolation[]>();

  async function startOpsHost(sshdConfig: string[] = []): Promise<OpsHost> {
    const host = await startGovernanceHost(sshdConfig);
    const dialog: { next: string | null } = { next: null };
    const harness = await startHarness({
      chooseFile: async () => dialog.next,
      rendererDir,
      defaultVaultPath: join(host.dir, 'default', 'cutover.vault'),
      keychain: processKeychain(),
      autoLockMs: null,
      agentSocket: host.agent.socket,
      sshConfigPath: join(host.dir, 'no-ssh-config'),
    });
    return {
      ...host,
      harness,
      dialog,
      async cleanup() {
        await harness.close();
        await host.stop();
      },
    };
  }

  async function shot(name: string, options: { axe?: boolean } = {}): Promise<void> {
    if (options.axe !== false) await expectAccessible(page, name, axe);
    await screenshot(page, name);
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-console-'));
    rendererDir = join(tmp, 'renderer');
    await buildRenderer(rendererDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    const found = [...axe.entries()].filter(([, v]) => v.length > 0).map(([screen, v]) => `${screen}: ${v.map((x) => `${x.id} (${x.impact})`).join(', ')}`);
    console.info(`[axe] ${axe.size} screens scanned; minor/moderate findings: ${found.length ? found.join(' | ') : 'none'}`);
    copyKeyScreenshots();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', colorScheme: 'light' });
    page = await context.newPage();
    pageErrors = watchForPageErrors(page);
  });

  afterEach(async () => {
    await context.close();
    await host?.cleanup();
    host = null;
    expect(pageErrors).toEqual([]);
  });

  it('runs the alembic-governance cutover from an empty vault to every step PASS, approved by two approvers', async () => {
    host = await startOpsHost();
    const { harness } = host;
    await page.goto(harness.url);
    await driveGovernanceCutover(page, {
      host,
      shot: (name) => shot(name),
      // ?lang= is how the renderer is told its language (src/renderer/src/i18n).
      reloadInSpanish: async () => void (await page.goto(`${harness.url}?lang=es`)),
      // main's handler directly; the Lock button is clicked in renderer.test.ts and, in Electron, electron.test.ts.
      lockVault: async () => void (await harness.service.dispatch('vault.lock', undefined)),
      answerNextFileDialog: async (path) => {
        host!.dialog.next = path;
      },
    });
  });

  it('blocks at DuplicateTable with a banner that says what matched and what the runbook says to do next', async () => {
    host = await startOpsHost(['SetEnv CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE=1']);
    const { sshd, db, harness, dir } = host;
    await page.goto(harness.url);
    await fillCreateForm(page, join(dir, 'blocked.vault'), PASSPHRASE);
    await submitCreate(page);
    await addIdentity(page, { name: 'ana', role: 'operator' });
    // Both approvers are at the workstation with their own key files, brought for the session.
    await addApprover(page, { name: 'gov1', dir, bring: true });
    await addApprover(page, { name: 'gov2', dir, bring: true });
    await actAs(page, 'ana');
    await storeSecret(page, 'prod_db_password', DB_PASSWORD);

    // Targets typed as URIs this time: the host key is confirmed when the first step connects.
    await openRunbookFile(page, EXAMPLE);
    await page.getByRole('heading', { name: /Production Alembic reconciliation/ }).waitFor();
    await startRun(
      page,
      {
        prod_db: { uri: `${db.target().dsn}?sslmode=disable` },
        ops_host: { uri: `ssh://${sshd.user}@127.0.0.1:${sshd.port}?cwd=${encodeURIComponent(join(dir, 'backend'))}` },
      },
      'ana',
    );
    await actAs(page, 'gov1');
    await attest(page, 'pre-approval', 'gov1');
    await actAs(page, 'ana');
    await attest(page, 'pre-write-freeze', 'ana');
    await attest(page, 'pre-pitr-window', 'ana');
    await record(page, 'pre-migration-commit', { 'Migration commit SHA (git rev-parse HEAD)': 'a1b2c3d' });
    await selectStep(page, 'p0-heads');
    await page.locator('[data-step-detail="p0-heads"]').getByRole('button', { name: en.run.runStep, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('p0-heads');
    // The page never grows past the window (the screen scrolls inside it), so the dialog's backdrop covers all of it.
    expect(await page.evaluate('document.scrollingElement.scrollHeight <= window.innerHeight')).toBe(true);
    await shot('30-host-key-during-run');
    expect(await answerHostKey(page, true)).toBe(sshd.hostKeyFingerprint);
    expect(await waitForStatus(page, 'p0-heads', ['PASS', 'FAIL', 'BLOCKED'])).toBe('PASS');
    for (const id of ['p0-history', 'p0-structural-parity-0019', 'p0-monthly-report-packs-fks']) expect(await execute(page, id)).toBe('PASS');
    await attest(page, 'p0-parity-acceptable', 'ana');
    expect(await execute(page, 'p1-width-precheck')).toBe('PASS');

    await openScreen(page, en.nav.approvals);
    for (const signer of ['gov1', 'gov2']) {
      await page.getByLabel(en.approvals.signerLabel, { exact: true }).selectOption(signer);
      await page.getByRole('button', { name: `Sign the plan as ${signer}` }).click();
      await page.getByRole('status').filter({ hasText: `${signer} signed the plan` }).waitFor();
    }
    await openScreen(page, en.nav.run);
    expect(await execute(page, 'p1-width-correction', { command: true })).toBe('PASS');
    expect(await execute(page, 'p2-stamp-anchor', { command: true })).toBe('PASS');
    expect(await execute(page, 'p2-current-post-stamp')).toBe('PASS');
    expect(await execute(page, 'p3-upgrade-head', { command: true })).toBe('BLOCKED');

    // The banner: what matched, and the runbook's rollback triggers and instructions.
    const banner = page.getByTestId('blocked-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('BLOCKED at p3-upgrade-head');
    expect(text).toContain('abort on /DuplicateTable/ matched');
    expect(text).toMatch(/abort on \/DuplicateTable\/: matched: .*DuplicateTable/);
    expect(text).toContain('Any phase abort gate triggers');
    expect(text).toContain('This runbook does not auto-trigger rollback');
    expect(await page.locator('[data-step-detail="p3-upgrade-head"] [data-transcript-check]').getAttribute('data-transcript-check')).not.toBe('mismatch');
    // Mutating steps are refused, with the reason, until a person decides.
    await selectStep(page, 'p3-upgrade-head');
    expect((await refusalOf(page, 'p3-upgrade-head'))?.code).toBe('blocked');
    await page.locator('.blocked-banner').scrollIntoViewIfNeeded();
    await shot('31-blocked-banner');
    expect((await db.query(`SELECT to_regclass('board_monitoring_briefs') AS t`)).rows[0]?.t).toBeNull();

    // The decision takes the run down its rollback path.
    await page.getByLabel(en.blocked.rollback, { exact: true }).check();
    await page.getByLabel(en.blocked.reasonLabel, { exact: true }).fill('DuplicateTable in the AI-4 migration; PITR decision path');
    await page.getByRole('button', { name: 'Record decision as ana' }).click();
    await page.locator('[data-run-status="ROLLBACK"]').first().waitFor();
    await markDone(page, 'rb-stop', 'stopped at 14:02');
    await record(page, 'rb-classify', {
      'Blocker classification (e.g. DuplicateTable, MissingColumn, enum/type conflict, lock timeout/deadlock, backfill conflict)': 'DuplicateTable',
      'Step id where the gate triggered': 'p3-upgrade-head',
    });
    await shot('32-rollback-path');

    // The incident report, from the same evidence.
    await openScreen(page, en.nav.decision);
    const incident = page.getByTestId('incident-report');
    await incident.locator('pre').waitFor();
    expect(await incident.locator('pre').textContent()).toContain('DuplicateTable');
    const reportDir = join(dir, 'incident');
    await page.getByLabel(en.decision.incidentDirLabel, { exact: true }).fill(reportDir);
    await page.getByRole('button', { name: en.decision.saveIncident, exact: true }).click();
    await incident.getByRole('status').waitFor();
    expect(existsSync(reportDir) && readdirSync(reportDir).some((f) => f.endsWith('.pdf'))).toBe(true);
    await shot('33-incident-report');
  });
});

/** The screens the README shows, copied from this run's screenshots with UPDATE_DOCS_SCREENSHOTS=1. */
const KEY_SCREENSHOTS = ['12-host-key-confirmation', '18-command-needs-approval', '19-approvals-review', '21-upgrade-passed', '22-run-complete', '23-run-complete-dark', '27-decision-and-pack', '31-blocked-banner', '33-incident-report'];

function copyKeyScreenshots(): void {
  // Only on request: a test run must not rewrite tracked files.
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  const from = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  for (const name of KEY_SCREENSHOTS) {
    const file = join(from, `${name}.png`);
    if (existsSync(file)) cpSync(file, join(DOCS_SCREENSHOTS, `${name}.png`));
  }
}
