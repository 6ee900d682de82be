// vault verify's findings in the language asked for (--lang / CUTOVER_LANG: verify has no
// runbook), on a real vault damaged on disk: a byte flipped in a segment, a segment deleted, an
// identities row edited, an event's payload rewritten. The Spanish output holds no English
// catalogue sentence; English is as before; the exit code is 1 either way; --json keeps the
// English words whatever the language.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { FRAME_OVERHEAD, HEADER_BYTES, segmentPathFor, segmentRootFor } from '../../src/core/vault/segments';
import { describeRun, openVaultFile, PASSPHRASE, runCli, unwrapDataKey } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';
import { flipByte } from '../helpers/flip';

/** A vault with two transcripts in segment files: `multi.log` (70 chunks, two segments) and `big.bin` (3 MiB, one segment). */
function makeVault(path: string): { multi: string; big: string } {
  const vault = Vault.create(path, PASSPHRASE);
  try {
    const multi = vault.createArtifact({ name: 'multi.log', actor: 'dba' });
    for (let i = 0; i < 70; i++) {
      multi.write(Buffer.from(`line ${i} ${randomBytes(20).toString('hex')}\n`));
      multi.flush();
    }
    const m = multi.finish();
    const big = vault.createArtifact({ name: 'big.bin', mediaType: 'application/octet-stream', actor: 'dba' });
    for (let i = 0; i < 48; i++) big.write(randomBytes(64 * 1024));
    const b = big.finish();
    return { multi: m.id, big: b.id };
  } finally {
    vault.close();
  }
}

describe('vault verify in the language asked for', () => {
  it('a flipped byte, a deleted segment and an edited identities row: named in Spanish, exit 1; English as before; --json unchanged', async () => {
    const dir = useTempDir('cutover-verify-lang-');
    const path = join(dir, 'v.vault');
    const ids = makeVault(path);
    const added = await runCli(['identity', 'add', '--vault', path, '--name', 'ana', '--role', 'operator', '--generate']);
    expect(added.code, describeRun(added)).toBe(0);
    const root = segmentRootFor(path);
    flipByte(segmentPathFor(root, ids.big, 0), HEADER_BYTES + 1024 * 1024 + FRAME_OVERHEAD + 5000);
    rmSync(segmentPathFor(root, ids.multi, 1));
    const db = openVaultFile(path, unwrapDataKey(path, PASSPHRASE).dataKey);
    try {
      expect(db.prepare('UPDATE identities SET roles = ? WHERE name = ?').run('["operator","approver"]', 'ana').changes).toBe(1);
    } finally {
      db.close();
    }

    const es = await runCli(['--lang', 'es', 'vault', 'verify', '--vault', path]);
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toMatch(new RegExp(`^ {2}ARTEFACTO MALO: artefacto ${ids.big} \\(big\\.bin\\): alterado: el segmento .*000000\\.seg: el fragmento 1 en el byte \\d+ no se autentica: sus bytes se alteraron$`, 'm'));
    expect(es.stdout).toMatch(new RegExp(`^ {2}ARTEFACTO MALO: artefacto ${ids.multi} \\(multi\\.log\\): ausente: el segmento .*000001\\.seg no existe \\(debía contener los fragmentos 64–70\\)$`, 'm'));
    expect(es.stdout).toMatch(/^ {2}UNA FILA DE IDENTIDAD DIFIERE DE LA CADENA: En la tabla de identidades, el conjunto de roles de ana es operator,approver, pero la cadena \(evento \d+\) tiene operator\.$/m);
    expect(found(es.stdout, 'en')).toEqual([]);
    expect(es.stdout).not.toMatch(/\b(segment|chunk|artifact|missing|altered|authenticate|identities table)\b/);

    const en = await runCli(['vault', 'verify', '--vault', path], { env: { CUTOVER_LANG: undefined } });
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toMatch(new RegExp(`^ {2}BAD ARTIFACT: artifact ${ids.big} \\(big\\.bin\\): altered: segment .*000000\\.seg chunk 1 at byte \\d+ does not authenticate: its bytes were altered$`, 'm'));
    expect(en.stdout).toMatch(new RegExp(`^ {2}BAD ARTIFACT: artifact ${ids.multi} \\(multi\\.log\\): missing: segment .*000001\\.seg is missing \\(it holds chunks 64–70\\)$`, 'm'));
    expect(en.stdout).toMatch(/^ {2}IDENTITY ROW DIFFERS FROM THE CHAIN: ana's roles in the identities table is operator,approver, but the chain \(event \d+\) holds operator\.$/m);
    expect(found(en.stdout, 'es')).toEqual([]);

    // --json: the English words, whatever the language asked for.
    const jsonEs = await runCli(['--lang', 'es', 'vault', 'verify', '--vault', path, '--json']);
    const jsonEn = await runCli(['vault', 'verify', '--vault', path, '--json']);
    expect(jsonEs.code, describeRun(jsonEs)).toBe(1);
    expect(jsonEs.stdout).toBe(jsonEn.stdout);
    const report = JSON.parse(jsonEn.stdout) as { badArtifacts: { ref: string; message: string }[]; identities: { message: string }[] };
    expect(report.badArtifacts.map((a) => a.ref).sort()).toEqual([`artifact ${ids.big} (big.bin)`, `artifact ${ids.multi} (multi.log)`].sort());
    expect(report.identities[0]!.message).toMatch(/^ana's roles in the identities table is operator,approver/);
  });

  it('an event rewritten after it was written: the first bad event in Spanish under CUTOVER_LANG=es, exit 1', async () => {
    const dir = useTempDir('cutover-verify-lang-');
    const path = join(dir, 'chain.vault');
    Vault.create(path, PASSPHRASE).close();
    const db = openVaultFile(path, unwrapDataKey(path, PASSPHRASE).dataKey);
    try {
      db.exec('DROP TRIGGER events_no_update');
      const first = db.prepare('SELECT seq, type, payload FROM events ORDER BY seq LIMIT 1').get() as { seq: number; type: string; payload: string };
      const payload = JSON.parse(first.payload) as Record<string, unknown>;
      expect(db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(JSON.stringify({ ...payload, forged: true }), first.seq).changes).toBe(1);
    } finally {
      db.close();
    }
    const es = await runCli(['vault', 'verify', '--vault', path], { env: { CUTOVER_LANG: 'es' } });
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toMatch(/^ {2}PRIMER EVENTO MALO: evento #1 \(vault\.created\): su contenido no coincide con su hash \(guardado [0-9a-f]{12}…, recalculado [0-9a-f]{12}…\): el registro se cambió después de escribirse$/m);
    expect(found(es.stdout, 'en')).toEqual([]);
    const en = await runCli(['vault', 'verify', '--vault', path]);
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toMatch(/^ {2}FIRST BAD EVENT: event #1 \(vault\.created\): its content does not match its hash \(stored [0-9a-f]{12}…, recomputed [0-9a-f]{12}…\): the record was changed after it was written$/m);
  });
});
