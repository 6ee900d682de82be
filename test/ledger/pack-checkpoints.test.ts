// The pack carries the ledger checkpoints that witnessed its chain head: `ledger checkpoint`
// records what the ledger holds (checked against the vault) in the chain, and `pack export` puts
// every checkpoint up to its anchor into ledger/checkpoints.json, a subject of the manifest. The
// checkpoint names a line of chain/events.jsonl by seq and hash, and its signature verifies with
// plain ssh-keygen against the pack's allowed_signers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun } from '../helpers/cli';
import { cli as cliRun, ledgerRows, ok, publishedVault, useLedger } from './fixture';

interface Checkpoint { ledger: string; workstation: string; seq: number; hash: string; publishedAt: string; signature: string; publicKey: string; allowedSigner: string; statement: string; recordedIn: number; witnesses: string }

describe('ledger checkpoints in the pack', () => {
  it('a checkpoint recorded before export is in ledger/checkpoints.json, listed in the manifest, tied to the chain and verifiable with ssh-keygen', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    await v.execute('change');
    await ok(['ledger', 'publish', '--vault', v.path]);
    const published = (await ledgerRows(db, 'ops-1')).at(-1)!;
    // The run completed with its last event: that is where its pack is anchored.
    const recorded = await ok(['ledger', 'checkpoint', '--vault', v.path, v.runId, '--json']);
    const { checkpoint, seq } = JSON.parse(recorded.stdout) as { checkpoint: Checkpoint; seq: number };
    expect(checkpoint).toMatchObject({ workstation: 'ops-1', seq: published.seq, hash: published.hash });
    expect(seq).toBe(published.seq + 1);
    // The checkpoint event itself went out with the command's own drain.
    expect((await ledgerRows(db, 'ops-1')).length).toBe(seq);

    const exported = await ok(['pack', 'export', '--vault', v.path, v.runId, '--out', join(v.dir, 'out'), '--json']);
    const folder = (JSON.parse(exported.stdout) as { folder: string }).folder;
    const file = readFileSync(join(folder, 'ledger', 'checkpoints.json'));
    const doc = JSON.parse(file.toString('utf8')) as { format: string; checkpoints: Checkpoint[] };
    expect(doc.format).toBe('cutover-ledger-checkpoints-v1');
    expect(doc.checkpoints).toHaveLength(1);
    const c = doc.checkpoints[0]!;
    expect(c).toMatchObject({ seq: published.seq, hash: published.hash, recordedIn: seq, witnesses: 'anchor' });

    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { subject: Array<{ name: string; digest: { sha256: string }; annotations?: { kind?: string } }> };
    const subject = manifest.subject.find((s) => s.name === 'ledger/checkpoints.json');
    expect(subject?.digest.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(readFileSync(join(folder, 'SHA256SUMS'), 'utf8')).toContain('ledger/checkpoints.json');
    // The checkpoint names line #seq of the pack's chain by its hash.
    const lines = readFileSync(join(folder, 'chain', 'events.jsonl'), 'utf8').split('\n');
    expect(createHash('sha256').update(lines[c.seq - 1]!).digest('hex')).toBe(c.hash);
    // Its signature: plain ssh-keygen, the checkpoint's own allowed-signer line, whose key is the owner's in the pack's allowed_signers.
    expect(readFileSync(join(folder, 'allowed_signers'), 'utf8')).toContain(c.publicKey.split(' ').slice(0, 2).join(' '));
    writeFileSync(join(v.dir, 'ledger_signers'), `${c.allowedSigner}\n`);
    writeFileSync(join(v.dir, 'checkpoint.sig'), c.signature);
    const checked = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(v.dir, 'ledger_signers'), '-I', 'ops-1', '-n', 'cutover-ledger-event-v1', '-s', join(v.dir, 'checkpoint.sig')], { input: Buffer.from(c.statement, 'utf8'), encoding: 'utf8' });
    expect(checked.status, `${checked.stdout}${checked.stderr}`).toBe(0);
    // A statement changed by one byte does not verify.
    const forged = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(v.dir, 'ledger_signers'), '-I', 'ops-1', '-n', 'cutover-ledger-event-v1', '-s', join(v.dir, 'checkpoint.sig')], { input: Buffer.from(c.statement.replace(`"seq":${c.seq}`, `"seq":${c.seq + 1}`), 'utf8'), encoding: 'utf8' });
    expect(forged.status).not.toBe(0);

    // Another checkpoint later changes nothing in the run's pack: the manifest people sign stays the one exported.
    await ok(['ledger', 'checkpoint', '--vault', v.path]);
    const later = await ok(['pack', 'export', '--vault', v.path, v.runId, '--out', join(v.dir, 'later'), '--json']);
    expect((JSON.parse(later.stdout) as { manifestSha256: string }).manifestSha256).toBe((JSON.parse(exported.stdout) as { manifestSha256: string }).manifestSha256);

    // The pack with the checkpoint verifies: every file, the new one included, matches manifest.json and SHA256SUMS.
    const verified = await cliRun(['pack', 'verify', folder]);
    expect(verified.stdout, describeRun(verified)).toMatch(/files: \d+ checked against manifest\.json and SHA256SUMS, all match/);
    expect(verified.stdout).not.toMatch(/BROKEN|TAMPERED/);
  });
});
