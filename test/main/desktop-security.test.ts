// The desktop's walls that live in main: a development server only when asked for in so many
// words, no DevTools in the menu of a production build, and file paths only from main's own
// dialogs (runbook.open and plan.save take a token main issued, never a path the page typed).
// The contract service is the real one Electron's main runs, on a real vault and a real run.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerFrom } from '../../src/main/dev-server';
import { createContractService, type ContractService } from '../../src/main/handlers';
import { menuRoles, menuTemplate } from '../../src/main/menu';
import type { RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

const RUNBOOK = `format: cutover-runbook/v1
id: grants
title: Paths from dialogs
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Only
    steps:
      - { id: check, kind: check, title: A check, target: ws, run: "echo ok", read_only: true }
`;

describe('a development server only when asked for', () => {
  const url = 'http://localhost:5173/';
  it('ignores ELECTRON_RENDERER_URL in an unpackaged app without CUTOVER_DEV=1 (the `npm start` mode)', () => {
    const decision = devServerFrom({ ELECTRON_RENDERER_URL: url }, false);
    expect(decision.url).toBeUndefined();
    expect(decision.ignored).toContain('CUTOVER_DEV=1');
  });
  it('ignores it in a packaged app even with CUTOVER_DEV=1', () => {
    expect(devServerFrom({ ELECTRON_RENDERER_URL: url, CUTOVER_DEV: '1' }, true).url).toBeUndefined();
  });
  it('ignores a server that is not on this machine, or not http(s)', () => {
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'https://evil.example/', CUTOVER_DEV: '1' }, false)).toMatchObject({ url: undefined, ignored: expect.stringContaining('on this machine') });
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'file:///tmp/x.html', CUTOVER_DEV: '1' }, false).url).toBeUndefined();
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'not a url', CUTOVER_DEV: '1' }, false).url).toBeUndefined();
  });
  it('loads a loopback server with CUTOVER_DEV=1, unpackaged', () => {
    expect(devServerFrom({ ELECTRON_RENDERER_URL: url, CUTOVER_DEV: '1' }, false)).toEqual({ url });
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/', CUTOVER_DEV: '1' }, false).url).toBe('http://127.0.0.1:5173/');
  });
  it('says nothing when no URL is set', () => {
    expect(devServerFrom({ CUTOVER_DEV: '1' }, false)).toEqual({ url: undefined });
  });
});

describe('the application menu', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`offers no DevTools or reload in a production build (${platform})`, () => {
      const roles = menuRoles(menuTemplate({ dev: false, platform }));
      expect(roles).toContain('copy');
      expect(roles).not.toContain('toggleDevTools');
      expect(roles).not.toContain('reload');
      expect(roles).not.toContain('forceReload');
    });
  }
  it('keeps them for a development session (CUTOVER_DEV=1)', () => {
    expect(menuRoles(menuTemplate({ dev: true, platform: 'linux' }))).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });
});

describe('paths only from main’s own dialogs', () => {
  let dir: string;
  let service: ContractService;
  /** What the "system dialog" answers next (null: cancelled). */
  let dialogAnswer: string | null = null;

  async function dispatch<T>(channel: string, input?: unknown): Promise<Result<T>> {
    return (await service.dispatch(channel, input)) as Result<T>;
  }
  async function call<T>(channel: string, input?: unknown): Promise<T> {
    const result = await dispatch<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-grants-'));
    service = createContractService({
      keychain: null,
      defaultVaultPath: join(dir, 'default.vault'),
      autoLockMs: null,
      sshConfigPath: join(dir, 'no-ssh-config'),
      chooseFile: async () => dialogAnswer,
    });
    await call('vault.create', { path: join(dir, 'grants.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    writeFileSync(join(dir, 'runbook.yaml'), RUNBOOK);
  }, 60_000);

  afterAll(() => {
    service?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a runbook path the page typed, with what to do instead', async () => {
    const refused = await dispatch('runbook.open', { path: join(dir, 'runbook.yaml') });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('BAD_INPUT');
    expect(refused.error.message).toContain('Browse');
  });

  it('refuses a token main never issued, and a plan token used for a runbook', async () => {
    const made = await dispatch('runbook.open', { token: '5f0c6f6e-2d7a-4d3b-9a53-0d4f5c3f2a11' });
    expect(made.ok ? null : made.error.code).toBe('PATH_NOT_CHOSEN');
    dialogAnswer = join(dir, 'runbook.yaml');
    const forPlan = await call<{ path: string; token: string }>('files.choose', { purpose: 'plan' });
    const crossed = await dispatch('runbook.open', { token: forPlan.token });
    expect(crossed.ok ? null : crossed.error.code).toBe('PATH_NOT_CHOSEN');
    if (!crossed.ok) expect(crossed.error.message).toContain('Browse');
  });

  it('opens the runbook the dialog chose, by its token', async () => {
    dialogAnswer = join(dir, 'runbook.yaml');
    const chosen = await call<{ path: string | null; token: string | null }>('files.choose', { purpose: 'runbook' });
    expect(chosen.path).toBe(dialogAnswer);
    expect(chosen.token).toMatch(/^[0-9a-f-]{36}$/);
    const opened = await call<{ ok: boolean; runbook?: { id: string } }>('runbook.open', { token: chosen.token });
    expect(opened).toMatchObject({ ok: true, runbook: { id: 'grants' } });
  });

  it('gives no token when the dialog was cancelled', async () => {
    dialogAnswer = null;
    expect(await call('files.choose', { purpose: 'runbook' })).toEqual({ path: null, token: null });
  });

  it('saves the plan only where the save dialog chose, and nowhere the page names', async () => {
    const run = await call<RunView>('run.start', { text: RUNBOOK, source: 'runbook.yaml', environment: 'rehearsal', actor: 'ana' });
    const typed = join(dir, 'typed-plan.json');
    const byPath = await dispatch('plan.save', { runId: run.runId, path: typed });
    expect(byPath.ok ? null : byPath.error.code).toBe('BAD_INPUT');
    expect(existsSync(typed)).toBe(false);

    dialogAnswer = join(dir, 'plan.json');
    const chosen = await call<{ token: string }>('files.choose', { purpose: 'plan' });
    const saved = await call<{ path: string; bytes: number }>('plan.save', { runId: run.runId, token: chosen.token });
    expect(saved.path).toBe(dialogAnswer);
    expect(readFileSync(dialogAnswer).length).toBe(saved.bytes);
  });

  it('forgets every chosen file when the vault locks', async () => {
    dialogAnswer = join(dir, 'runbook.yaml');
    const chosen = await call<{ token: string }>('files.choose', { purpose: 'runbook' });
    await call('vault.lock');
    await call('vault.unlock', { path: join(dir, 'grants.vault'), passphrase: 'correct horse battery staple' });
    const after = await dispatch('runbook.open', { token: chosen.token });
    expect(after.ok ? null : after.error.code).toBe('PATH_NOT_CHOSEN');
  });
});
