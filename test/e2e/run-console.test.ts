// The whole alembic-governance cutover, done from the window as a DBA and two approvers would:
// the real renderer in Debian's Chromium, the real core behind the loopback harness, OpenSSH's
// sshd as the operator's host running the real `python3 -m alembic`, real PostgreSQL as "prod".
// From an empty vault to every step PASS, and the blocked variant to its rollback path. Every
// screen is scanned with axe-core and photographed into test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { en } from '../../src/renderer/src/i18n/en';
import { buildRenderer } from '../harness/build-renderer';
import { processKeychain } from '../harness/keychain';
import { startHarness, type Harness } from '../harness/server';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { startAgent, type TestAgent } from '../helpers/ssh-keys';
import { makeClientKey, startSshd, type TestSshd } from '../helpers/sshd';
import { buildProd, DB_PASSWORD, EXAMPLE } from '../scenario/governance';
import {
  actAs,
  addIdentity,
  answerHostKey,
  attest,
  execute,
  expectAccessible,
  markDone,
  openRunbookFile,
  record,
  refusalOf,
  savePostgresTarget,
  saveSshTarget,
  selectStep,
  startRun,
  storeSecret,
  terminalText,
  testResult,
  testTarget,
  transcriptCheck,
  waitForStatus,
  type AxeViolation,
} from './console-flows';
import { fillCreateForm, openScreen, screenshot, submitCreate, verify, watchForPageErrors } from './flows';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The operator's host of the example: the migration checkout and the forensic scripts. */
const HOST_EXAMPLE = join(ROOT, 'examples/alembic-governance-host');
const MALFORMED = join(ROOT, 'test/fixtures/runbooks/malformed/unknown-step-kind.yaml');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PASSPHRASE = 'correct horse battery staple';
const DOCS_SCREENSHOTS = join(ROOT, 'docs/screenshots');

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

/** The operator's host: the migration checkout (backend/) and the forensic scripts (tmp/). */
interface OpsHost {
  dir: string;
  sshd: TestSshd;
  agent: TestAgent;
  db: TestDatabase;
  harness: Harness;
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
    const db = await useTestDatabase();
    await buildProd(db);
    const dir = mkdtempSync(join(tmpdir(), 'cutover-ui-opshost-'));
    cpSync(join(HOST_EXAMPLE, 'backend'), join(dir, 'backend'), { recursive: true });
    mkdirSync(join(dir, 'tmp'));
    cpSync(join(HOST_EXAMPLE, 'tmp'), join(dir, 'tmp'), { recursive: true });
    const sshd = await startSshd({ config: sshdConfig });
    const agent = await startAgent(dir);
    agent.add(sshd.clientKey.path);
    const harness = await startHarness({
      rendererDir,
      defaultVaultPath: join(dir, 'default', 'cutover.vault'),
      keychain: processKeychain(),
      autoLockMs: null,
      agentSocket: agent.socket,
      sshConfigPath: join(dir, 'no-ssh-config'),
    });
    return {
      dir,
      sshd,
      agent,
      db,
      harness,
      async cleanup() {
        await harness.close();
        await agent.stop();
        await sshd.stop();
        rmSync(dir, { recursive: true, force: true });
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
    context = await browser.newContext({ viewport: { width: 1440, height: 960 }, locale: 'en-US', colorScheme: 'light' });
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
    const { sshd, db, harness, dir } = host;
    const vaultPath = join(dir, 'ops', 'cutover.vault');
    mkdirSync(join(dir, 'ops'));

    // An empty vault; the console says what to do first.
    await page.goto(harness.url);
    await fillCreateForm(page, vaultPath, PASSPHRASE);
    await submitCreate(page);
    await openScreen(page, en.nav.run);
    await page.getByText(en.run.noRun).waitFor();
    await shot('10-run-console-empty');

    // The people: an operator, an approver with a key kept in the vault, and one whose key is a
    // file on "their" machine (they will sign elsewhere and the signature is imported).
    const gov2Key = makeClientKey(dir, 'gov2_ed25519');
    await addIdentity(page, { name: 'ana', role: 'operator' });
    await addIdentity(page, { name: 'gov1', role: 'approver' });
    await addIdentity(page, { name: 'gov2', role: 'approver', keyFile: gov2Key.path });
    await page.locator('.identities li').nth(2).waitFor();
    expect(await page.locator('.identities li').count()).toBe(3);
    await shot('11-identities');
    await actAs(page, 'ana');

    // Targets: the password is entered once; the SSH host's key is confirmed at first connection.
    await storeSecret(page, 'prod_db_password', DB_PASSWORD);
    await saveSshTarget(page, { name: 'ops-rehearsal', host: '127.0.0.1', port: sshd.port, user: sshd.user, cwd: join(dir, 'backend') });
    await testTarget(page, 'ops-rehearsal');
    await page.getByRole('dialog').waitFor();
    await shot('12-host-key-confirmation');
    expect(await answerHostKey(page, true)).toBe(sshd.hostKeyFingerprint);
    const sshTest = await testResult(page, 'ops-rehearsal');
    expect(sshTest.state).toBe('ok');
    expect(sshTest.text).toContain(sshd.hostKeyFingerprint);
    await savePostgresTarget(page, { name: 'prod-rehearsal', dsn: db.target().dsn, secret: 'prod_db_password' });
    await testTarget(page, 'prod-rehearsal');
    expect((await testResult(page, 'prod-rehearsal')).state).toBe('ok');
    expect(await page.locator('[data-target="ops-rehearsal"]').textContent()).toContain(sshd.hostKeyFingerprint);
    await shot('13-targets-and-secrets');

    // A broken runbook is refused with the line and column of each problem.
    await openRunbookFile(page, MALFORMED);
    const problems = page.locator('.issues li');
    await problems.first().waitFor();
    expect(await problems.first().getAttribute('data-line')).toMatch(/^\d+$/);
    expect(await page.locator('.issues').textContent()).toMatch(/line \d+, column \d+/);
    await shot('14-runbook-invalid');

    // The reference runbook: its phases, then a rehearsal run against the test sshd and database.
    await openRunbookFile(page, EXAMPLE);
    await page.getByRole('heading', { name: /Production Alembic reconciliation/ }).waitFor();
    expect(await page.locator('.outline > li').count()).toBe(6);
    await shot('15-runbook-opened');
    await startRun(page, { prod_db: { saved: 'prod-rehearsal' }, ops_host: { saved: 'ops-rehearsal' } }, 'ana');
    await shot('16-run-console-started');

    // Preconditions. The approval attestation needs an approver: the button says why until one acts.
    await selectStep(page, 'pre-approval');
    expect((await refusalOf(page, 'pre-approval'))?.code).toBe('wrongRole');
    await actAs(page, 'gov1');
    await attest(page, 'pre-approval', 'gov1');
    await actAs(page, 'ana');
    await attest(page, 'pre-write-freeze', 'ana');
    await attest(page, 'pre-pitr-window', 'ana');
    await record(page, 'pre-migration-commit', { 'Migration commit SHA (git rev-parse HEAD)': 'a1b2c3d', 'Release tag, if any': 'v2.7.0' });

    // P0: read-only checks over SSH, output live in the terminal, checked against the vault.
    expect(await execute(page, 'p0-heads')).toBe('PASS');
    const heads = await transcriptCheck(page, 'p0-heads');
    expect(heads.state).toBe('match');
    expect(await terminalText(page, 'p0-heads')).toContain('70a79686336c (head)');
    // The terminal is read-only and never traps the keyboard: Tab leaves it.
    await page.locator('[data-step-detail="p0-heads"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.className ?? ""')).not.toContain('xterm-helper-textarea');
    await shot('17-check-passed');
    expect(await execute(page, 'p0-history')).toBe('PASS');
    expect(await execute(page, 'p0-structural-parity-0019')).toBe('PASS');
    expect(await execute(page, 'p0-monthly-report-packs-fks')).toBe('PASS');
    await attest(page, 'p0-parity-acceptable', 'ana');
    expect(await execute(page, 'p1-width-precheck')).toBe('PASS');

    // The first mutating command is refused until two approvers sign: the button says so.
    await selectStep(page, 'p1-width-correction');
    const refusal = await refusalOf(page, 'p1-width-correction');
    expect(refusal?.code).toBe('notApproved');
    expect(refusal?.text).toContain('Needs 2 approver signatures');
    expect(await page.getByRole('button', { name: en.run.runCommand, exact: true }).isDisabled()).toBe(true);
    await shot('18-command-needs-approval');

    // Approvals: gov1 signs here; gov2 signs the saved plan file with ssh-keygen on "their" machine.
    await page.getByRole('button', { name: en.run.goApprovals }).click();
    await page.getByRole('heading', { name: en.approvals.heading, level: 1 }).waitFor();
    const planTable = page.locator('ol.plan');
    expect(await planTable.locator('li[data-plan-step]').count()).toBe(3);
    expect(await planTable.textContent()).toContain(sshd.hostKeyFingerprint);
    expect(await planTable.textContent()).toContain('python3 -m alembic upgrade head');
    await shot('19-approvals-review');
    await page.getByLabel(en.approvals.signerLabel, { exact: true }).selectOption('gov1');
    await page.getByRole('button', { name: 'Sign the plan as gov1' }).click();
    await page.getByRole('status').filter({ hasText: 'gov1 signed the plan' }).waitFor();
    const planFile = join(dir, 'plan.json');
    await page.getByLabel(en.approvals.savePathLabel, { exact: true }).fill(planFile);
    await page.getByRole('button', { name: en.approvals.save, exact: true }).click();
    await page.getByRole('status').filter({ hasText: planFile }).waitFor();
    const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-plan-v1', '-f', gov2Key.path, planFile], { encoding: 'utf8' });
    expect(signed.status, signed.stderr).toBe(0);
    await page.getByLabel(en.approvals.signatureLabel, { exact: true }).fill(readFileSync(`${planFile}.sig`, 'utf8'));
    await page.getByRole('button', { name: en.approvals.import, exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Imported the signature of gov2' }).waitFor();
    await page.getByTestId('signed-by').filter({ hasText: 'gov1, gov2' }).waitFor();
    await shot('20-approvals-signed');

    // The commands, in order, to the end.
    await openScreen(page, en.nav.run);
    expect(await page.getByTestId('approval-count').textContent()).toBe('2 of 2');
    expect(await execute(page, 'p1-width-correction', { command: true })).toBe('PASS');
    expect(await execute(page, 'p2-stamp-anchor', { command: true })).toBe('PASS');
    expect(await execute(page, 'p2-current-post-stamp')).toBe('PASS');
    expect(await execute(page, 'p3-upgrade-head', { command: true })).toBe('PASS');
    expect((await transcriptCheck(page, 'p3-upgrade-head')).state).toBe('match');
    expect(await page.locator('[data-step-detail="p3-upgrade-head"] table.gate-results').textContent()).toContain('-> 70a79686336c,');
    await shot('21-upgrade-passed');
    expect(await execute(page, 'p4-current')).toBe('PASS');
    expect(await execute(page, 'p4-heads')).toBe('PASS');
    expect(await execute(page, 'p4-ai4-objects')).toBe('PASS');
    await attest(page, 'p4-no-unresolved-errors', 'ana');
    await page.getByTestId('all-passed').waitFor();
    await shot('22-run-complete');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('23-run-complete-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect((await db.query('SELECT version_num FROM alembic_version')).rows).toEqual([{ version_num: '70a79686336c' }]);

    // The formal decision: derived from the run, completed and authorized by an approver; then
    // the decision pack, exported, signed by both approvers, and verified.
    await openScreen(page, en.nav.decision);
    await page.getByTestId('decision-status').filter({ hasText: 'PASS' }).waitFor();
    expect(await page.locator('tr[data-field="finalRevision"]').textContent()).toContain('70a79686336c');
    expect(await page.locator('ol.broadcasts li').count()).toBeGreaterThan(0);
    await actAs(page, 'gov1');
    await page.getByLabel(en.decision.riskTier, { exact: true }).fill('Low (rehearsal matched the clone PASS)');
    await page.getByLabel(en.decision.approved, { exact: true }).check();
    await page.getByRole('button', { name: 'Record as gov1' }).click();
    await page.getByTestId('go-no-go').filter({ hasText: /^GO$/ }).waitFor();
    const packDir = join(dir, 'packs');
    await page.getByLabel(en.decision.outDirLabel, { exact: true }).fill(packDir);
    await page.getByRole('button', { name: en.decision.export, exact: true }).click();
    await page.getByTestId('pack-exported').waitFor();
    await page.getByRole('button', { name: en.decision.verify, exact: true }).click();
    await page.locator('[data-pack-verify]').waitFor();
    expect(await page.locator('[data-pack-verify]').getAttribute('data-pack-verify')).toBe('intact');
    for (const signer of ['gov1', 'gov2']) {
      await page.getByLabel(en.decision.signAs, { exact: true }).selectOption(signer);
      await page.getByRole('button', { name: `Sign the pack as ${signer}` }).click();
      await page.getByRole('status').filter({ hasText: `${signer} signed (approve)` }).waitFor();
    }
    await page.locator('[data-pack-verify="ok"]').waitFor();
    await actAs(page, 'ana');
    await shot('27-decision-and-pack');

    // Evidence: the chain and every artifact verify; the transcripts are there with their hashes.
    await openScreen(page, en.nav.evidence);
    const verified = await verify(page);
    expect(verified.state).toBe('ok');
    expect(await page.locator('tr[data-artifact="prod_upgrade_0019_to_head.log"]').count()).toBe(1);
    await shot('24-evidence');

    // The read-only database views, against the upgraded "prod".
    await openScreen(page, en.nav.database);
    await page.getByLabel(en.database.scriptsLabel, { exact: true }).fill(join(dir, 'backend'));
    await page.getByLabel(en.database.targetLabel, { exact: true }).selectOption('prod-rehearsal');
    await page.getByRole('button', { name: en.database.inspect, exact: true }).click();
    await page.locator('tr.current-row[data-revision="70a79686336c"]').waitFor();
    await page.getByRole('button', { name: en.database.runPreflight, exact: true }).click();
    await page.locator('tr[data-check]').first().waitFor();
    await shot('25-alembic-and-preflight');

    // In Spanish (a reload: the vault stays open in main), the console reopens the same run.
    await page.goto(`${harness.url}?lang=es`);
    await page.locator('.phase-timeline').waitFor();
    await page.getByRole('navigation', { name: 'Pantallas' }).waitFor();
    expect(await page.locator('[data-step="p4-ai4-objects"]').getAttribute('data-status')).toBe('PASS');
    await shot('26-run-console-spanish');

    // Nothing in the vault holds the database password.
    await harness.service.dispatch('vault.lock', undefined);
    const vault = Vault.open(vaultPath, { passphrase: PASSPHRASE });
    try {
      expect(JSON.stringify(vault.events())).not.toContain(DB_PASSWORD);
      for (const a of vault.artifacts()) expect(Buffer.concat([...vault.readArtifact(a.id)]).includes(DB_PASSWORD)).toBe(false);
    } finally {
      vault.close();
    }
  });

  it('blocks at DuplicateTable with a banner that says what matched and what the runbook says to do next', async () => {
    host = await startOpsHost(['SetEnv CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE=1']);
    const { sshd, db, harness, dir } = host;
    await page.goto(harness.url);
    await fillCreateForm(page, join(dir, 'blocked.vault'), PASSPHRASE);
    await submitCreate(page);
    await addIdentity(page, { name: 'ana', role: 'operator' });
    await addIdentity(page, { name: 'gov1', role: 'approver' });
    await addIdentity(page, { name: 'gov2', role: 'approver' });
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
