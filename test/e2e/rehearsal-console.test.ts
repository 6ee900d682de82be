// The run console shows, beside each finished step of a production run bound to its rehearsal,
// what the core's comparison found: the real renderer in Debian's Chromium against the real core
// through the loopback harness, on real local commands. A rehearsal is run and exported; the
// production run is started from the Runbooks screen with that pack chosen in main's dialog (its
// record is kept in the vault: `rehearsal.stored`); one step matches, a check differs (need not
// match), and a command differs and blocks, with the act that unblocks it shown as the CLI words it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, PackExportView, RunView, TimelinePage } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { makeClientKey, type ClientKey } from '../helpers/sshd';
import { cutover, PASSPHRASE } from '../pack/fixture';
import { actAs, expectAccessible, openRunbookFile, selectStep, startRun, waitForStatus, type AxeViolation } from './console-flows';
import { screenshot, watchForPageErrors } from './flows';
import { addProvenApprover } from './people-flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const RUNBOOK = `format: cutover-runbook/v1
id: follow-rehearsal
title: Production follows its rehearsal
version: "1"
policy: { approvals: { quorum: 1, role: approver } }
targets:
  ws: { kind: local }
phases:
  - id: P1
    title: Publish
    steps:
      - { id: read-notes, kind: check, title: Read the notes, target: ws, run: "cat notes.txt", read_only: true }
      - { id: publish, kind: command, title: Publish, target: ws, run: "echo published" }
      - { id: tag, kind: command, title: Tag the release, target: ws, run: "cat tag.txt" }
`;

describe('the run console against the rehearsal', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  const dialog: { next: string | null } = { next: null };
  let vaultPath: string;
  /** bea's own machine: her key file. */
  let machine: string;
  let key: ClientKey;

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  /** A working folder for the local target with notes.txt and tag.txt. */
  function folder(name: string, notes: string, tag: string): string {
    const dir = join(tmp, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), notes);
    writeFileSync(join(dir, 'tag.txt'), tag);
    return dir;
  }

  async function executeAll(runId: string, steps: string[]): Promise<RunView> {
    let view = await call<RunView>('run.status', { runId });
    for (const stepId of steps) {
      await call('step.execute', { runId, stepId, actor: 'ana' });
      await expect.poll(async () => (view = await call<RunView>('run.status', { runId })).steps.find((s) => s.stepId === stepId)?.status, { timeout: 30_000 }).toMatch(/^(PASS|FAIL|BLOCKED)$/);
    }
    return view;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-vs-rehearsal-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config'), chooseFile: async () => dialog.next });
    vaultPath = join(tmp, 'vs.vault');
    await call('vault.create', { path: vaultPath, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    // bea approves with a key of her own, brought to this session (so the window signs as her).
    machine = join(tmp, 'bea-machine');
    mkdirSync(machine);
    key = makeClientKey(machine, 'id_ed25519');
    await addProvenApprover(call as never, { name: 'bea', key, machine });
    await call('keys.bring', { path: key.path });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('binds production to the rehearsal from the window, and shows beside each step what the comparison found', { timeout: 90_000 }, async () => {
    // The rehearsal: notes v1, tag v1; completed and exported as its pack.
    const rehearsal = await call<RunView>('run.start', { text: RUNBOOK, source: 'follow.yaml', environment: 'rehearsal', targets: { ws: `local:${folder('rehearsal', 'release v1\n', 'tag v1\n')}` }, actor: 'ana' });
    await call('approval.sign', { runId: rehearsal.runId, signer: 'bea' });
    expect((await executeAll(rehearsal.runId, ['read-notes', 'publish', 'tag'])).status).toBe('COMPLETED');
    const pack = await call<PackExportView>('pack.export', { runId: rehearsal.runId, outDir: join(tmp, 'packs'), actor: 'ana' });

    // Production, started on the Runbooks screen with the rehearsal's pack chosen in main's dialog.
    const runbookFile = join(tmp, 'follow.yaml');
    writeFileSync(runbookFile, RUNBOOK);
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await page.locator('.phase-timeline').waitFor();
    await actAs(page, 'ana');
    await openRunbookFile(page, runbookFile);
    await page.getByLabel(en.environment.production, { exact: true }).check();
    dialog.next = pack.folder;
    await page.getByRole('button', { name: en.runbooks.rehearsalChoose }).click();
    await page.getByTestId('start-rehearsal').getByText(pack.folder).waitFor();
    await startRun(page, { ws: { uri: `local:${folder('production', 'release v2\n', 'tag v2\n')}` } }, 'ana');
    await page.getByTestId('run-rehearsal').getByText(rehearsal.runId).waitFor();
    const production = (await call<{ runId: string; environment: string }[]>('run.list')).find((r) => r.environment === 'production')!;
    expect(production).toBeDefined();

    // The rehearsal's record is in the production vault, named for this run and that pack.
    const events = (await call<TimelinePage>('events.list', { limit: 500 })).events;
    const stored = events.find((e) => e.type === 'rehearsal.stored' && (e.payload as { runId?: string }).runId === production.runId);
    expect(stored?.payload).toMatchObject({ rehearsalRunId: rehearsal.runId, manifestSha256: pack.manifestSha256, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    await call('approval.sign', { runId: production.runId, signer: 'bea' });
    const after = await executeAll(production.runId, ['read-notes', 'publish', 'tag']);
    expect(after.status).toBe('BLOCKED');
    expect(after.steps.find((s) => s.stepId === 'publish')?.rehearsal).toMatchObject({ verdict: 'matches', differences: [], diff: null, blocking: false });

    // Beside each finished step in the timeline, and in full for the step in view.
    // The command itself passed (exit 0); the deviation blocks the run, not the step.
    await waitForStatus(page, 'tag', ['PASS'], 30_000);
    await page.getByTestId('blocked-banner').getByText(/deviation from rehearsal: transcript differ/).waitFor();
    const mark = (id: string) => page.locator(`.phase-timeline [data-step="${id}"] [data-rehearsal]`);
    expect(await mark('publish').getAttribute('data-rehearsal')).toBe('matches');
    expect(await mark('read-notes').getAttribute('data-rehearsal')).toBe('differs');
    expect(await mark('tag').getAttribute('data-rehearsal')).toBe('differs');

    await selectStep(page, 'publish');
    const verdict = page.getByTestId('rehearsal-verdict');
    await verdict.and(page.locator('[data-step="publish"]')).waitFor();
    expect(await verdict.getByTestId('rehearsal-headline').textContent()).toBe(en.run.vsRehearsal.matches);

    await selectStep(page, 'read-notes');
    await verdict.and(page.locator('[data-step="read-notes"]')).waitFor();
    expect(await verdict.getByTestId('rehearsal-headline').textContent()).toBe('Differs from rehearsal: transcript');
    expect(await verdict.getByTestId('rehearsal-deviation').getAttribute('data-deviation')).toBe('none');
    expect(await verdict.getByTestId('rehearsal-unblock').count()).toBe(0);
    await verdict.getByText(en.run.vsRehearsal.showDiff).click();
    const diffText = verdict.getByTestId('rehearsal-diff-text');
    await diffText.getByText(/^\+ release v2$/m).waitFor();
    expect(await diffText.textContent()).toMatch(/^transcript:\n {2}rehearsal: {2}2 lines\n[\s\S]*^- release v1$/m);

    await selectStep(page, 'tag');
    await verdict.and(page.locator('[data-step="tag"]')).waitFor();
    expect(await verdict.getByTestId('rehearsal-headline').textContent()).toBe('Differs from rehearsal: transcript');
    expect(await verdict.getByTestId('rehearsal-deviation').getAttribute('data-deviation')).toBe('block');
    expect(await verdict.getByTestId('rehearsal-accepted').textContent()).toBe(en.run.vsRehearsal.notAccepted);
    const tag = after.steps.find((s) => s.stepId === 'tag')!.rehearsal!;
    expect(tag).toMatchObject({ blocking: true, quorum: 1, accepted: [] });
    expect(await verdict.getByTestId('accept-deviation-command').textContent()).toBe(
      `cutover act export --vault V ${production.runId} tag --as NAME --accept-deviation ${tag.diff!.sha256} --out act.json`,
    );
    await screenshot(page, '47-run-against-rehearsal');
    await expectAccessible(page, 'run-against-rehearsal', new Map<string, AxeViolation[]>());

    // bea accepts it as the console says: the printed line run as written (V and NAME filled in),
    // signed on her machine with ssh-keygen, and the act imported; the console names her.
    const actPath = join(machine, 'tag.deviation.act.json');
    const printed = (await verdict.getByTestId('accept-deviation-command').textContent())!.split(' ');
    expect(printed[0]).toBe('cutover');
    const exported = await cutover(printed.slice(1).map((a) => (a === 'V' ? vaultPath : a === 'NAME' ? 'bea' : a === 'act.json' ? actPath : a)));
    expect(exported.code, exported.stderr).toBe(0);
    const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-act-v1', '-f', key.path, actPath], { encoding: 'utf8' });
    expect(signed.status, signed.stderr).toBe(0);
    const accepted = await call<RunView>('act.import', { runId: production.runId, actPath, signaturePath: `${actPath}.sig`, actor: 'ana' });
    expect(accepted.status).not.toBe('BLOCKED');
    expect(accepted.steps.find((s) => s.stepId === 'tag')?.rehearsal).toMatchObject({ blocking: false, acceptCommand: null, accepted: [{ signer: 'bea' }] });
    // The act came in through the contract, not this page's buttons: the page reads the run again.
    await page.reload();
    await page.locator('.phase-timeline').waitFor();
    await selectStep(page, 'tag');
    await verdict.and(page.locator('[data-step="tag"]')).waitFor();
    await verdict.getByTestId('rehearsal-accepted').getByText('Accepted by bea').waitFor();
    expect(await verdict.getByTestId('rehearsal-unblock').count()).toBe(0);

    // In Spanish.
    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('navigation', { name: es.nav.label }).waitFor();
    await verdict.getByTestId('rehearsal-accepted').getByText('Aceptada por bea').waitFor();
    expect(await verdict.getByTestId('rehearsal-headline').textContent()).toBe('Difiere del ensayo: transcript');
    expect(await mark('publish').textContent()).toBe(` · ${es.run.vsRehearsal.short.matches}`);
    await selectStep(page, 'publish');
    await verdict.and(page.locator('[data-step="publish"]')).waitFor();
    expect(await verdict.getByTestId('rehearsal-headline').textContent()).toBe(es.run.vsRehearsal.matches);
    await page.close();
    expect(errors).toEqual([]);
  });
});
