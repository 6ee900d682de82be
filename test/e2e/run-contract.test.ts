// The run channels of the contract over the loopback harness (no browser): a step runs in the
// background and its output arrives as server-sent events carrying exactly the vault's bytes; a
// running step is cancelled by its id; secrets go in and never come out; a first-use host key
// waits for a person's answer; runbook problems come back as data with their line and column.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, RunView, SavedTargetView, SecretView, TargetTestResult } from '../../src/shared/contract';
import type { PushMessage } from '../../src/shared/push';
import type { Result } from '../../src/shared/result';
import { startHarness, type Harness } from '../harness/server';
import { startSshd, type TestSshd } from '../helpers/sshd';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

function runbook(run: string, extra = ''): string {
  return `format: cutover-runbook/v1
id: contract-run
title: Contract run
version: "1"
targets:
  here:
    kind: local
${extra}phases:
  - id: P0
    title: One step
    steps:
      - id: step
        kind: check
        title: The step
        target: here
        run: ${JSON.stringify(run)}
        read_only: true
        expect:
          - exit_code: 0
`;
}

describe('run channels over the harness', () => {
  let tmp: string;
  let harness: Harness;
  let sshd: TestSshd | null = null;
  let stream: AbortController | null = null;
  const pushes: PushMessage[] = [];

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const response = await fetch(new URL(`rpc/${channel}`, harness.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input === undefined ? {} : { input }) });
    const result = (await response.json()) as Result<T>;
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value;
  }

  /** The page's event stream, read the way EventSource reads it. */
  async function listen(): Promise<void> {
    stream = new AbortController();
    const response = await fetch(new URL('__harness/events', harness.url), { signal: stream.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const event = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            for (const line of event.split('\n')) if (line.startsWith('data: ')) pushes.push(JSON.parse(line.slice(6)) as PushMessage);
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  async function until<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-run-contract-'));
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
    harness = await startHarness({ rendererDir: tmp, defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, hostKeyTimeoutMs: 20_000, sshConfigPath: join(tmp, 'no-ssh-config') });
    await listen();
    await call('vault.create', { path: join(tmp, 'run.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
  });

  afterEach(async () => {
    await sshd?.stop();
    sshd = null;
  });

  afterAll(async () => {
    stream?.abort();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a step in the background and streams exactly the bytes the vault stores', async () => {
    const text = runbook(`i=0; while [ $i -lt 3000 ]; do echo "line $i of the transcript"; i=$((i+1)); done; printf 'ünïcödé ✓\\n'`);
    const run = await call<RunView>('run.start', { text, source: 'contract.yaml', environment: 'rehearsal', actor: 'ana' });
    const started = await call<RunView>('step.execute', { runId: run.runId, stepId: 'step', actor: 'ana' });
    expect(['running', 'PASS']).toContain(started.steps[0]!.status);
    await until(() => pushes.find((p) => p.type === 'run' && p.runId === run.runId && p.reason === 'step.finished'));
    const done = await call<RunView>('run.status', { runId: run.runId });
    const transcript = done.steps[0]!.transcript!;
    expect(done.steps[0]!.status).toBe('PASS');

    const outputs = pushes.filter((p): p is Extract<PushMessage, { type: 'output' }> => p.type === 'output' && p.runId === run.runId);
    const bytes = Buffer.concat(outputs.map((p) => Buffer.from(p.data, 'base64')));
    // Contiguous offsets, no gap, no overlap; and the same SHA-256 as the vault's transcript.
    let offset = 0;
    for (const p of outputs) {
      expect(p.offset).toBe(offset);
      offset += Buffer.from(p.data, 'base64').length;
    }
    expect(bytes.length).toBe(transcript.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(transcript.sha256);
    // …and the vault's bytes read back through the contract are those bytes.
    const tail = await call<{ data: string; size: number }>('artifacts.readRange', { id: transcript.artifactId, offset: transcript.size - 16, length: 100 });
    expect(Buffer.from(tail.data, 'base64')).toEqual(bytes.subarray(-16));
    expect(bytes.subarray(-16).toString('utf8')).toContain('ünïcödé ✓');
  });

  it('answers at once while the step runs, and cancels it by its id', async () => {
    const run = await call<RunView>('run.start', { text: runbook('echo started; sleep 30; echo never'), source: 'sleep.yaml', environment: 'rehearsal', actor: 'ana' });
    const before = Date.now();
    const started = await call<RunView>('step.execute', { runId: run.runId, stepId: 'step', actor: 'ana' });
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(started.running).toEqual(['step']);
    // The app stays responsive while it runs, and locking the vault is refused with the reason.
    expect((await call<{ unlocked: boolean }>('vault.status')).unlocked).toBe(true);
    await expect(call('vault.lock')).rejects.toMatchObject({ code: 'STEP_RUNNING' });
    await until(() => pushes.find((p) => p.type === 'output' && p.runId === run.runId));
    expect(await call<{ cancelled: boolean }>('step.cancel', { runId: run.runId, stepId: 'step' })).toEqual({ cancelled: true });
    await until(() => pushes.find((p) => p.type === 'run' && p.runId === run.runId && p.reason === 'step.finished'), 15_000);
    const after = await call<RunView>('run.status', { runId: run.runId });
    expect(after.steps[0]!.failure?.kind).toBe('cancelled');
    expect(after.running).toEqual([]);
    expect(await call<{ cancelled: boolean }>('step.cancel', { runId: run.runId, stepId: 'step' })).toEqual({ cancelled: false });
  });

  it('refuses to run what may not run, with the reason, before anything starts', async () => {
    const text = runbook('true').replace('kind: check', 'kind: command').replace('        read_only: true\n', '');
    const run = await call<RunView>('run.start', { text, source: 'command.yaml', environment: 'rehearsal', actor: 'ana' });
    expect(run.steps[0]!.refusal).toMatchObject({ code: 'notApproved', quorum: 1, valid: 0 });
    await expect(call('step.execute', { runId: run.runId, stepId: 'step', actor: 'ana' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('not approved') });
    expect((await call<RunView>('run.status', { runId: run.runId })).steps[0]!.status).toBe('pending');
  });

  it('stores a secret without ever answering with its value', async () => {
    const value = 'pw-never-shown-9d1f';
    const saved = await call<SecretView>('secrets.set', { name: 'db_pw', value, actor: 'ana' });
    expect(saved).toMatchObject({ name: 'db_pw', setBy: 'ana' });
    expect(JSON.stringify(saved)).not.toContain(value);
    const listed = await call<SecretView[]>('secrets.list');
    expect(JSON.stringify(listed)).not.toContain(value);
    const events = await call<{ events: unknown[] }>('events.list', { limit: 500 });
    expect(JSON.stringify(events)).not.toContain(value);
  });

  it('shows a first-use host key and waits for the answer: refused, then trusted and pinned', async () => {
    sshd = await startSshd();
    const spec = { kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.clientKey.path };
    await call<SavedTargetView>('targets.save', { name: 'ops', spec, actor: 'ana' });

    const refused = call<TargetTestResult>('targets.test', { name: 'ops' });
    const ask = await until(() => pushes.find((p): p is Extract<PushMessage, { type: 'hostKey' }> => p.type === 'hostKey' && p.target === 'ops'));
    expect(ask.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(ask.context).toEqual({ kind: 'test' });
    expect(await call<{ pending: boolean }>('targets.answerHostKey', { requestId: ask.requestId, accept: false })).toEqual({ pending: true });
    expect(await refused).toMatchObject({ ok: false, failure: 'host_key_unconfirmed' });

    const trusted = call<TargetTestResult>('targets.test', { name: 'ops' });
    const again = await until(() => pushes.find((p): p is Extract<PushMessage, { type: 'hostKey' }> => p.type === 'hostKey' && p.requestId !== ask.requestId));
    await call('targets.answerHostKey', { requestId: again.requestId, accept: true });
    expect(await trusted).toMatchObject({ ok: true, hostKey: sshd.hostKeyFingerprint, hostKeySource: 'confirmed' });
    const [saved] = await call<SavedTargetView[]>('targets.list');
    expect(saved).toMatchObject({ name: 'ops', hostKey: sshd.hostKeyFingerprint });
    expect(saved!.overrideUri).toContain(`host_key=${encodeURIComponent(sshd.hostKeyFingerprint)}`);
    // Pinned now: the next test connects without asking.
    const count = pushes.filter((p) => p.type === 'hostKey').length;
    expect(await call<TargetTestResult>('targets.test', { name: 'ops' })).toMatchObject({ ok: true, hostKeySource: 'vault' });
    expect(pushes.filter((p) => p.type === 'hostKey').length).toBe(count);
  });

  it('answers a broken runbook with its problems at their line and column', async () => {
    const text = runbook('true').replace('kind: check', 'kind: chekc');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('chekc')) + 1;
    const result = await call<{ ok: boolean; issues: { line: number; column: number; message: string }[] }>('runbook.open', { text, source: 'typo.yaml' });
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ line, column: lines[line - 1]!.indexOf('chekc') + 1, message: expect.stringContaining('unknown step kind "chekc"') });
  });
});
