// Stopping a command on an SSH host, against a real sshd: an abort stops the background
// grandchild the remote shell started, and a CLI-like process told SIGTERM mid-step stops the
// remote command before it exits (the host keeps nothing of the step running).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshExecutor, type SshTarget } from '../../src/core/targets/ssh';
import { useSshd } from '../helpers/sshd-hooks';
import { useSuiteTempDir, useTempDir } from '../helpers/tmp';
import { alive, eventually, SIGNAL_NUMBERS, startTerminatingStep } from './terminating-step-process';

const server = useSshd();
const suiteDir = useSuiteTempDir('cutover-ssh-abort-');
const emptyConfig = join(suiteDir, 'empty_ssh_config');
writeFileSync(emptyConfig, '');

function target(): SshTarget {
  const s = server.current;
  return { kind: 'ssh', host: s.host, port: s.port, user: s.user, auth: 'key', key_file: s.clientKey.path, host_key: s.hostKeyFingerprint as SshTarget['host_key'] };
}

describe('ssh executor: abort', () => {
  let ex: SshExecutor;
  beforeAll(async () => {
    ex = new SshExecutor('app-host', target(), { secrets: {}, sshConfigPath: emptyConfig }, { killGraceMs: 1_000, readyTimeoutMs: 10_000 });
    await ex.connect();
  });
  afterAll(async () => {
    await ex.close();
  });

  it('an abort stops the remote command and the background grandchild its shell started', async () => {
    const pidFile = join(useTempDir(), 'remote-grandchild.pid');
    const controller = new AbortController();
    let output = '';
    let onStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (onStarted = r));
    const pending = ex.exec({
      command: `sleep 30 & echo $! > ${pidFile}; echo started; wait`,
      signal: controller.signal,
      onOutput: (chunk) => {
        output += chunk.toString();
        if (output.includes('started')) onStarted();
      },
    });
    await started;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('sent SIGTERM to the remote command') });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });
});

describe('ssh executor: the process that started the step is told to end', () => {
  it('SIGTERM mid-step stops the remote command and its children before the process exits', async () => {
    const pidFile = join(useTempDir(), 'remote-grandchild.pid');
    const cli = startTerminatingStep(pidFile, { target: target(), sshConfigPath: emptyConfig });
    await cli.started;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);

    cli.kill('SIGTERM');
    expect(await cli.exited, cli.stderr()).toEqual({ code: 128 + SIGNAL_NUMBERS.SIGTERM, signal: null });
    expect(cli.stdout()).toMatch(/step ended: \{"exitCode":null,"signal":"TERM","failure":"cancelled"\}|step ended: .*"failure":"cancelled"/);
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });
});
