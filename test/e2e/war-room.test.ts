// The War room, end to end: the real renderer in Debian's Chromium, the real core behind the
// loopback harness, a team ledger on the real PostgreSQL (a database of the test's own). The
// operator's vault publishes a run (core's API, in-process); the window follows it live and shows
// a new step state after the operator acts; a row a superuser rewrites is named as tampering (and
// again after the vault is locked and the ledger followed anew); Spanish; axe. Then, from an
// incident commander's own vault joined to the ledger, the window approves the offered plan and
// signs the GO, and the operator's vault receives and records both. A step's output follows live
// through the ledger's transcript chunks, checked; its failure blocks the run, and the commander's
// rollback from the window is refused by core (nothing signed); a chunk a superuser altered is named in red.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity } from '../../src/core/identity';
import { RunEngine } from '../../src/core/engine';
import { initLedger, joinLedger, offerPlan, publishVault, receiveFromLedger } from '../../src/core/ledger';
import { publishTranscripts } from '../../src/core/ledger/transcripts-publish';
import { createExecutor } from '../../src/core/targets';
import { sshsigSign } from '../../src/core/signing';
import { Vault } from '../../src/core/vault';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import type { ChannelName, WarRoomView } from '../../src/shared/contract';
import { translate } from '../../src/shared/i18n';
import type { Result } from '../../src/shared/result';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { PASSPHRASE } from '../helpers/cli';
import { addOwner, addPeople } from '../helpers/people';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { asSuperuserBypassingTriggers, ledgerRows, vaultWithRun } from '../ledger/fixture';
import { expectAccessible, type AxeViolation } from './console-flows';
import { openScreen, screenshot, watchForPageErrors } from './flows';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Opens the operator's vault (another workstation's), does `fn`, closes it. */
async function withVault<T>(path: string, fn: (vault: Vault) => Promise<T> | T): Promise<T> {
  const vault = Vault.open(path, { passphrase: PASSPHRASE });
  try {
    return await fn(vault);
  } finally {
    vault.close();
  }
}

async function ledgerDb(): Promise<TestDatabase> {
  const db = await useTestDatabase();
  await initLedger(db.dsn);
  return db;
}

describe('the War room', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  const axe = new Map<string, AxeViolation[]>();
  /** What main logged (the harness's log): says when the follower lost the ledger and followed it again. */
  const logs: string[] = [];

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async function follow(page: Page, url: string | null): Promise<void> {
    await openScreen(page, en.nav.warRoom);
    const field = page.getByLabel(en.warRoom.urlLabel, { exact: true });
    if (url !== null) await field.fill(url);
    await page.getByRole('button', { name: en.warRoom.follow, exact: true }).click();
    await page.locator('[data-testid="war-room-state"][data-state="following"]').waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-war-room-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config'), log: (m) => logs.push(m) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('follows a shared run live, names a rewritten event in red, and says so in Spanish', async () => {
    const db = await ledgerDb();
    const ops = await vaultWithRun();
    await withVault(ops.path, async (v) => {
      await joinLedger(v, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
      await publishVault(v);
    });
    const observer = join(ops.dir, 'observer.vault');
    await call('vault.create', { path: observer, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'obs', roles: ['observer'], source: { kind: 'generate' } });

    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await follow(page, db.dsn);
    const steps = page.getByTestId('war-room-steps');
    await steps.locator('tr[data-step="look"][data-status="PASS"]').waitFor();
    expect(await page.getByTestId('war-room-run').getAttribute('data-run')).toBe(ops.runId);
    expect(await steps.locator('tr[data-step="change"]').count()).toBe(0);
    await expectAccessible(page, 'war-room', axe);

    // The window's connection is cut (its backend terminated): it reconnects, going on from its heads.
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'cutover-ledger-follower'`, [db.name]);
    // The operator, on their own workstation, runs the command step and publishes: the window shows it.
    await ops.execute('change');
    await withVault(ops.path, (v) => publishVault(v));
    await steps.locator('tr[data-step="change"][data-status="PASS"]').waitFor();
    await page.locator('[data-testid="war-room-status"] [data-run-status="COMPLETED"]').waitFor();
    await page.getByTestId('war-room-timeline').getByText('run COMPLETED: 3 of 3 steps passed').waitFor();
    expect(await page.getByTestId('war-room-timeline').getByText('run COMPLETED: 3 of 3 steps passed').count()).toBe(1);
    expect(await page.locator('[data-testid="war-room-state"]').getAttribute('data-state')).toBe('following');
    expect(logs).toContainEqual(expect.stringMatching(/^war room: following 127\.0\.0\.1:\d+\/cw_test_\w+ again$/));
    await screenshot(page, '60-war-room-following');

    // A superuser rewrites the newest row the window read (triggers bypassed): named in the red banner.
    const head = (await ledgerRows(db, 'ops-1')).at(-1)!;
    await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET hash = $1 WHERE workstation = 'ops-1' AND seq = $2`, ['0'.repeat(64), head.seq]);
    const banner = page.getByTestId('war-room-tamper');
    await banner.getByText(new RegExp(`ops-1 event #${head.seq}: event #${head.seq} was rewritten after this follower read it`)).waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    await expectAccessible(page, 'war-room-tamper', axe);
    await screenshot(page, '61-war-room-tamper');

    // Spanish: the same view, main's follower still following.
    await page.goto(`${harness.url}?lang=es`);
    await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.warRoom, exact: true }).click();
    await page.getByRole('heading', { name: es.warRoom.heading }).waitFor();
    await page.getByTestId('war-room-tamper').getByText(es.warRoom.tamperHeading).waitFor();
    expect(await page.getByRole('button', { name: es.warRoom.stop, exact: true }).count()).toBe(1);
    // What core words follows the window's language: the timeline's lines and the tamper finding.
    const completed = translate('es', 'warRoom.line.runCompleted', { status: translate('es', 'runStatus.COMPLETED'), passed: 3, steps: 3 });
    expect(completed).toBe('ejecución COMPLETADA: 3 de 3 pasos en PASS');
    await page.getByTestId('war-room-timeline').getByText(completed, { exact: true }).waitFor();
    expect(await page.getByTestId('war-room-timeline').getByText('run COMPLETED: 3 of 3 steps passed').count()).toBe(0);
    await page.getByTestId('war-room-tamper').getByText(new RegExp(`ops-1 evento #${head.seq}: el evento #${head.seq} se reescribió después de que este seguidor lo leyera`)).waitFor();
    expect(await page.getByTestId('war-room-tamper').getByText(/was rewritten/).count()).toBe(0);
    await expectAccessible(page, 'war-room-es', axe);
    await page.close();
    expect(errors).toEqual([]);
    // The window is switched back to English (main words what follows in English again).
    await call('ui.setLanguage', { lang: 'en' });

    // This vault never joined the ledger: acting through it is refused, nothing signed, its chain head unmoved.
    const before = await call<{ head: { seq: number; hash: string } }>('vault.status');
    const refused = (await harness.service.dispatch('warRoom.approve', { runId: ops.runId })) as Result<WarRoomView>;
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'LEDGER_ERROR', message: expect.stringMatching(/has not joined the ledger it follows .*cutover ledger join/) });
    expect((await call<{ head: { seq: number; hash: string } }>('vault.status')).head).toEqual(before.head);

    // Locking stops the follower; the URL is remembered for this vault; following anew walks from genesis and names the row again.
    await call('vault.lock');
    await call('vault.unlock', { path: observer, passphrase: PASSPHRASE });
    const idle = await call<WarRoomView>('warRoom.view', {});
    expect(idle).toMatchObject({ state: 'idle', rememberedUrl: db.dsn, problems: [] });
    const again = await call<WarRoomView>('warRoom.connect', { url: db.dsn });
    expect(again.problems.map((p) => p.text)).toContainEqual(expect.stringMatching(new RegExp(`^ops-1 event #${head.seq}: its bytes do not hash to its hash`)));
    const bad = (await harness.service.dispatch('warRoom.connect', { url: 'postgresql://postgres:secret@127.0.0.1:5432/x' })) as Result<WarRoomView>;
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/password/);
    await call('warRoom.disconnect');
  });

  it("an incident commander's window approves the offered plan and signs the GO; the operator's vault records both", async () => {
    const db = await ledgerDb();
    const ops = await vaultWithRun();
    const dir = useTempDir('cutover-war-room-ic-');
    const icPath = join(dir, 'ic.vault');
    const ic = await (async () => {
      const vault = Vault.create(icPath, PASSPHRASE);
      try {
        const owner = await addOwner(vault, 'ic', ['approver']);
        await joinLedger(vault, { db: db.dsn, workstation: 'ic-1', actor: 'ic' });
        // A chain may carry anything its owner appends: this one copies the operator's run id into a run.started of its own.
        vault.append({ actor: 'ic', type: 'run.started', payload: { runId: ops.runId, environment: 'production', operator: 'ic', runbook: { id: 'copied', version: '1', title: 'Copied' } } });
        return owner;
      } finally {
        vault.close();
      }
    })();
    // The operator registers the incident commander by public key, proven with the commander's own key, and offers the plan.
    await withVault(ops.path, async (v) => {
      await addIdentityFrom(v, { name: 'ic', roles: ['approver'], source: { kind: 'public', publicKey: ic.signer.publicKey }, actor: 'op' });
      const statement = Buffer.from(identityStatementFor(v, 'ic'));
      proveIdentity(v, { name: 'ic', statement, signature: await sshsigSign(ic.signer, statement, IDENTITY_NAMESPACE), actor: 'op' });
      await joinLedger(v, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
      offerPlan(v, ops.runId, 'op');
      await publishVault(v);
    });
    const receive = () => withVault(ops.path, async (v) => {
      const result = await receiveFromLedger(v);
      await publishVault(v);
      return result.items;
    });

    await call('vault.unlock', { path: icPath, passphrase: PASSPHRASE });
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await openScreen(page, en.nav.warRoom);
    // The vault joined this ledger: its URL is offered.
    expect(await page.getByLabel(en.warRoom.urlLabel, { exact: true }).inputValue()).toBe(db.dsn);
    await follow(page, null);
    // The copy does not take the run over: the operator's chain is shown, and the copy is named.
    expect(await page.getByTestId('war-room-claimed').textContent()).toContain('(ops-1, ic-1): a run id is made by its operator’s vault, so all but one copied it. Shown: ops-1’s.');

    const approvals = page.getByTestId('war-room-approvals');
    await approvals.getByRole('button', { name: 'Approve this plan as ic', exact: true }).click();
    await approvals.locator('li[data-signer="ic"][data-state="sent"]').waitFor();
    const approved = await receive();
    expect(approved).toEqual([expect.objectContaining({ from: 'ic-1', kind: 'approval', by: 'ic', status: 'recorded' })]);
    await approvals.locator('li[data-signer="ic"][data-state="recorded"]').waitFor();
    // The run goes on to its end on the operator's workstation; then the commander calls GO.
    await ops.execute('change');
    await withVault(ops.path, (v) => publishVault(v));
    await page.locator('[data-testid="war-room-status"] [data-run-status="COMPLETED"]').waitFor();

    const decisions = page.getByTestId('war-room-decisions');
    await decisions.getByLabel(en.warRoom.go).check();
    await decisions.getByLabel(en.warRoom.noteLabel, { exact: true }).fill('GO from the bridge');
    await decisions.getByRole('button', { name: en.warRoom.decide, exact: true }).click();
    await decisions.locator('li[data-state="sent"]').waitFor();
    const decided = await receive();
    expect(decided).toContainEqual(expect.objectContaining({ from: 'ic-1', kind: 'decision.record', by: 'ic', status: 'recorded' }));
    await decisions.locator('li[data-kind="decision.recorded"][data-verdict="Approved"]').waitFor();
    expect(await decisions.locator('li[data-state="sent"]').count()).toBe(0);
    await expectAccessible(page, 'war-room-acts', axe);
    await screenshot(page, '62-war-room-acts');

    // Each act is the commander's own signature, as the operator's chain recorded it.
    await withVault(ops.path, (v) => {
      const added = v.events().filter((e) => e.type === 'approval.added').map((e) => (e.payload as { fingerprint: string }).fingerprint);
      expect(added).toContain(ic.signer.fingerprint);
      expect(v.events().some((e) => e.type === 'decision.recorded' && e.actor === 'ic')).toBe(true);
    });
    // A retry sent through the ledger names its step: refused before anything is signed, the commander's chain head unmoved.
    const before = await call<{ head: { seq: number; hash: string } }>('vault.status');
    const retry = (await harness.service.dispatch('warRoom.decide', { runId: ops.runId, decision: { kind: 'run.decide', decision: 'retry', reason: 'flaky' } })) as Result<WarRoomView>;
    expect(retry.ok).toBe(false);
    if (!retry.ok) expect(retry.error.message).toMatch(/A retry decided through the ledger names the step to run again/);
    expect((await call<{ head: { seq: number; hash: string } }>('vault.status')).head).toEqual(before.head);
    await page.close();
    expect(errors).toEqual([]);
    await call('warRoom.disconnect');
  });

  it("a step's output shows live before the step finishes, then verified complete; the BLOCKED run's rollback is refused, nothing signed; a chunk a superuser altered is named in red", async () => {
    const db = await ledgerDb();
    const dir = useTempDir('cutover-war-room-output-');
    const vault = Vault.create(join(dir, 'op.vault'), PASSPHRASE);
    try {
      const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']]]);
      await joinLedger(vault, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
      const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
      const text = `format: cutover-runbook/v1
id: live-output
title: Live output
version: "1"
share_transcripts: true
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local, cwd: "${dir}" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, read_only: true, run: 'echo first-part; while [ ! -e release ]; do sleep 0.05; done; echo second-part; exit 3' }
`;
      const { runId } = await engine('op').startRun({ text, source: 'live-output.yaml', environment: 'rehearsal' });
      await engine('ap1').approve(runId, 'ap1', people.get('ap1')!.signer);
      // Publishes what the operator's vault has recorded so far, as its outbox does: events, then transcript chunks.
      const signer = people.get('op')!.signer;
      const publish = async () => {
        await publishVault(vault, { signer });
        await publishTranscripts(vault, { signer });
      };
      await publish();
      const running = engine('op').executeStep(runId, 'look');

      // The window's vault: an incident commander's, joined to the ledger, whom the operator never registered.
      const icPath = join(dir, 'ic.vault');
      const ic = Vault.create(icPath, PASSPHRASE);
      try {
        await addOwner(ic, 'ic', ['approver']);
        await joinLedger(ic, { db: db.dsn, workstation: 'ic-1', actor: 'ic' });
      } finally {
        ic.close();
      }
      await call('vault.unlock', { path: icPath, passphrase: PASSPHRASE });
      const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
      const errors = watchForPageErrors(page);
      await page.goto(harness.url);
      await follow(page, db.dsn);
      const output = page.locator('[data-testid="war-room-output"][data-step="look"]');
      // The first part: published while the step waits for a file this test has not created.
      const firstPart = output.locator('pre').getByText('first-part');
      await vi.waitFor(async () => {
        await publish();
        expect(await firstPart.count()).toBe(1);
      }, { timeout: 60_000, interval: 200 });
      expect(await output.getAttribute('data-state')).toBe('live');
      expect(await output.locator('pre').textContent()).not.toContain('second-part');
      expect(existsSync(join(dir, 'release'))).toBe(false);
      expect(vault.events().some((e) => e.type === 'step.finished')).toBe(false);
      await output.getByText(/^Live: \d+ B so far, checked chunk by chunk/).waitFor();
      await expectAccessible(page, 'war-room-output-live', axe);

      writeFileSync(join(dir, 'release'), '');
      expect((await running).status).toBe('FAIL');
      await publish();
      await page.locator('[data-testid="war-room-output"][data-step="look"][data-state="complete"]').waitFor();
      expect(await output.locator('pre').textContent()).toMatch(/first-part\nsecond-part\n$/);
      await output.getByText(/^Verified complete: \d+ B, every chunk signed by ops-1/).waitFor();
      await screenshot(page, '63-war-room-output');

      // The run is BLOCKED: the commander's form decides rollback; core refuses (the operator's chain does not know the key) and nothing is signed.
      await page.locator('[data-testid="war-room-status"] [data-run-status="BLOCKED"]').waitFor();
      const form = page.getByTestId('war-room-run-decision');
      await form.getByLabel(en.warRoom.rollback).check();
      await form.getByLabel(en.warRoom.reasonLabel, { exact: true }).fill('the check failed: back to the old primary');
      const before = await call<{ head: { seq: number; hash: string } }>('vault.status');
      await form.getByRole('button', { name: en.warRoom.runDecide, exact: true }).click();
      await form.getByText(/ops-1's chain holds no proven identity with your key SHA256:/).waitFor();
      expect((await call<{ head: { seq: number; hash: string } }>('vault.status')).head).toEqual(before.head);
      expect(await page.getByTestId('war-room-decisions').locator('li[data-state="sent"]').count()).toBe(0);
      await expectAccessible(page, 'war-room-run-decision', axe);

      // A superuser alters the first chunk's bytes: a window that reads the transcript anew names that chunk in red.
      const artifactId = ((vault.events().find((e) => e.type === 'step.started')!.payload as { transcript: { artifactId: string } }).transcript.artifactId);
      await asSuperuserBypassingTriggers(db, 'UPDATE cutover_ledger.transcript_chunks SET bytes = $2 WHERE artifact_id = $1 AND n = 0', [artifactId, Buffer.from('forged-part\n')]);
      await page.getByRole('button', { name: en.warRoom.stop, exact: true }).click();
      await follow(page, null);
      const problem = output.getByTestId('war-room-output-problem');
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(new RegExp(`ops-1 transcript ${artifactId} chunk #0: its bytes do not hash to its sha256`));
      expect(await problem.getAttribute('role')).toBe('alert');
      expect(await output.locator('pre').count()).toBe(0);
      expect(await output.getAttribute('data-state')).toBe('problem');

      // Spanish: the same problem, in the Spanish catalogue's words.
      await page.goto(`${harness.url}?lang=es`);
      await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.warRoom, exact: true }).click();
      await page.locator('[data-testid="war-room-output"][data-step="look"]').getByText(/^Esta salida no se sostiene: ops-1 transcript/).waitFor();
      await expectAccessible(page, 'war-room-output-es', axe);
      await page.close();
      expect(errors).toEqual([]);
      await call('warRoom.disconnect');
    } finally {
      vault.close();
    }
  });
});
