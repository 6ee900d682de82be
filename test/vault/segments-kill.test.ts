// SIGKILL at random points while a writer streams transcripts into segment files at full speed
// (issue 17): a real child process, really killed, many times, into one vault. After every
// kill the next writer's open seals the cut artifact `incomplete` at its last durable chunk,
// and then: `verify` is clean; every artifact finished in any round reads back exactly (its
// bytes regenerated here); the cut one holds exactly the first N bytes that were sent, with N
// at least what the vault had recorded just before the kill; no segment file is deleted.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { segmentRootFor } from '../../src/core/vault/segments';
import { PASSPHRASE, REPO_ROOT, cliEnv, openVaultFile, unwrapDataKey } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { contentStream } from './segments-writer-child';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const ROUNDS = 12;
const CHILD = join(REPO_ROOT, 'test', 'vault', 'segments-writer-child.ts');

interface Finished { name: string; id: string; size: number; sha256: string }

function prefixSha256(name: string, size: number): string {
  const next = contentStream(name);
  const hash = createHash('sha256');
  for (let done = 0; done < size; done += 1024 * 1024) hash.update(next(Math.min(1024 * 1024, size - done)));
  return hash.digest('hex');
}

function segmentFiles(vault: string): string[] {
  return (readdirSync(join(segmentRootFor(vault), 'artifacts'), { recursive: true }) as string[]).filter((f) => f.endsWith('.seg')).sort();
}

/** The size the vault has recorded as durable of the artifact being written (0 when none is open). */
function openRecordedSize(vault: string, dataKey: Buffer): number {
  const reader = openVaultFile(vault, dataKey);
  try {
    return (reader.prepare("SELECT size FROM artifacts WHERE state = 'open'").get() as { size: number } | undefined)?.size ?? 0;
  } finally {
    reader.close();
  }
}

/** Starts the writer; resolves once it has opened the vault, with what it prints as it goes. */
async function startWriter(vault: string, round: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, vault, String(round)], { cwd: REPO_ROOT, env: cliEnv({ CUTOVER_SEGMENTS_CHILD: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  const finished: Finished[] = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as Finished | { ready: true };
        buffered = buffered.slice(nl + 1);
        if ('ready' in line) resolve();
        else finished.push(line);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    void exited.then(({ code, signal }) => reject(new Error(`the writer exited before it was ready (${signal ?? code}): ${stderr}`)));
  });
  await ready;
  return { child, finished, exited, stderr: () => stderr };
}

describe('SIGKILL while streaming into segment files', () => {
  it(`${ROUNDS} kills of a full-speed writer: every reopen verifies, finished artifacts are intact, the cut one is incomplete with the hash of what survived`, { timeout: 900_000 }, async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-seg-kill-', onTestFinished);
    const vault = join(dir, 'kill.vault');
    Vault.create(vault, PASSPHRASE).close();
    const { dataKey } = unwrapDataKey(vault);
    const all: Finished[] = [];
    let cutWithBytes = 0;
    let filesBefore: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const writer = await startWriter(vault, round);
      if (round % 2 === 0) {
        // Every other round waits until the vault has recorded some bytes of the artifact being
        // written (an event, polled with a bound), so cuts with bytes happen on a loaded machine too.
        const deadline = Date.now() + 60_000;
        while (openRecordedSize(vault, dataKey) === 0 && Date.now() < deadline) await sleep(20);
      } else {
        // A random point: sometimes before the first artifact is finished, sometimes well after.
        await sleep(Math.floor(Math.random() * 2500));
      }
      // What the vault had recorded as durable of the artifact being written, just before the kill.
      const reader = openVaultFile(vault, dataKey);
      const recorded = reader.prepare("SELECT name, size FROM artifacts WHERE state = 'open'").get() as { name: string; size: number } | undefined;
      reader.close();
      writer.child.kill('SIGKILL');
      const { signal } = await writer.exited;
      const context = `round ${round}: ${writer.finished.length} finished before the kill; ${writer.stderr()}`;
      expect(signal, context).toBe('SIGKILL');
      all.push(...writer.finished);

      const next = Vault.open(vault, { passphrase: PASSPHRASE });
      try {
        const sealed = next.upkeep.sealedIncomplete;
        expect(sealed.length, context).toBeLessThanOrEqual(1);
        const report = next.verify();
        expect(report, context).toMatchObject({ ok: true, firstBadEvent: null, badArtifacts: [], corruption: null });
        // Every artifact finished in any round so far: complete and byte-exact.
        const byId = new Map(next.artifacts().map((a) => [a.id, a]));
        for (const f of all) expect(byId.get(f.id), `${context}: ${f.name}`).toMatchObject({ state: 'complete', size: f.size, sha256: f.sha256 });
        // Their bytes are what was sent (verify above re-read every one against the chain).
        for (const f of writer.finished) expect(f.sha256, `${context}: ${f.name}`).toBe(prefixSha256(f.name, f.size));
        if (sealed[0]) {
          const cut = sealed[0];
          expect(cut.state).toBe('incomplete');
          // Exactly the first `size` bytes that were sent: regenerated here and hashed.
          expect(cut.sha256, `${context}: ${cut.name} sealed at ${cut.size}`).toBe(prefixSha256(cut.name, cut.size));
          const back = createHash('sha256');
          for (const chunk of next.readArtifact(cut.id)) back.update(chunk);
          expect(back.digest('hex')).toBe(cut.sha256);
          if (recorded?.name === cut.name) expect(cut.size, `${context}: bytes recorded before the kill were lost`).toBeGreaterThanOrEqual(recorded.size);
          if (cut.size > 0) cutWithBytes += 1;
        }
      } finally {
        next.close();
      }
      // Segment files are never deleted, not even a dead writer's unrecorded one.
      const files = segmentFiles(vault);
      for (const f of filesBefore) expect(files, context).toContain(f);
      filesBefore = files;
    }
    expect(all.length, 'some artifacts were finished before their writer was killed').toBeGreaterThan(0);
    expect(cutWithBytes, 'enough kills landed while bytes were streaming').toBeGreaterThanOrEqual(ROUNDS / 3);
  });
});
