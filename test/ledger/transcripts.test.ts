// Transcripts follow through the ledger by chunk (issue 15 item 2): a running step's output
// reaches a follower before the step finishes, the completed transcript verifies against the
// workstation's checked chain, a runbook with share_transcripts: false shares no byte, publishing
// again duplicates nothing, and a chunk a superuser altered, deleted or inserted under another key
// is named by the reader (the ledger's own trigger refuses the last through the ordinary path).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { initLedger, joinLedger, membershipOf } from '../../src/core/ledger';
import { chunkStatement } from '../../src/core/ledger/transcripts-chunk';
import { publishTranscripts } from '../../src/core/ledger/transcripts-publish';
import { describeTranscriptProblem, TranscriptReader, type TranscriptRead } from '../../src/core/ledger/transcripts-read';
import { publishVault } from '../../src/core/ledger/publish';
import { generateEd25519, signerFromGenerated, sshsigSign, type Signer } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, startCli } from '../helpers/cli';
import { addPeople } from '../helpers/people';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { asSuperuserBypassingTriggers, cli } from './fixture';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const runbook = (id: string, share: boolean, run: string) => `
format: cutover-runbook/v1
id: ${id}
title: Transcripts
version: "1"
share_transcripts: ${share}
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local, cwd: "CWD" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, read_only: true, run: '${run}' }
`;

interface Setup {
  db: TestDatabase;
  vault: Vault;
  dir: string;
  signer: Signer;
  /** Starts a run of a runbook and approves it; returns its id. */
  start(text: string): Promise<string>;
  engine(): RunEngine;
}

async function setup(): Promise<Setup> {
  const db = await useTestDatabase();
  await initLedger(db.dsn);
  const dir = useTempDir('cutover-transcripts-');
  const vault = Vault.create(join(dir, 'op.vault'), PASSPHRASE);
  const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']]]);
  await joinLedger(vault, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
  const signer = people.get('op')!.signer;
  expect(membershipOf(vault)!.fingerprint).toBe(signer.fingerprint);
  const engine = (actor = 'op') => new RunEngine(vault, { actor, keyring, executors: createExecutor });
  return {
    db, vault, dir, signer,
    engine: () => engine(),
    async start(text: string) {
      const { runId } = await engine('op').startRun({ text: text.replace('CWD', dir), source: 'transcripts.yaml', environment: 'rehearsal' });
      await engine('ap1').approve(runId, 'ap1', people.get('ap1')!.signer);
      return runId;
    },
  };
}

/** Publishes events then transcripts, as every outbox does. */
async function publish(s: Setup) {
  await publishVault(s.vault, { signer: s.signer });
  return publishTranscripts(s.vault, { signer: s.signer });
}

function transcriptOf(vault: Vault, runId: string): string {
  const started = vault.events().find((e) => e.type === 'step.started' && (e.payload as { runId: string }).runId === runId)!;
  return (started.payload as { transcript: { artifactId: string } }).transcript.artifactId;
}

async function chunkCount(db: TestDatabase): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM cutover_ledger.transcript_chunks')).rows[0]!.n);
}

describe('transcripts follow through the ledger by chunk', () => {
  it("a running step's output reaches the follower before it finishes, the whole verifies against the chain, a share_transcripts: false run shares nothing, and publishing again duplicates nothing", async () => {
    const s = await setup();
    const runId = await s.start(runbook('shared', true, 'echo first-line; while [ ! -e release ]; do sleep 0.05; done; echo second-line'));
    const running = s.engine().executeStep(runId, 'look');
    const artifactId = await vi.waitFor(() => {
      const e = s.vault.events().find((x) => x.type === 'step.started');
      if (!e) throw new Error('not started yet');
      return transcriptOf(s.vault, runId);
    }, { timeout: 30_000, interval: 50 });
    const reader = await TranscriptReader.open(s.db.dsn, 'ops-1', artifactId);
    // Another process watches with --transcripts: the text arrives under the step as it is published.
    const watch = startCli(['ledger', 'watch', '--db', s.db.dsn, '--heads', join(s.dir, 'heads-live.json'), '--poll', '200', '--transcripts', runId]);
    let live = '';
    watch.child.stdout.on('data', (b: Buffer) => (live += b.toString('utf8')));
    try {
      let text = '';
      // Publish what the vault has recorded so far, until the follower reads the first line.
      await vi.waitFor(async () => {
        await publish(s);
        const read = await reader.read();
        expect(read.problem).toBeNull();
        text += Buffer.concat(read.chunks.map((c) => c.bytes)).toString('utf8');
        expect(text).toContain('first-line');
      }, { timeout: 30_000, interval: 100 });
      // The step is still running: it waits for the file this test has not created.
      expect(existsSync(join(s.dir, 'release'))).toBe(false);
      expect(s.vault.events().some((e) => e.type === 'step.finished')).toBe(false);
      expect(text).not.toContain('second-line');
      await vi.waitFor(() => expect(live).toMatch(/^ {4}look \| first-line$/m), { timeout: 30_000, interval: 50 });
      expect(live).not.toContain('second-line');

      writeFileSync(join(s.dir, 'release'), '');
      expect((await running).status).toBe('PASS');
      const published = await publish(s);
      expect(published).toMatchObject({ shared: 1, withheld: 0, needsInit: false });
      const done: TranscriptRead = await reader.read();
      expect(done.problem).toBeNull();
      text += Buffer.concat(done.chunks.map((c) => c.bytes)).toString('utf8');
      expect(text).toBe(Buffer.concat([...s.vault.readArtifact(artifactId)]).toString('utf8'));
      expect(text).toContain('second-line');
      expect(done.named).toBe(true);
      expect(done.completion).toMatchObject({ size: Buffer.byteLength(text) });
      expect(done.complete).toBe(true);
      await vi.waitFor(() => expect(live).toMatch(/^ {4}look \| second-line\n {4}look \| — transcript complete: \d+ bytes, sha256 [0-9a-f]{12}… .*, every chunk checked$/m), { timeout: 30_000, interval: 50 });
      expect(live.match(/first-line/g)).toHaveLength(1);
    } finally {
      await reader.close();
      watch.child.kill('SIGTERM');
    }
    const watched = await watch.result;
    expect(watched.code, describeRun(watched)).toBe(0);

    // Publishing again: nothing new.
    const before = await chunkCount(s.db);
    expect(await publish(s)).toMatchObject({ chunks: 0, bytes: 0 });
    expect(await chunkCount(s.db)).toBe(before);

    // A runbook that does not share: its step runs, its events are published, none of its bytes.
    const privateRun = await s.start(runbook('private', false, 'echo not-for-the-ledger'));
    expect((await s.engine().executeStep(privateRun, 'look')).status).toBe('PASS');
    expect(await publish(s)).toMatchObject({ chunks: 0, shared: 1, withheld: 1 });
    const privateId = transcriptOf(s.vault, privateRun);
    expect((await s.db.query('SELECT 1 FROM cutover_ledger.transcript_chunks WHERE artifact_id = $1', [privateId])).rowCount).toBe(0);
    expect(await chunkCount(s.db)).toBe(before);
    // ledger watch --transcripts: the private run's step says why there is no text.
    const watchedPrivate = await cli(['ledger', 'watch', '--db', s.db.dsn, '--heads', join(s.dir, 'heads-private.json'), '--once', '--transcripts', privateRun]);
    expect(watchedPrivate.code, describeRun(watchedPrivate)).toBe(0);
    expect(watchedPrivate.stdout).toMatch(/^ {4}look \| — transcript not shared: its runbook says share_transcripts: false \(\d+ bytes stay on ops-1\)$/m);
    expect(watchedPrivate.stdout).not.toContain('not-for-the-ledger');

    // A ledger made before the table: events go on, transcripts wait; \`ledger init\` again adds it.
    await s.db.query('DROP TABLE cutover_ledger.transcript_chunks');
    s.vault.append({ actor: 'op', type: 'note', payload: { text: 'after the drop' } });
    expect(await publish(s)).toMatchObject({ needsInit: true, chunks: 0 });
    expect((await s.db.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM cutover_ledger.events WHERE workstation = 'ops-1'")).rows[0]!.seq).toBe(String(s.vault.head().seq));
    await initLedger(s.db.dsn);
    expect(await publish(s)).toMatchObject({ needsInit: false, chunks: before });
    s.vault.close();
  });

  it('names a chunk a superuser altered, one inserted under another key, and a missing one; the trigger refuses another key and a gap', async () => {
    const s = await setup();
    const runId = await s.start(runbook('shared', true, 'echo one; echo two'));
    expect((await s.engine().executeStep(runId, 'look')).status).toBe('PASS');
    const artifactId = transcriptOf(s.vault, runId);
    expect((await publish(s)).chunks).toBe(1);
    const clean = await TranscriptReader.open(s.db.dsn, 'ops-1', artifactId);
    expect(await clean.read().finally(() => clean.close())).toMatchObject({ problem: null, complete: true });
    const printed = await cli(['ledger', 'transcript', '--db', s.db.dsn, 'ops-1', artifactId]);
    expect(printed.code, describeRun(printed)).toBe(0);
    expect(printed.stdout).toBe('one\ntwo\n');
    expect(printed.stderr).toMatch(/transcript .*: complete: 8 bytes, sha256 [0-9a-f]{12}… as event #\d+/);
    const watched = await cli(['ledger', 'watch', '--db', s.db.dsn, '--heads', join(s.dir, 'heads.json'), '--once', '--transcripts', '--json', runId]);
    expect(watched.code, describeRun(watched)).toBe(0);
    const lines = watched.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; transcript?: string | { artifactId: string; stepId: string; text: string } });
    expect(lines.filter((l) => l.type === 'step.started')).toEqual([expect.objectContaining({ transcript: artifactId })]);
    expect(lines.filter((l) => typeof l.transcript === 'object').map((l) => l.transcript)).toEqual([expect.objectContaining({ artifactId, stepId: 'look', text: 'one\ntwo\n' })]);
    // Its text under the step, every chunk checked, and a line saying the whole verified.
    const human = await cli(['ledger', 'watch', '--db', s.db.dsn, '--heads', join(s.dir, 'heads-human.json'), '--once', '--transcripts', runId]);
    expect(human.code, describeRun(human)).toBe(0);
    expect(human.stdout).toMatch(/step look started .*\n {4}look \| one\n {4}look \| two\n {4}look \| — transcript complete: 8 bytes, sha256 [0-9a-f]{12}… as event #\d+ \(\S+\) records, every chunk checked\n/);
    const bad = await cli(['ledger', 'transcript', '--db', s.db.dsn, 'ops-1', 'not/an-id']);
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toMatch(/"not\/an-id" is not an artifact id/);

    // Through the ordinary path (triggers on), a chunk under another key, or out of order, is refused.
    const member = (await s.db.query<{ public_key: string; ledger_id: string }>("SELECT public_key, ledger_id::text AS ledger_id FROM cutover_ledger.workstations WHERE name = 'ops-1'")).rows[0]!;
    const mallory = signerFromGenerated(generateEd25519('mallory').privateKey);
    const forged = async (n: number, offset: number, key: string, by: Signer) => {
      const bytes = Buffer.from('rm -rf /\n');
      const sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
      const signature = await sshsigSign(by, chunkStatement({ ledger: member.ledger_id, workstation: 'ops-1', artifact: artifactId, n, offset, sha256 }), 'cutover-ledger-transcript-v1');
      return ['ops-1', artifactId, n, offset, member.ledger_id, key, bytes, sha256, signature];
    };
    const insert = 'INSERT INTO cutover_ledger.transcript_chunks (workstation, artifact_id, n, byte_offset, ledger_id, public_key, bytes, sha256, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)';
    const end = Buffer.concat([...s.vault.readArtifact(artifactId)]).length;
    await expect(s.db.query(insert, await forged(1, end, mallory.publicKey, mallory))).rejects.toThrow(/carries a key that is not the workstation's/);
    await expect(s.db.query(insert, await forged(2, end, member.public_key, mallory))).rejects.toThrow(/does not follow the previous one/);
    expect(await chunkCount(s.db)).toBe(1);

    // Around the triggers: the member's key column, another key's signature.
    await asSuperuserBypassingTriggers(s.db, insert, await forged(1, end, member.public_key, mallory));
    const forgedRead = await TranscriptReader.open(s.db.dsn, 'ops-1', artifactId);
    const f = await forgedRead.read().finally(() => forgedRead.close());
    expect(describeTranscriptProblem(f.problem!)).toMatch(new RegExp(`ops-1 transcript ${artifactId} chunk #1: its signature is not by ops-1's key`));

    // The genuine chunk's bytes altered.
    await asSuperuserBypassingTriggers(s.db, "UPDATE cutover_ledger.transcript_chunks SET bytes = $2 WHERE artifact_id = $1 AND n = 0", [artifactId, Buffer.from('one\ntwo!\n')]);
    const altered = await TranscriptReader.open(s.db.dsn, 'ops-1', artifactId);
    expect(describeTranscriptProblem((await altered.read().finally(() => altered.close())).problem!)).toMatch(/chunk #0: its bytes do not hash to its sha256/);
    const named = await cli(['ledger', 'transcript', '--db', s.db.dsn, 'ops-1', artifactId]);
    expect(named.code, describeRun(named)).toBe(1);
    expect(named.stderr).toMatch(/cutover: TRANSCRIPT PROBLEM: ops-1 transcript .* chunk #0: its bytes do not hash/);
    const watchedAltered = await cli(['ledger', 'watch', '--db', s.db.dsn, '--heads', join(s.dir, 'heads-altered.json'), '--once', '--transcripts', runId]);
    expect(watchedAltered.code, describeRun(watchedAltered)).toBe(1);
    expect(watchedAltered.stderr).toMatch(/cutover: TRANSCRIPT PROBLEM: ops-1 transcript .* chunk #0: its bytes do not hash/);
    expect(watchedAltered.stdout).not.toContain('two!');

    // The first chunk deleted: the next is named missing.
    await asSuperuserBypassingTriggers(s.db, 'DELETE FROM cutover_ledger.transcript_chunks WHERE artifact_id = $1 AND n = 0', [artifactId]);
    const gap = await TranscriptReader.open(s.db.dsn, 'ops-1', artifactId);
    expect(describeTranscriptProblem((await gap.read().finally(() => gap.close())).problem!)).toMatch(/chunk #0: chunk #0 is missing/);
    s.vault.close();
  });
});
