// Importing a pack signature made elsewhere, through the contract as the Decision screen calls it
// (`pack.importSignature` over the loopback harness's real handlers and the real vault core): a
// pack exported by the app, copied the way it travels to an approver's machine, signed there with
// the real `cutover pack sign` CLI (or core signPack with the key file), and brought back. Each
// refusal says what is wrong and leaves the vault's chain exactly as it was. No mocks.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyFile } from '../../src/core/signing';
import { DECISION_NAMESPACE, MANIFEST, MAX_SMALL_FILE_BYTES, openPack, signaturePaths, signPack } from '../../src/core/pack';
import type { ChannelName, IdentityRecord, PackExportView, PackSignatureImportView, PackVerifyView, RunView, TimelinePage, VaultStatus, VerifyResult } from '../../src/shared/contract';
import type { ErrorData, Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { describeRun, runCli } from '../helpers/cli';
import { keygenSign, makeKey, type KeygenKey } from '../helpers/ssh-keys';
import { axeScan } from './console-flows';
import { openScreen, screenshot, watchForPageErrors } from './flows';
import { importedPackVerify, importPackSignature, importPackSignatureRefused, packImportSection } from './pack-flows';
import { addProvenApprover } from './people-flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

const PASSPHRASE = 'correct horse battery staple';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A run that exports cheaply: a local target, an attestation, nothing executed. */
const RUNBOOK = `format: cutover-runbook/v1
id: pack-import
title: Pack import cutover
version: "1"
policy: { approvals: { quorum: 1, role: approver } }
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", by: operator, evidence: prod_write_freeze_attestation.log }
phases:
  - id: P1
    title: Upgrade
    steps:
      - id: p1-heads
        kind: check
        title: alembic heads
        target: ws
        run: "echo '70a79686336c (head)'"
        read_only: true
        expect: [ { exit_code: 0 } ]
        evidence: prod_heads.log
decision:
  template: governance
  target: local / pack-import
`;

/** Keys for gov2 and gov3 as files on "their" machines. */
type Keys = { gov2: KeygenKey; gov3: KeygenKey };

/** The harness's contract as the Decision screen calls it, and what a test needs around it. */
function packWorld(get: () => { harness: Harness; tmp: string; keys: Keys }) {
  let copies = 0;

  async function dispatch<T>(channel: ChannelName, input?: unknown): Promise<Result<T>> {
    return (await get().harness.service.dispatch(channel, input)) as Result<T>;
  }

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = await dispatch<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  /** A vault with ana (operator, its owner), gov2 and gov3 (approvers by public key, proven), and a run with its freeze attested. */
  async function makeVault(path: string): Promise<string> {
    const { keys } = get();
    await call<VaultStatus>('vault.create', { path, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    // The approvers' keys stay on their machines: each is registered by public key and proven there.
    for (const name of ['gov2', 'gov3'] as const) await addProvenApprover(call as never, { name, key: keys[name], machine: dirname(keys[name].path), actor: 'ana' });
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'pack-import.yaml', environment: 'rehearsal', actor: 'ana' });
    await call<RunView>('step.attest', { runId: run.runId, stepId: 'pre-freeze', actor: 'ana' });
    return run.runId;
  }

  /** The pack as it travels to an approver: a copy of the exported zip (or folder) in a folder of its own. */
  function copyOf(pack: PackExportView, kind: 'zip' | 'folder'): string {
    const dir = join(get().tmp, 'returned', String(++copies));
    mkdirSync(dir, { recursive: true });
    const target = join(dir, kind === 'zip' ? `${pack.name}.zip` : pack.name);
    cpSync(kind === 'zip' ? pack.zip : pack.folder, target, { recursive: true });
    return target;
  }

  /** `cutover pack sign PACK --identity NAME --key KEYFILE` on "the approver's machine": no vault. */
  async function cliSign(pack: string, identity: 'gov2' | 'gov3', extra: string[] = []): Promise<void> {
    const r = await runCli(['pack', 'sign', pack, '--identity', identity, '--key', get().keys[identity].path, ...extra]);
    expect(r.code, describeRun(r)).toBe(0);
  }

  /** The chain's length and head, after checking that the whole vault still verifies. */
  async function chain(): Promise<{ seq: number; hash: string }> {
    const verified = await call<VerifyResult>('vault.verify');
    expect(verified.ok).toBe(true);
    expect(verified.firstBadEvent).toBeNull();
    const status = await call<VaultStatus>('vault.status');
    expect(status.head!.seq).toBe(verified.events);
    return status.head!;
  }

  return { dispatch, call, makeVault, copyOf, cliSign, chain };
}

async function makeKeys(dir: string): Promise<Keys> {
  return {
    gov2: await makeKey(dir, 'ed25519', { name: 'gov2_ed25519', comment: 'gov2@governance' }),
    gov3: await makeKey(dir, 'ed25519', { name: 'gov3_ed25519', comment: 'gov3@governance' }),
  };
}

describe('pack.importSignature over the harness', () => {
  let tmp: string;
  let harness: Harness;
  let keys: Keys;
  let runId: string;
  let otherRunId: string;
  let built: PackExportView;
  /** A pack exported by another vault (same people, same keys, same runbook). */
  let foreign: PackExportView;
  const { dispatch, call, makeVault, copyOf, cliSign, chain } = packWorld(() => ({ harness, tmp, keys }));

  /** A refused import: the error as data (name, code, clear message), and nothing appended. */
  async function expectRefused(input: unknown, code: string, message: RegExp): Promise<ErrorData> {
    const before = await chain();
    const result = await dispatch<PackSignatureImportView>('pack.importSignature', input);
    expect(result.ok).toBe(false);
    const error = (result as Extract<typeof result, { ok: false }>).error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.code).not.toBe('INTERNAL');
    expect(error.message).not.toMatch(/^\s+at .+[:(]/m);
    expect(await chain()).toEqual(before);
    return error;
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-pack-import-'));
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
    keys = await makeKeys(tmp);
    harness = await startHarness({ rendererDir: tmp, defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    // Another vault first (creating the next one closes it): its pack was never exported from ours.
    const foreignRun = await makeVault(join(tmp, 'other.vault'));
    foreign = await call<PackExportView>('pack.export', { runId: foreignRun, outDir: join(tmp, 'other-out'), actor: 'ana' });
    runId = await makeVault(join(tmp, 'main.vault'));
    built = await call<PackExportView>('pack.export', { runId, outDir: join(tmp, 'out'), actor: 'ana' });
    otherRunId = (await call<RunView>('run.start', { text: RUNBOOK, source: 'pack-import.yaml', environment: 'rehearsal', actor: 'ana' })).runId;
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a signature made with the CLI into the vault; importing it again records nothing', async () => {
    const zip = copyOf(built, 'zip');
    await cliSign(zip, 'gov2');
    const before = await chain();

    const imported = await call<PackSignatureImportView>('pack.importSignature', { runId, path: zip, identity: 'gov2' });
    const gov2 = (await call<IdentityRecord[]>('identities.list')).find((i) => i.name === 'gov2')!;
    expect(imported).toEqual({ identity: 'gov2', fingerprint: gov2.fingerprint, decision: 'approve', reason: null, manifestSha256: built.manifestSha256, alreadyImported: false, seq: before.seq + 1 });
    const after = await chain();
    expect(after.seq).toBe(before.seq + 1);
    const page = await call<TimelinePage>('events.list', { limit: 1 });
    expect(page.events[0]).toMatchObject({ seq: imported.seq, type: 'pack.signed', actor: 'gov2', payload: { runId, identity: 'gov2', decision: 'approve', manifestSha256: built.manifestSha256, namespace: DECISION_NAMESPACE } });
    // The signature recorded is the one in the returned pack, byte for byte.
    expect((page.events[0]!.payload as { signature: string }).signature).toBe(await readSig(zip));

    // What the Decision screen shows next: the returned pack verifies, and gov2's approval meets the policy.
    const verified = await call<PackVerifyView>('pack.verify', { path: zip });
    expect(verified).toMatchObject({ ok: true, intact: true, policy: { ok: true, approvedBy: ['gov2'] } });

    const again = await call<PackSignatureImportView>('pack.importSignature', { runId, path: zip, identity: 'gov2' });
    expect(again).toEqual({ ...imported, alreadyImported: true });
    expect(await chain()).toEqual(after);
  });

  it('imports a rejection with its reason from a pack folder signed with the key file', async () => {
    const folder = copyOf(built, 'folder');
    await signPack(folder, { identity: 'gov2', signer: await loadKeyFile(keys.gov2.path), decision: 'reject', reason: 'Rollback plan not rehearsed' });
    const before = await chain();
    const imported = await call<PackSignatureImportView>('pack.importSignature', { runId, path: folder, identity: 'gov2' });
    expect(imported).toMatchObject({ identity: 'gov2', decision: 'reject', reason: 'Rollback plan not rehearsed', alreadyImported: false, seq: before.seq + 1 });
    expect((await chain()).seq).toBe(before.seq + 1);
  });

  it('refuses a pack this vault never exported (for this run), and says where to import it', async () => {
    const zip = copyOf(foreign, 'zip');
    await cliSign(zip, 'gov2');
    const error = await expectRefused({ runId, path: zip, identity: 'gov2' }, 'PACK_SIGN', /was never exported from this vault for run .*import signatures into the vault that exported the pack/);
    expect(error.name).toBe('PackSignError');
    // Our own pack, signed, but named for another run of this vault.
    const ours = copyOf(built, 'zip');
    await cliSign(ours, 'gov2');
    await expectRefused({ runId: otherRunId, path: ours, identity: 'gov2' }, 'PACK_SIGN', new RegExp(`never exported from this vault for run ${otherRunId}`));
  });

  it('refuses an identity that did not sign the pack, or that the vault does not know', async () => {
    const zip = copyOf(built, 'zip');
    await cliSign(zip, 'gov2');
    await expectRefused({ runId, path: zip, identity: 'gov3' }, 'PACK_SIGN', /has no signatures\/gov3\.sig: gov3 has not signed this pack/);
    await expectRefused({ runId, path: zip, identity: 'mallory' }, 'PACK_SIGN', /"mallory" is not an identity in this vault/);
  });

  it('refuses a tampered signature or verdict', async () => {
    const folder = copyOf(built, 'folder');
    await cliSign(folder, 'gov2');
    const paths = signaturePaths('gov2');
    const good = readFileSync(join(folder, paths.sig), 'utf8');
    // gov3's real signature over the manifest, put where gov2's belongs.
    writeFileSync(join(folder, paths.sig), keygenSign(keys.gov3.path, readFileSync(join(folder, MANIFEST)), DECISION_NAMESPACE));
    await expectRefused({ runId, path: folder, identity: 'gov2' }, 'PACK_SIGN', /the signature over manifest\.json is not a good signature by gov2's key SHA256:/);
    // The manifest signature restored, the verdict turned from approve into reject.
    writeFileSync(join(folder, paths.sig), good);
    const verdict = readFileSync(join(folder, paths.verdict), 'utf8');
    expect(verdict).toContain('"approve"');
    writeFileSync(join(folder, paths.verdict), verdict.replace('"approve"', '"reject"'));
    await expectRefused({ runId, path: folder, identity: 'gov2' }, 'PACK_SIGN', /the signature over the verdict is not a good signature by gov2's key/);
  });

  it('refuses a path where there is no pack', async () => {
    await expectRefused({ runId, path: join(tmp, 'nowhere', 'decision-pack.zip'), identity: 'gov2' }, 'PACK_INPUT', /No pack at .*nowhere.*: give a pack folder or a pack \.zip/);
    const notZip = join(tmp, 'not-a-pack.zip');
    writeFileSync(notZip, 'hello');
    await expectRefused({ runId, path: notZip, identity: 'gov2' }, 'PACK_INPUT', /is not a zip \(nor a folder\)/);
  });

  it('refuses input the contract does not allow, before anything runs', async () => {
    const zip = copyOf(built, 'zip');
    const error = await expectRefused({ runId, path: 'decision-pack.zip', identity: 'gov2' }, 'BAD_INPUT', /Use an absolute path/);
    expect(error.name).toBe('InvalidInputError');
    await expectRefused({ runId, path: zip, identity: '../gov2' }, 'BAD_INPUT', /A name is letters, digits/);
    await expectRefused({ runId: 'not-a-run', path: zip, identity: 'gov2' }, 'BAD_INPUT', /not a run id/);
    await expectRefused({ runId, path: zip, identity: 'gov2', force: true }, 'BAD_INPUT', /.+/);
  });
});

// The same import from the Decision screen: the real renderer in Chromium against the harness.
describe.skipIf(!existsSync(CHROMIUM))('importing a signature from the Decision screen (Chromium)', () => {
  let tmp: string;
  let harness: Harness;
  let keys: Keys;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const { call, makeVault, copyOf, cliSign, chain } = packWorld(() => ({ harness, tmp, keys }));

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-pack-import-ui-'));
    const rendererDir = join(tmp, 'renderer');
    keys = await makeKeys(tmp);
    await buildRenderer(rendererDir);
    harness = await startHarness({ rendererDir, defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses with a clear alert, imports with a status, says "already imported", and verifies the returned pack', async () => {
    const runId = await makeVault(join(tmp, 'ui.vault'));
    const built = await call<PackExportView>('pack.export', { runId, outDir: join(tmp, 'out'), actor: 'ana' });
    const zip = copyOf(built, 'zip');
    await cliSign(zip, 'gov2');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', colorScheme: 'light' });
    try {
      page = await context.newPage();
      pageErrors = watchForPageErrors(page);
      // The vault is open in main already: the page lands in the workspace, on the newest run.
      await page.goto(harness.url);
      await openScreen(page, en.nav.decision);
      const section = packImportSection(page);
      await section.waitFor();
      expect(await section.getByLabel(en.decision.importIdentity, { exact: true }).locator('option').allTextContents()).toEqual(['gov2', 'gov3']);
      const bad = (await axeScan(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);

      // gov3 never signed what came back: an alert says so and what to do; nothing is recorded.
      const before = await chain();
      const refused = await importPackSignatureRefused(page, { path: zip, identity: 'gov3' });
      expect(refused.code).toBe('PACK_SIGN');
      expect(refused.text).toContain(en.decision.importFailed);
      expect(refused.text).toContain('gov3 has not signed this pack');
      expect(refused.text).toContain(en.decision.importHint.PACK_SIGN);
      expect(await chain()).toEqual(before);
      const missing = await importPackSignatureRefused(page, { path: join(tmp, 'nowhere.zip'), identity: 'gov2' });
      expect(missing).toMatchObject({ code: 'PACK_INPUT', text: expect.stringContaining('No pack at') });
      expect(await section.getByLabel(en.decision.importPathLabel, { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await chain()).toEqual(before);
      const relative = await importPackSignatureRefused(page, { path: 'decision-pack.zip', identity: 'gov2' });
      expect(relative).toMatchObject({ code: 'BAD_INPUT', text: expect.stringContaining('absolute path') });

      // gov2's signature: imported, and the returned pack verifies with the policy met.
      const text = await importPackSignature(page, { path: zip, identity: 'gov2' });
      expect(text).toContain("Imported gov2's signature (approve)");
      expect(text).toContain(`#${before.seq + 1}`);
      expect(await section.getByRole('alert').count()).toBe(0);
      expect(await importedPackVerify(page)).toBe('ok');
      expect((await chain()).seq).toBe(before.seq + 1);
      expect(await axeScan(page).then((v) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical'))).toEqual([]);

      // Again, from the keyboard (Enter in the path field submits): already imported, nothing new.
      const answered = Number(await section.getAttribute('data-imports-answered'));
      await section.getByLabel(en.decision.importPathLabel, { exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.locator(`[data-testid="pack-signature-import"][data-imports-answered="${answered + 1}"]`).waitFor();
      const again = (await section.locator('[role="status"][data-signature-imported="already"]').textContent()) ?? '';
      expect(again).toContain("gov2's signature (approve) was already imported");
      expect(again).toContain(`#${before.seq + 1}`);
      expect((await chain()).seq).toBe(before.seq + 1);
      // The helper says the same.
      expect(await importPackSignature(page, { path: zip, identity: 'gov2' })).toContain('already imported');
      await screenshot(page, 'pack-signature-imported');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/** gov2's armored signature over the manifest, as the returned pack holds it. */
async function readSig(pack: string): Promise<string> {
  const source = await openPack(pack);
  try {
    return (await source.read(signaturePaths('gov2').sig, MAX_SMALL_FILE_BYTES)).toString('utf8');
  } finally {
    await source.close();
  }
}
