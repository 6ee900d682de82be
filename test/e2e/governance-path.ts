// The alembic-governance cutover done from the window as a DBA and two approvers would, from an
// empty vault to every step PASS, a GO decision and a signed, verified decision pack. One driver
// for both windows that show the real renderer: Debian's Chromium against the loopback harness
// (run-console.test.ts) and the real Electron app (electron.test.ts). What differs between the
// two comes in through GovernancePathEnv; every assertion lives here, so both check the same.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { Vault } from '../../src/core/vault';
import { en } from '../../src/shared/i18n/window/en';
import { describeRun, runCli } from '../helpers/cli';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { startAgent, type TestAgent } from '../helpers/ssh-keys';
import { makeClientKey, startSshd, type ClientKey, type TestSshd } from '../helpers/sshd';
import { buildProd, DB_PASSWORD, EXAMPLE } from '../scenario/governance';
import {
  actAs,
  addIdentity,
  answerHostKey,
  attest,
  attestElsewhere,
  bringKey,
  proveIdentity,
  execute,
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
} from './console-flows';
import { fillCreateForm, openScreen, submitCreate, verify } from './flows';
import { importedPackVerify, importPackSignature } from './pack-flows';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The operator's host of the example: the migration checkout and the forensic scripts. */
const HOST_EXAMPLE = join(ROOT, 'examples/alembic-governance-host');
const MALFORMED = join(ROOT, 'test/fixtures/runbooks/malformed/unknown-step-kind.yaml');
export const PASSPHRASE = 'correct horse battery staple';

/** The operator's host: the migration checkout (backend/) and the forensic scripts (tmp/), reached over sshd. */
export interface GovernanceHost {
  dir: string;
  sshd: TestSshd;
  /** Holds sshd's client key: SSH targets authenticate through it. */
  agent: TestAgent;
  /** "prod", built as the example's production database was before the cutover. */
  db: TestDatabase;
  stop(): Promise<void>;
}

/** Starts the real parts the cutover runs against; call inside a test (the database is dropped when it ends). */
export async function startGovernanceHost(sshdConfig: string[] = []): Promise<GovernanceHost> {
  const db = await useTestDatabase();
  await buildProd(db);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-ui-opshost-'));
  cpSync(join(HOST_EXAMPLE, 'backend'), join(dir, 'backend'), { recursive: true });
  mkdirSync(join(dir, 'tmp'));
  cpSync(join(HOST_EXAMPLE, 'tmp'), join(dir, 'tmp'), { recursive: true });
  const sshd = await startSshd({ config: sshdConfig });
  const agent = await startAgent(dir);
  agent.add(sshd.clientKey.path);
  return {
    dir,
    sshd,
    agent,
    db,
    async stop() {
      await agent.stop();
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What differs between the Chromium harness and the Electron app. */
export interface GovernancePathEnv {
  host: GovernanceHost;
  /**
   * Records the screen as it is now under a stable name (the README shows some of them; see
   * KEY_SCREENSHOTS in run-console.test.ts). Chromium also scans it with axe-core.
   */
  shot(name: string): Promise<void>;
  /** Reloads the window with the UI in Spanish; the vault stays open in main. */
  reloadInSpanish(): Promise<void>;
  /** Locks the vault (the UI is in Spanish by then), so the test can open the file itself. */
  lockVault(): Promise<void>;
  /** Makes the next system file dialog answer `path`, as a person picking it would (the window takes no typed path). */
  answerNextFileDialog(path: string): Promise<void>;
}

export interface GovernancePathResult {
  vaultPath: string;
  packDir: string;
}

/**
 * Drives the whole cutover. The page must show the vault gate (no vault open); at the end the
 * vault is locked and has been read directly to prove the DB password is nowhere in it.
 */
export async function driveGovernanceCutover(page: Page, env: GovernancePathEnv): Promise<GovernancePathResult> {
  const { sshd, db, dir } = env.host;
  const { shot } = env;
  const vaultPath = join(dir, 'ops', 'cutover.vault');
  mkdirSync(join(dir, 'ops'));

  // An empty vault; the console says what to do first.
  await fillCreateForm(page, vaultPath, PASSPHRASE);
  await submitCreate(page);
  await openScreen(page, en.nav.run);
  await page.getByText(en.run.noRun).waitFor();
  // A new vault: the console lists what to do before the first run, none of it done yet.
  const checklist = page.locator('.getting-started li[data-item]');
  await checklist.first().waitFor();
  expect(await checklist.evaluateAll((items) => items.map((i) => `${i.getAttribute('data-item')}:${i.getAttribute('data-done')}`))).toEqual(['people:false', 'actor:false', 'targets:false', 'runbook:false']);
  await shot('10-run-console-empty');

  // The people: the operator owns the vault (a key it generates); each approver has a key of
  // their own in a directory of their own ("their machine"), registered by its public key and
  // proven by signing the identity statement there with ssh-keygen. gov1 comes to the
  // workstation and brings their key file for the session; gov2 signs everything elsewhere.
  const machine = (name: string) => {
    const path = join(dir, `${name}-machine`);
    mkdirSync(path);
    return path;
  };
  const gov1Dir = machine('gov1');
  const gov2Dir = machine('gov2');
  const gov1Key = makeClientKey(gov1Dir, 'id_ed25519');
  const gov2Key = makeClientKey(gov2Dir, 'id_ed25519');
  await addIdentity(page, { name: 'ana', role: 'operator' });
  await addIdentity(page, { name: 'gov1', role: 'approver', publicKey: gov1Key.publicKey });
  await addIdentity(page, { name: 'gov2', role: 'approver', publicKey: gov2Key.publicKey });
  await page.locator('.identities li[data-identity="gov2"][data-standing="unproven"]').waitFor();
  expect(await page.locator('.identities li').count()).toBe(3);
  // Until an approver proves their key, nothing offers to sign as them.
  expect(await page.getByLabel(en.actor.label, { exact: true }).locator('option').evaluateAll((o) => o.map((x) => x.getAttribute('value')))).toEqual(['', 'ana']);
  await proveIdentity(page, { name: 'gov1', keyPath: gov1Key.path, statementPath: join(gov1Dir, 'gov1.identity.json') });
  await proveIdentity(page, { name: 'gov2', keyPath: gov2Key.path, statementPath: join(gov2Dir, 'gov2.identity.json') });
  await bringKey(page, gov1Key.path, 'gov1');
  expect(await page.locator('.identities li[data-identity]').evaluateAll((items) => items.map((i) => `${i.getAttribute('data-identity')}:${i.getAttribute('data-standing')}:${i.getAttribute('data-usable')}`))).toEqual([
    'ana:owner:true',
    'gov1:proven:true',
    'gov2:proven:false',
  ]);
  // gov2's key is not here: "Signing as" lists ana and gov1 only.
  expect(await page.getByLabel(en.actor.label, { exact: true }).locator('option').evaluateAll((o) => o.map((x) => x.getAttribute('value')))).toEqual(['', 'ana', 'gov1']);
  await shot('11-identities');
  await actAs(page, 'ana');
  // Back on the console, the checklist has ticked off the people and who is acting.
  await openScreen(page, en.nav.run);
  await page.locator('.getting-started li[data-item="actor"][data-done="true"]').waitFor();
  expect(await page.locator('.getting-started li[data-item="people"]').getAttribute('data-done')).toBe('true');
  expect(await page.locator('.getting-started li[data-item="targets"]').getAttribute('data-done')).toBe('false');

  // Targets: the password is entered once; the SSH host's key is confirmed at first connection
  // (main asks the window with a push, and waits for the answer).
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

  // A broken runbook is refused with the line and column of each problem. Runbooks are picked
  // with the page's file input (no native dialog: a test cannot click one).
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

  // Preconditions. The approval attestation needs an approver: the button says why while the
  // operator is signing. gov2 attests from their own machine: the act is exported, signed there
  // with ssh-keygen, and imported.
  await selectStep(page, 'pre-approval');
  expect((await refusalOf(page, 'pre-approval'))?.code).toBe('wrongRole');
  await attestElsewhere(page, 'pre-approval', { by: 'gov2', keyPath: gov2Key.path, actPath: join(gov2Dir, 'pre-approval.act.json') });
  expect(await page.locator('.phase-timeline [data-step="pre-approval"]').getAttribute('data-status')).toBe('PASS');
  await attest(page, 'pre-write-freeze', 'ana');
  await attest(page, 'pre-pitr-window', 'ana');
  await record(page, 'pre-migration-commit', { 'Migration commit SHA (git rev-parse HEAD)': 'a1b2c3d', 'Release tag, if any': 'v2.7.0' });

  // P0: read-only checks over SSH, output live in the terminal (pushed by main as it arrives),
  // hashed as it arrives in the page's hash worker and checked against the vault.
  expect(await execute(page, 'p0-heads')).toBe('PASS');
  const heads = await transcriptCheck(page, 'p0-heads');
  expect(heads.state).toBe('match');
  // ...and the hash came from the worker, loaded from the app's own assets (http://127.0.0.1 in
  // the harness, cutover://app in Electron): where no worker can be made the page hashes on its
  // main thread, which would match just the same.
  const assets = new URL('./assets/', page.url()).href;
  expect(page.workers().map((w) => w.url()).filter((url) => url.startsWith(assets) && url.includes('hash-worker'))).toHaveLength(1);
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

  // Approvals: gov1 signs here with the key they brought; gov2 signs the saved plan file with ssh-keygen on their machine.
  // The plan's path is typed (the Browse button opens a native dialog in Electron).
  await page.getByRole('button', { name: en.run.goApprovals }).click();
  await page.getByRole('heading', { name: en.approvals.heading, level: 1 }).waitFor();
  const planTable = page.locator('ol.plan');
  // The plan arrives after the heading (its own call to main): wait for it before counting.
  await planTable.locator('li[data-plan-step]').first().waitFor();
  // Everything that executes is signed: the three commands and every check before and after them.
  expect(await planTable.locator('li[data-plan-step]').count()).toBe(12);
  expect(await planTable.locator('li[data-plan-kind="command"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-plan-step')))).toEqual(['p1-width-correction', 'p2-stamp-anchor', 'p3-upgrade-head']);
  expect(await planTable.textContent()).toContain(sshd.hostKeyFingerprint);
  expect(await planTable.textContent()).toContain('python3 -m alembic upgrade head');
  await shot('19-approvals-review');
  await page.getByLabel(en.approvals.signerLabel, { exact: true }).selectOption('gov1');
  await page.getByRole('button', { name: 'Sign the plan as gov1' }).click();
  await page.getByRole('status').filter({ hasText: 'gov1 signed the plan' }).waitFor();
  const planFile = join(dir, 'plan.json');
  await env.answerNextFileDialog(planFile);
  await page.locator('form').filter({ has: page.getByLabel(en.approvals.savePathLabel, { exact: true }) }).getByRole('button', { name: en.runbooks.browse, exact: true }).click();
  await page.getByLabel(en.approvals.savePathLabel, { exact: true }).and(page.locator(`[value="${planFile}"]`)).waitFor();
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
  // the decision pack, exported (to a typed folder), verified, signed by both approvers.
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

  await approversSignPack(page, { dir, packDir, gov2Key });

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
  await env.reloadInSpanish();
  await page.locator('.phase-timeline').waitFor();
  await page.getByRole('navigation', { name: 'Pantallas' }).waitFor();
  expect(await page.locator('[data-step="p4-ai4-objects"]').getAttribute('data-status')).toBe('PASS');
  await shot('26-run-console-spanish');

  // Nothing in the vault holds the database password.
  await env.lockVault();
  const vault = Vault.open(vaultPath, { passphrase: PASSPHRASE });
  try {
    expect(JSON.stringify(vault.events())).not.toContain(DB_PASSWORD);
    for (const a of vault.artifacts()) expect(Buffer.concat([...vault.readArtifact(a.id)]).includes(DB_PASSWORD)).toBe(false);
  } finally {
    vault.close();
  }
  return { vaultPath, packDir };
}

// ---- The approvers sign the exported pack ------------------------------------------------
// The one place where the decision pack gets its approvers' signatures, right after it was
// exported and verified intact; on return the page shows the Decision screen with both
// signatures made. Today both sign in the app; gov2's key is also a file on "their" machine
// (`gov2Key`), so this block can change to gov2 signing elsewhere and the signature being
// imported, without touching the rest of the path.
async function approversSignPack(page: Page, pack: { dir: string; packDir: string; gov2Key: ClientKey }): Promise<void> {
  // gov1 signs here, in the app, with the key file they brought for this session.
  await page.getByLabel(en.decision.signAs, { exact: true }).selectOption('gov1');
  await page.getByRole('button', { name: 'Sign the pack as gov1' }).click();
  await page.getByRole('status').filter({ hasText: 'gov1 signed (approve)' }).waitFor();
  // gov2 gets the zip and signs it on "their" machine with the CLI and their own key file (no
  // vault there); the operator imports the signature from the pack that comes back.
  const zips = readdirSync(pack.packDir).filter((f) => f.endsWith('.zip'));
  expect(zips).toHaveLength(1);
  const zip = join(pack.packDir, zips[0]!);
  const signed = await runCli(['pack', 'sign', zip, '--identity', 'gov2', '--key', pack.gov2Key.path], { cwd: pack.dir });
  expect(signed.code, describeRun(signed)).toBe(0);
  expect(await importPackSignature(page, { path: zip, identity: 'gov2' })).toContain("Imported gov2's signature (approve)");
  expect(await importedPackVerify(page)).toBe('ok');
}
