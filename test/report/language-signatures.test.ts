// Issue 13 item 3: what the signed acts' audit, the signing module and migrate-artifacts say, in
// the language asked for (--lang es), through the real cutover process on real vaults: vault
// verify's act problems (an approval forged with another person's key, an act event with no
// signed act), act import and identity prove refused for a signature in the wrong namespace or by
// the wrong key, identity add refused for a damaged public key line, migrate-artifacts' refused
// copy and its folder in the way. Spanish holds no English catalogue sentence; English is word for
// word as before; --json keeps the English words; a refusal leaves the chain's head where it was.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACT_NAMESPACE } from '../../src/core/acts';
import { buildPlan, planBytes, PLAN_NAMESPACE, RunEngine } from '../../src/core/engine';
import { generateEd25519, signerFromGenerated, sshsigSign, sshsigVerify } from '../../src/core/signing';
import { signatureReasonIn, SSHSIG_REASONS, KEY_PROBLEMS, keyProblemIn } from '../../src/core/signing/words';
import { migrateReasonIn } from '../../src/core/vault/migrate-artifacts';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { artifactDirFor, segmentRootFor } from '../../src/core/vault/segments';
import { translate, type MessageKey } from '../../src/shared/i18n';
import { describeRun, openVaultFile, PASSPHRASE, runCli, unwrapDataKey } from '../helpers/cli';
import { addPeople } from '../helpers/people';
import { makeKey } from '../helpers/ssh-keys';
import { legacyVault } from '../helpers/legacy-vault';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

const RUNBOOK = `
format: cutover-runbook/v1
id: sig-lang
title: Signatures in the language asked for
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: gov-ok, kind: attest, title: Governance ok, statement: "Governance reviewed the plan", by: approver }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
`;

/** A vault with a run started (signed acts from then on) and people: op (owner), ap1 and ap2 (approvers, their own keys). */
async function signedVault(dir: string) {
  const path = join(dir, 'sig.vault');
  const vault = Vault.create(path, PASSPHRASE);
  const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']], ['ap2', ['approver']]]);
  const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
  const text = RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`);
  const { runId } = await engine('op').startRun({ text, source: 'sig.yaml', environment: 'rehearsal' });
  return { path, vault, people, engine, runId };
}

const headOf = (path: string) => {
  const v = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return v.head();
  } finally {
    v.close();
  }
};

describe('vault verify\'s act problems in the language asked for', () => {
  it('an approval forged with another person\'s key and an act event with no signed act: Spanish under --lang es, exit 1; English as before; --json the same bytes', async () => {
    const dir = useTempDir('cutover-sig-lang-');
    const fx = await signedVault(dir);
    let forgedSeq: number, unsignedSeq: number;
    try {
      const plan = planBytes(buildPlan(fx.engine('op').status(fx.runId)));
      const forged = await sshsigSign(fx.people.get('ap2')!.signer, plan, PLAN_NAMESPACE);
      const ap1 = fx.vault.listIdentities().find((i) => i.name === 'ap1')!;
      forgedSeq = fx.vault.append({ actor: 'ap1', type: 'approval.added', payload: { runId: fx.runId, signer: 'ap1', fingerprint: ap1.fingerprint, planDigest: 'x', plan: plan.toString(), signature: forged } }).seq;
      unsignedSeq = fx.vault.append({ actor: 'op', type: 'step.attested', payload: { runId: fx.runId, stepId: 'gov-ok' } }).seq;
    } finally {
      fx.vault.close();
    }

    const es = await runCli(['--lang', 'es', 'vault', 'verify', '--vault', fx.path]);
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toContain(`  ACTO MALO: evento #${forgedSeq}: approval.added: la firma de ap1 sobre el plan no se verifica (wrong-key)\n`);
    expect(es.stdout).toContain(`  ACTO MALO: evento #${unsignedSeq}: step.attested de op no lleva ningún acto firmado, en una bóveda que firma todos los actos\n`);
    expect(found(es.stdout, 'en'), es.stdout).toEqual([]);

    const en = await runCli(['vault', 'verify', '--vault', fx.path], { env: { CUTOVER_LANG: undefined } });
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toContain(`  BAD ACT: event #${forgedSeq}: approval.added: ap1's plan signature does not verify (wrong-key)\n`);
    expect(en.stdout).toContain(`  BAD ACT: event #${unsignedSeq}: step.attested by op carries no signed act, in a vault that signs every act\n`);
    expect(found(en.stdout, 'es')).toEqual([]);

    const jsonEs = await runCli(['--lang', 'es', 'vault', 'verify', '--vault', fx.path, '--json']);
    const jsonEn = await runCli(['vault', 'verify', '--vault', fx.path, '--json']);
    expect(jsonEs.code, describeRun(jsonEs)).toBe(1);
    expect(jsonEs.stdout).toBe(jsonEn.stdout);
    expect((JSON.parse(jsonEn.stdout) as { acts: { problems: unknown[] } }).acts.problems).toEqual([
      { seq: forgedSeq, message: 'approval.added: ap1\'s plan signature does not verify (wrong-key)' },
      { seq: unsignedSeq, message: 'step.attested by op carries no signed act, in a vault that signs every act' },
    ]);
  });
});

describe('the signing module\'s reasons where they reach a person, in the language asked for', () => {
  it('act import: a signature in another namespace, and one by the wrong key, refused in Spanish (exit 2, head unmoved); English as before', async () => {
    const dir = useTempDir('cutover-sig-lang-');
    const fx = await signedVault(dir);
    const actPath = join(dir, 'act.json');
    const { bytes } = fx.engine('op').exportAct(fx.runId, 'ap1', { kind: 'step.attest', stepId: 'gov-ok' });
    writeFileSync(actPath, bytes);
    const otherNs = join(dir, 'other-ns.sig');
    writeFileSync(otherNs, await sshsigSign(fx.people.get('ap1')!.signer, bytes, 'cutover-plan-v1'));
    const otherKey = join(dir, 'other-key.sig');
    writeFileSync(otherKey, await sshsigSign(fx.people.get('ap2')!.signer, bytes, ACT_NAMESPACE));
    const ap1 = fx.people.get('ap1')!.signer.fingerprint;
    const ap2 = fx.people.get('ap2')!.signer.fingerprint;
    fx.vault.close();
    const before = headOf(fx.path);
    const importWith = (sig: string, lang: string[]) => runCli([...lang, 'act', 'import', '--vault', fx.path, '--act', actPath, '--signature', sig], { env: { CUTOVER_LANG: undefined } });

    const nsEs = await importWith(otherNs, ['--lang', 'es']);
    expect(nsEs.code, describeRun(nsEs)).toBe(2);
    expect(nsEs.stderr).toContain('La firma de ap1 sobre este acto no se verifica (wrong-namespace: la firma es del espacio de nombres "cutover-plan-v1", no de "cutover-act-v1").');
    expect(found(nsEs.stderr, 'en'), nsEs.stderr).toEqual([]);
    const keyEs = await importWith(otherKey, ['--lang', 'es']);
    expect(keyEs.code, describeRun(keyEs)).toBe(2);
    expect(keyEs.stderr).toContain(`La firma de ap1 sobre este acto no se verifica (wrong-key: firmada por ${ap2}, no por ${ap1}).`);
    expect(found(keyEs.stderr, 'en'), keyEs.stderr).toEqual([]);

    const nsEn = await importWith(otherNs, []);
    expect(nsEn.code, describeRun(nsEn)).toBe(2);
    expect(nsEn.stderr).toContain('ap1\'s signature over this act does not verify (wrong-namespace: the signature is for namespace "cutover-plan-v1", not "cutover-act-v1").');
    const keyEn = await importWith(otherKey, []);
    expect(keyEn.stderr).toContain(`ap1's signature over this act does not verify (wrong-key: signed by ${ap2}, not by ${ap1}).`);
    expect(found(nsEn.stderr + keyEn.stderr, 'es')).toEqual([]);
    expect(headOf(fx.path)).toEqual(before);
  });

  it('identity prove: a statement signed in another namespace; identity add: a public key line whose base64 is damaged; Spanish (exit 2, head unmoved), English as before', async () => {
    const dir = useTempDir('cutover-sig-lang-');
    const key = await makeKey(dir, 'ed25519', { name: 'gov_key', comment: 'gov@governance' });
    const walk = async (lang: string[], vault: string) => {
      const ok = async (args: string[]) => {
        const r = await runCli([...lang, ...args], { env: { CUTOVER_ACTOR: 'ana', CUTOVER_LANG: undefined } });
        expect(r.code, describeRun(r)).toBe(0);
      };
      await ok(['vault', 'init', '--vault', vault]);
      await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
      await ok(['identity', 'add', '--vault', vault, '--name', 'gov', '--role', 'approver', '--public-key', `${key.path}.pub`]);
      const statement = `${vault}.gov.identity.json`;
      await ok(['identity', 'statement', '--vault', vault, '--name', 'gov', '--out', statement]);
      const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-plan-v1', '-f', key.path, statement], { encoding: 'utf8' });
      expect(signed.status, signed.stderr).toBe(0);
      const before = headOf(vault);
      const prove = await runCli([...lang, 'identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', statement, '--signature', `${statement}.sig`], { env: { CUTOVER_LANG: undefined } });
      expect(prove.code, describeRun(prove)).toBe(2);
      // A public key line with its base64 cut one character short (it no longer decodes to itself).
      const [type, b64] = readFileSync(`${key.path}.pub`, 'utf8').trim().split(' ');
      const bad = `${type} ${b64!.slice(0, -1)} eve@laptop`;
      const add = await runCli([...lang, 'identity', 'add', '--vault', vault, '--name', 'eve', '--role', 'approver', '--public-key', bad], { env: { CUTOVER_ACTOR: 'ana', CUTOVER_LANG: undefined } });
      expect(add.code, describeRun(add)).toBe(2);
      expect(headOf(vault)).toEqual(before);
      return { prove: prove.stderr, add: add.stderr };
    };
    const es = await walk(['--lang', 'es'], join(dir, 'es.vault'));
    expect(es.prove).toMatch(/La firma no prueba la clave SHA256:\S+ de gov: la firma es del espacio de nombres "cutover-plan-v1", no de "cutover-identity-v1"\. Firme la declaración/);
    expect(es.add).toContain('No es una clave pública SSH utilizable: la parte en base64 está dañada. Pegue una línea');
    expect(found(es.prove + es.add, 'en'), es.prove + es.add).toEqual([]);
    const en = await walk([], join(dir, 'en.vault'));
    expect(en.prove).toMatch(/The signature does not prove gov's key SHA256:\S+: the signature is for namespace "cutover-plan-v1", not "cutover-identity-v1"\. Sign the statement/);
    expect(en.add).toContain('Not a usable SSH public key: the base64 part is damaged. Paste one line');
    expect(found(en.prove + en.add, 'es')).toEqual([]);
  });

  it('every reason of the signing module is said again in Spanish from its English words; a text it does not know is kept', () => {
    const values = { begin: 'B', end: 'E', version: 2, algorithm: 'md5', type: 'ssh-dss', why: 'x', namespace: 'n1', expected: 'n2', fingerprint: 'SHA256:a', given: 'sha256', curve: 'c', inside: 'ssh-rsa' };
    for (const key of [...SSHSIG_REASONS, ...KEY_PROBLEMS] as MessageKey[]) {
      const english = (translate as (l: 'en' | 'es', k: MessageKey, v: object) => string)('en', key, values);
      const spanish = (translate as (l: 'en' | 'es', k: MessageKey, v: object) => string)('es', key, values);
      const again = key.startsWith('signature.key.') ? keyProblemIn('es', english) : signatureReasonIn('es', english);
      expect(again, key).toBe(spanish);
      expect(signatureReasonIn('en', english)).toBe(english);
      expect(found(again, 'en'), key).toEqual([]);
    }
    // What the module really returns (a signature over other bytes), and a key inside a signature that is no key.
    const signer = signerFromGenerated(generateEd25519('x').privateKey);
    const result = sshsigVerify('-----BEGIN SSH SIGNATURE-----\nAAAAAAAA\n-----END SSH SIGNATURE-----\n', Buffer.from('m'), 'ns', signer.publicKey);
    expect(result).toMatchObject({ ok: false, message: 'the signature does not start with "SSHSIG"' });
    expect(signatureReasonIn('es', (result as { message: string }).message)).toBe('la firma no empieza por "SSHSIG"');
    expect(signatureReasonIn('es', 'Node said something')).toBe('Node said something');
  });
});

/** A vault as an earlier release wrote it (test/helpers/legacy-vault.ts): schema 3, one transcript in artifact_chunks. */
function oldVault(dir: string): { path: string; id: string } {
  const old = legacyVault(dir, (writer) => {
    const w = writer('upgrade.log');
    w.write(Buffer.from('line one\nline two\n'));
    return { id: w.finish().id };
  });
  Vault.open(old.path, { passphrase: PASSPHRASE }).close();
  return old;
}

describe('vault migrate-artifacts\' refusals in the language asked for', () => {
  it('a database copy that does not match its seal: NOT MOVED in Spanish (exit 1, head unmoved); English as before; --json the English reason', async () => {
    const dir = useTempDir('cutover-sig-lang-');
    const old = oldVault(dir);
    const db = openVaultFile(old.path, unwrapDataKey(old.path).dataKey);
    db.exec('DROP TRIGGER artifact_chunks_no_update');
    db.prepare('UPDATE artifact_chunks SET data = ? WHERE artifact_id = ? AND idx = 0').run(Buffer.from('forged'), old.id);
    db.close();
    const before = headOf(old.path);
    const es = await runCli(['--lang', 'es', 'vault', 'migrate-artifacts', '--vault', old.path]);
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toMatch(new RegExp(`^ {2}NO MOVIDO: upgrade\\.log \\(${old.id}\\): sus bytes guardados \\(6 bytes, sha256 [0-9a-f]{12}…\\) no coinciden con su sello \\(18 bytes, [0-9a-f]{12}…\\); ejecute \`cutover vault verify\`$`, 'm'));
    expect(found(es.stdout, 'en'), es.stdout).toEqual([]);
    const en = await runCli(['vault', 'migrate-artifacts', '--vault', old.path], { env: { CUTOVER_LANG: undefined } });
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toMatch(new RegExp(`^ {2}NOT MOVED: upgrade\\.log \\(${old.id}\\): its stored bytes \\(6 bytes, sha256 [0-9a-f]{12}…\\) do not match its seal \\(18 bytes, [0-9a-f]{12}…\\); run \`cutover vault verify\`$`, 'm'));
    const json = await runCli(['--lang', 'es', 'vault', 'migrate-artifacts', '--vault', old.path, '--json']);
    expect((JSON.parse(json.stdout) as { refused: { reason: string }[] }).refused[0]!.reason).toMatch(/^its stored bytes \(6 bytes, sha256 [0-9a-f]{12}…\) do not match its seal \(18 bytes, [0-9a-f]{12}…\)$/);
    expect(headOf(old.path)).toEqual(before);
  });

  it('a folder already where the segments would go: refused in Spanish (exit 2, head unmoved); English as before; its two other refusals are said again too', async () => {
    const dir = useTempDir('cutover-sig-lang-');
    const old = oldVault(dir);
    const before = headOf(old.path);
    mkdirSync(artifactDirFor(segmentRootFor(old.path), old.id), { recursive: true });
    const es = await runCli(['--lang', 'es', 'vault', 'migrate-artifacts', '--vault', old.path]);
    expect(es.code, describeRun(es)).toBe(2);
    expect(es.stderr).toMatch(new RegExp(`^cutover: \\S+${old.id} ya existe, pero la bóveda no registra ningún segmento para el artefacto ${old.id} \\(upgrade\\.log\\): quedó de una migración interrumpida o se copió allí\\. No se cambió nada de este artefacto; saque esa carpeta de \\S+ y ejecute \`cutover vault migrate-artifacts\` de nuevo\\.$`, 'm'));
    expect(found(es.stderr, 'en'), es.stderr).toEqual([]);
    const en = await runCli(['vault', 'migrate-artifacts', '--vault', old.path], { env: { CUTOVER_LANG: undefined } });
    expect(en.code, describeRun(en)).toBe(2);
    expect(en.stderr).toMatch(new RegExp(`^cutover: \\S+${old.id} already exists, but the vault records no segments for artifact ${old.id} \\(upgrade\\.log\\): it is left from an interrupted migration or copied in\\. Nothing was changed for this artifact; move that folder out of \\S+ and run \`cutover vault migrate-artifacts\` again\\.$`, 'm'));
    expect(headOf(old.path)).toEqual(before);
    // The two a test cannot make happen on demand (bytes changing under the move, a disk that reads back otherwise).
    expect(migrateReasonIn('es', 'artifact abc: its bytes changed while they were being moved')).toBe('artefacto abc: sus bytes cambiaron mientras se movían');
    expect(migrateReasonIn('es', 'artifact abc: its segments did not read back as written')).toBe('artefacto abc: sus segmentos no se leyeron tal como se escribieron');
    expect(migrateReasonIn('en', 'artifact abc: its segments did not read back as written')).toBe('artifact abc: its segments did not read back as written');
  });
});
