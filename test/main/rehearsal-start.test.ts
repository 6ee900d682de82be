// The window binds a production run to its rehearsal: the pack is chosen in main's dialog (a
// token, never a path), checked by the core, and the run's view names it; a pack of another
// runbook, or a token the dialog did not give for a pack, starts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContractService, type ContractService } from '../../src/main/handlers';
import type { RunSummary, RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { makePackFixture, RUNBOOK, type PackFixture } from '../pack/fixture';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

describe('starting a production run bound to its rehearsal, from the window', () => {
  let dir: string;
  let service: ContractService;
  let dialogAnswer: string | null = null;
  let fixture: PackFixture;
  let packZip: string;
  let manifestSha256: string;
  const cleanups: (() => void)[] = [];

  async function dispatch<T>(channel: string, input?: unknown): Promise<Result<T>> {
    return (await service.dispatch(channel as never, input)) as Result<T>;
  }
  async function call<T>(channel: string, input?: unknown): Promise<T> {
    const result = await dispatch<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-rehearsal-start-'));
    fixture = await makePackFixture((fn) => cleanups.push(fn));
    const pack = await fixture.exportTo(join(dir, 'rehearsal'));
    packZip = pack.zip;
    manifestSha256 = pack.manifestSha256;
    service = createContractService({ keychain: null, defaultVaultPath: join(dir, 'default.vault'), autoLockMs: null, sshConfigPath: join(dir, 'no-ssh-config'), chooseFile: async () => dialogAnswer });
    await call('vault.create', { path: join(dir, 'prod.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
  }, 120_000);

  afterAll(() => {
    service?.dispose();
    for (const fn of cleanups) fn();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('binds the run to the pack the dialog chose, and the run view names it', async () => {
    dialogAnswer = packZip;
    const chosen = await call<{ path: string; token: string }>('files.choose', { purpose: 'pack' });
    expect(chosen.token).toMatch(/^[0-9a-f-]{36}$/);
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'pack-test.yaml', environment: 'production', rehearsal: chosen.token, actor: 'ana' });
    expect(run.rehearsal).toEqual({ manifestSha256, runId: fixture.runId });
  });

  it('refuses a pack of another runbook, and a runbook token given as the pack; no run starts', async () => {
    const before = (await call<RunSummary[]>('run.list')).length;
    dialogAnswer = packZip;
    const pack = await call<{ token: string }>('files.choose', { purpose: 'pack' });
    const other = await dispatch<RunView>('run.start', { text: RUNBOOK.replace('version: "1.2"', 'version: "1.3"'), source: 'other.yaml', environment: 'production', rehearsal: pack.token, actor: 'ana' });
    expect(other.ok ? null : [other.error.code, other.error.message]).toEqual(['REHEARSAL_REFUSED', expect.stringMatching(/rehearsed other runbook bytes/)]);
    const asRunbook = await call<{ token: string }>('files.choose', { purpose: 'runbook' });
    const crossed = await dispatch<RunView>('run.start', { text: RUNBOOK, source: 'pack-test.yaml', environment: 'production', rehearsal: asRunbook.token, actor: 'ana' });
    expect(crossed.ok ? null : crossed.error.code).toBe('PATH_NOT_CHOSEN');
    expect((await call<RunSummary[]>('run.list')).length).toBe(before);
  });
});
