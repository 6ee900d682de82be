// What a step's command sees of the workstation's environment: on a real local shell and over
// a real sshd, `env` shows the step's own variables and none of the workstation's CUTOVER_*
// settings (the vault passphrase among them), and a step that names a CUTOVER_* variable is
// refused before anything starts.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnvironment, INHERITED_VARIABLES, StepEnvironmentError } from '../../src/core/targets/child-env';
import { LocalExecutor } from '../../src/core/targets/local';
import { SshExecutor, type SshTarget } from '../../src/core/targets/ssh';
import type { Executor } from '../../src/core/targets/types';
import { useSshd } from '../helpers/sshd-hooks';
import { useSuiteTempDir, useTempDir } from '../helpers/tmp';

// Set before the sshd starts, so the server inherits them too: what reaches a remote command
// is then up to us and sshd, as on a real workstation.
const PARENT = { CUTOVER_PASSPHRASE: 'vault-passphrase-do-not-leak', CUTOVER_KEY_PASSPHRASE: 'key-passphrase-do-not-leak', UNRELATED_PARENT_VAR: 'parent-only' };
const saved = Object.fromEntries(Object.keys(PARENT).map((k) => [k, process.env[k]]));
beforeAll(() => Object.assign(process.env, PARENT));
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const server = useSshd();
const suiteDir = useSuiteTempDir('cutover-child-env-');

async function env(ex: Executor, stepEnv: Record<string, string>) {
  const chunks: Buffer[] = [];
  const result = await ex.exec({ command: 'env', env: stepEnv, onOutput: (c) => chunks.push(Buffer.from(c)) });
  return { result, text: Buffer.concat(chunks).toString() };
}

function names(text: string): string[] {
  return text.split('\n').filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
}

describe('childEnvironment', () => {
  it('keeps exactly the inherited variables that are set, plus the step\'s own', () => {
    const parent = { PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', CUTOVER_PASSPHRASE: 'x', SSH_AUTH_SOCK: '/tmp/agent', LD_PRELOAD: '/evil.so' };
    expect(childEnvironment({ STEP_VAR: 'v', PATH: '/opt/bin' }, parent)).toEqual({ PATH: '/opt/bin', HOME: '/root', LANG: 'C.UTF-8', STEP_VAR: 'v' });
    expect(INHERITED_VARIABLES).toEqual(['PATH', 'HOME', 'USER', 'LANG', 'TZ', 'TERM', 'SHELL']);
  });

  it('refuses a step variable named CUTOVER_* (any case) or not a variable name', () => {
    expect(() => childEnvironment({ CUTOVER_PASSPHRASE: 'x' }, {})).toThrow(StepEnvironmentError);
    expect(() => childEnvironment({ cutover_actor: 'x' }, {})).toThrow(/CUTOVER_\* variables are the workstation's own settings/);
    expect(() => childEnvironment({ 'A;rm -rf /': 'x' }, {})).toThrow(/is not a variable name/);
  });
});

describe('a local step\'s environment', () => {
  const ex = new LocalExecutor('workstation', { kind: 'local', shell: '/bin/sh' }, { secrets: {} });

  it('shows no CUTOVER_ variable and nothing else of the parent, and does show the step\'s own', async () => {
    expect(process.env.CUTOVER_PASSPHRASE).toBe(PARENT.CUTOVER_PASSPHRASE);
    const { result, text } = await env(ex, { STEP_VAR: 'from-the-step' });
    expect(result).toMatchObject({ exitCode: 0, failure: null });
    expect(text).toContain('STEP_VAR=from-the-step\n');
    expect(text).not.toContain('CUTOVER_');
    expect(text).not.toContain('do-not-leak');
    expect(text).not.toContain('UNRELATED_PARENT_VAR');
    // The shell adds a few of its own (PWD, SHLVL); nothing from the parent beyond the list.
    const allowed = new Set<string>([...INHERITED_VARIABLES, 'STEP_VAR', 'PWD', 'OLDPWD', 'SHLVL', '_']);
    expect(names(text).filter((n) => !allowed.has(n))).toEqual([]);
  });

  it('refuses a step that sets a CUTOVER_* variable, before anything runs', async () => {
    const marker = join(useTempDir(), 'ran');
    const chunks: Buffer[] = [];
    const result = await ex.exec({ command: `touch ${marker}`, env: { CUTOVER_PASSPHRASE: 'x' }, onOutput: (c) => chunks.push(c) });
    expect(result.failure).toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining('The step sets CUTOVER_PASSPHRASE') });
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a remote step\'s environment over a real sshd', () => {
  let ex: SshExecutor;
  beforeAll(async () => {
    const emptyConfig = join(suiteDir, 'empty_ssh_config');
    writeFileSync(emptyConfig, '');
    const s = server.current;
    const target: SshTarget = { kind: 'ssh', host: s.host, port: s.port, user: s.user, auth: 'key', key_file: s.clientKey.path, host_key: s.hostKeyFingerprint as SshTarget['host_key'] };
    ex = new SshExecutor('app-host', target, { secrets: {}, sshConfigPath: emptyConfig }, { killGraceMs: 1_000, readyTimeoutMs: 10_000 });
    await ex.connect();
  });
  afterAll(async () => {
    await ex.close();
  });

  it('shows the step\'s own variable and no CUTOVER_ variable', async () => {
    const { result, text } = await env(ex, { STEP_VAR: 'from-the-step' });
    expect(result).toMatchObject({ exitCode: 0, failure: null });
    expect(text).toContain('STEP_VAR=from-the-step\n');
    expect(text).not.toContain('CUTOVER_');
    expect(text).not.toContain('do-not-leak');
    expect(text).not.toContain('UNRELATED_PARENT_VAR');
  });

  it('refuses a step that sets a CUTOVER_* variable', async () => {
    const { result, text } = await env(ex, { CUTOVER_KEY_PASSPHRASE: 'x' });
    expect(result.failure).toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining('The step sets CUTOVER_KEY_PASSPHRASE') });
    expect(text).toBe('');
  });
});
