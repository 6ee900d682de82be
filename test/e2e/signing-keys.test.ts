// Who can sign from the window, through the contract as the screens call it and in the real
// renderer (Debian's Chromium against the loopback harness). The vault's owner is the operator;
// the approvers are registered by public key and prove it with plain `ssh-keygen -Y sign`, their
// keys being files in temp dirs of their own ("their machines"). A name is never enough: an act
// in the name of someone whose key is not usable here is refused with the chain head unchanged,
// and the "Signing as" list offers only the keys usable here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActExportView, ChannelName, DecisionView, IdentityRecord, RunView, SessionKeysView, VaultStatus } from '../../src/shared/contract';
import type { ErrorData, Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { makeClientKey, type ClientKey } from '../helpers/sshd';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PASSPHRASE = 'correct horse battery staple';

const RUNBOOK = `format: cutover-runbook/v1
id: signing-keys
title: Signing keys
version: "1"
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-approval-1, kind: attest, title: First approval, statement: "Governance approved the change", by: approver }
  - { id: pre-approval-2, kind: attest, title: Second approval, statement: "Governance approved the change again", by: approver }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: p0-check, kind: check, title: A check, target: ws, run: "echo ok", read_only: true }
`;

/** `ssh-keygen -Y sign` on the person's own machine: writes FILE.sig. */
function sshSign(key: ClientKey, namespace: string, file: string): string {
  const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', key.path, file], { encoding: 'utf8' });
  if (signed.status !== 0) throw new Error(`ssh-keygen -Y sign failed: ${signed.stderr}`);
  return `${file}.sig`;
}

describe('signing from the window with the keys usable here', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  let runId: string;
  const keys: Record<string, ClientKey> = {};

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  const head = async () => (await call<VaultStatus>('vault.status')).head;

  /** A refused call: the error as data, and nothing appended to the chain. */
  async function refused(channel: ChannelName, input: unknown): Promise<ErrorData> {
    const before = await head();
    const result = (await harness.service.dispatch(channel, input)) as Result<unknown>;
    expect(result.ok, `${channel} should have been refused`).toBe(false);
    expect(await head()).toEqual(before);
    return (result as { ok: false; error: ErrorData }).error;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-signing-'));
    for (const name of ['gov1', 'gov2', 'gov3', 'stranger']) {
      const machine = join(tmp, `${name}-machine`);
      mkdirSync(machine);
      keys[name] = makeClientKey(machine, 'id_ed25519');
    }
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, agentSocket: join(tmp, 'no-agent.sock'), sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'signing.vault'), passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('registers approvers by public key; each proves it with ssh-keygen; nobody else’s private key is taken', async () => {
    for (const name of ['gov1', 'gov2', 'gov3']) {
      const added = await call<IdentityRecord>('identities.add', { name, roles: ['approver'], source: { kind: 'public', publicKey: keys[name]!.publicKey }, actor: 'ana' });
      expect(added).toMatchObject({ name, keySource: 'public', owner: false, proven: false, custodial: false, usable: false, fingerprint: keys[name]!.fingerprint });
    }
    // A second private key is refused: the vault holds its owner's only.
    const second = await refused('identities.add', { name: 'gen2', roles: ['approver'], source: { kind: 'generate' }, actor: 'ana' });
    expect(second.message).toMatch(/already holds its owner's key .*public key/);

    // gov1 signs the saved statement file; gov2's signature is pasted. gov3 stays unproven.
    const statementFile = join(tmp, 'gov1-machine', 'gov1.identity.json');
    await call('identities.saveStatement', { name: 'gov1', path: statementFile });
    expect(readFileSync(statementFile, 'utf8')).toBe((await call<{ statement: string }>('identities.statement', { name: 'gov1' })).statement);
    await call('identities.prove', { name: 'gov1', signaturePath: sshSign(keys.gov1!, 'cutover-identity-v1', statementFile), actor: 'ana' });
    const gov2File = join(tmp, 'gov2-machine', 'gov2.identity.json');
    writeFileSync(gov2File, (await call<{ statement: string }>('identities.statement', { name: 'gov2' })).statement);
    await call('identities.prove', { name: 'gov2', signature: readFileSync(sshSign(keys.gov2!, 'cutover-identity-v1', gov2File), 'utf8'), actor: 'ana' });
    // A signature by another key does not prove gov3.
    const gov3File = join(tmp, 'gov3-machine', 'gov3.identity.json');
    writeFileSync(gov3File, (await call<{ statement: string }>('identities.statement', { name: 'gov3' })).statement);
    expect((await refused('identities.prove', { name: 'gov3', signaturePath: sshSign(keys.stranger!, 'cutover-identity-v1', gov3File) })).message).toMatch(/does not prove gov3's key/);

    const people = await call<IdentityRecord[]>('identities.list');
    expect(people.map((p) => [p.name, p.owner, p.proven, p.usable])).toEqual([
      ['ana', true, true, true],
      ['gov1', false, true, false],
      ['gov2', false, true, false],
      ['gov3', false, false, false],
    ]);
    expect((await call<SessionKeysView>('keys.list')).keys.map((k) => k.name)).toEqual(['ana']);
  });

  it('refuses an act in the name of someone whose key is not usable here, with the chain unchanged; the window does not offer them', async () => {
    runId = (await call<RunView>('run.start', { text: RUNBOOK, source: 'signing.yaml', environment: 'rehearsal', actor: 'ana' })).runId;
    // gov1 is proven but their key is on their machine; gov3 is unproven; mallory is nobody.
    expect(await refused('step.attest', { runId, stepId: 'pre-approval-1', actor: 'gov1' })).toMatchObject({ code: 'KEY_NOT_USABLE', message: expect.stringMatching(/gov1's key .* is not usable at this workstation, so nothing was done/) });
    expect((await refused('step.attest', { runId, stepId: 'pre-approval-1', actor: 'gov3' })).message).toMatch(/gov3 has not proved their key/);
    expect((await refused('step.attest', { runId, stepId: 'pre-approval-1', actor: 'mallory' })).message).toMatch(/No identity named "mallory"/);
    expect((await refused('approval.sign', { runId, signer: 'gov1' })).code).toBe('KEY_NOT_USABLE');
    expect((await refused('decision.record', { runId, actor: 'gov2', riskTier: 'Low' })).code).toBe('KEY_NOT_USABLE');
    // The operator's own key does not make them an approver.
    expect((await refused('step.attest', { runId, stepId: 'pre-approval-1', actor: 'ana' })).message).toMatch(/only approver may attest/);

    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await page.locator('.phase-timeline').waitFor();
    const signingAs = page.getByLabel(en.actor.label, { exact: true });
    await signingAs.locator('option[value="ana"]').waitFor({ state: 'attached' });
    expect(await signingAs.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).toEqual(['', 'ana']);
    await expect(signingAs.selectOption('gov1', { timeout: 1000 })).rejects.toThrow(/did not find some options|not found|Timeout/);

    // gov1 comes to the workstation with their key file: "Bring a key file" on the People screen.
    await page.getByRole('navigation', { name: en.nav.label }).getByRole('button', { name: en.nav.people, exact: true }).click();
    await page.getByLabel(en.keys.pathLabel, { exact: true }).fill(keys.gov1!.path);
    await page.getByRole('button', { name: en.keys.bring, exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Usable now: ana, gov1.' }).waitFor();
    await signingAs.locator('option[value="gov1"]').waitFor({ state: 'attached' });
    expect(await signingAs.locator('option[value="gov2"]').count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('signs in place with a brought key, and imports an act signed elsewhere with ssh-keygen', async () => {
    expect((await refused('keys.bring', { path: keys.stranger!.path })).message).toMatch(/is no identity's key in this vault/);
    const attested = await call<RunView>('step.attest', { runId, stepId: 'pre-approval-1', actor: 'gov1' });
    expect(attested.steps.find((s) => s.stepId === 'pre-approval-1')).toMatchObject({ status: 'PASS', actor: 'gov1' });

    // gov2 attests on their own machine: the act is exported, signed with plain ssh-keygen, imported.
    const actFile = join(tmp, 'gov2-machine', 'attest.json');
    const exported = await call<ActExportView>('act.export', { runId, by: 'gov2', act: { kind: 'step.attest', stepId: 'pre-approval-2' }, path: actFile });
    expect(exported).toMatchObject({ by: 'gov2', fingerprint: keys.gov2!.fingerprint, namespace: 'cutover-act-v1', command: `ssh-keygen -Y sign -n cutover-act-v1 -f KEY ${actFile}` });
    const sig = sshSign(keys.gov2!, 'cutover-act-v1', actFile);
    // The same act re-signed by someone else, or changed after signing, is refused.
    const forged = join(tmp, 'forged.json');
    writeFileSync(forged, readFileSync(actFile));
    expect((await refused('act.import', { runId, actPath: forged, signaturePath: sshSign(keys.stranger!, 'cutover-act-v1', forged) })).code).toBe('BAD_INPUT');
    const edited = join(tmp, 'edited.json');
    writeFileSync(edited, readFileSync(actFile, 'utf8').replace('pre-approval-2', 'pre-approval-1'));
    expect((await refused('act.import', { runId, actPath: edited, signaturePath: sig })).code).toBe('BAD_INPUT');
    const imported = await call<RunView>('act.import', { runId, actPath: actFile, signaturePath: sig });
    expect(imported.steps.find((s) => s.stepId === 'pre-approval-2')).toMatchObject({ status: 'PASS', actor: 'gov2' });

    // gov2's part of the decision, signed elsewhere the same way.
    const decisionFile = join(tmp, 'gov2-machine', 'decision.json');
    await call<ActExportView>('decision.exportAct', { runId, by: 'gov2', riskTier: 'Low (rehearsal)', path: decisionFile });
    const decision = await call<DecisionView>('decision.importAct', { runId, actPath: decisionFile, signaturePath: sshSign(keys.gov2!, 'cutover-act-v1', decisionFile) });
    expect(decision.fields.find((f) => f.field === 'riskTier')).toMatchObject({ value: 'Low (rehearsal)', from: 'operator' });

    // Forgotten, gov1's key signs nothing more; locking drops every brought key.
    const forgotten = await call<SessionKeysView>('keys.forget', { fingerprint: keys.gov1!.fingerprint });
    expect(forgotten.keys.map((k) => k.name)).toEqual(['ana']);
    expect((await refused('decision.record', { runId, actor: 'gov1', riskTier: 'High' })).code).toBe('KEY_NOT_USABLE');
    await call('keys.bring', { path: keys.gov1!.path });
    await call('vault.lock');
    await call('vault.unlock', { path: join(tmp, 'signing.vault'), passphrase: PASSPHRASE });
    expect((await call<SessionKeysView>('keys.list')).keys.map((k) => k.name)).toEqual(['ana']);
  });
});
