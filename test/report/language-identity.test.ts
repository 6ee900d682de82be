// The identity, vault and secret commands' human output in the language asked for (--lang /
// CUTOVER_LANG: they have no runbook): identity add (owner and by public key), statement, prove,
// list; vault init, verify, upgrade, migrate-artifacts, passwd; secret set. No English catalogue
// sentence in the Spanish output, English as before, --json the same fields.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { makeKey } from '../helpers/ssh-keys';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

describe('identity commands in the language asked for', () => {
  it('--lang es: add, statement, prove and list in Spanish; English as before', async () => {
    const dir = useTempDir('cutover-identity-lang-');
    const ok = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'ana', ...env } });
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    const key = await makeKey(dir, 'ed25519', { name: 'gov_key', comment: 'gov@governance' });
    /** The same steps in one vault per language; the outputs, in order. */
    const walk = async (lang: string[], vault: string) => {
      const out: string[] = [];
      out.push((await ok([...lang, 'vault', 'init', '--vault', vault])).stdout);
      out.push((await ok([...lang, 'identity', 'list', '--vault', vault])).stdout);
      out.push((await ok([...lang, 'identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate'])).stdout);
      out.push((await ok([...lang, 'identity', 'add', '--vault', vault, '--name', 'gov', '--role', 'approver', '--public-key', `${key.path}.pub`])).stdout);
      out.push((await ok([...lang, 'identity', 'list', '--vault', vault])).stdout);
      const statement = `${vault}.gov.identity.json`;
      out.push((await ok([...lang, 'identity', 'statement', '--vault', vault, '--name', 'gov', '--out', statement])).stdout);
      const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-identity-v1', '-f', key.path, statement], { encoding: 'utf8' });
      expect(signed.status, signed.stderr).toBe(0);
      const prove = [...lang, 'identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', statement, '--signature', `${statement}.sig`];
      out.push((await ok(prove)).stdout);
      out.push((await ok(prove)).stdout);
      out.push((await ok([...lang, 'identity', 'list', '--vault', vault])).stdout);
      out.push((await ok([...lang, 'identity', 'list', '--vault', vault, '--json'])).stdout);
      return out;
    };
    const es = await walk(['--lang', 'es'], join(dir, 'es.vault'));
    const en = await walk([], join(dir, 'en.vault'));
    const [, noneEs, ownerEs, publicEs, listEs, statementEs, provenEs, againEs, listAfterEs] = es;
    const [, noneEn, ownerEn, publicEn, listEn, statementEn, provenEn, againEn, listAfterEn] = en;
    expect(noneEs).toBe('Aún no hay identidades; añada una con `cutover identity add`.\n');
    expect(noneEn).toBe('No identities yet; add one with `cutover identity add`.\n');
    expect(ownerEs).toMatch(/^Añadida ana \(operator\): SHA256:\S+, propietario de la bóveda, clave en la bóveda; probada\.\n$/);
    expect(ownerEn).toMatch(/^Added ana \(operator\): SHA256:\S+, the vault's owner, key in the vault; proven\.\n$/);
    expect(publicEs).toMatch(/^Añadida gov \(approver\): SHA256:\S+, solo la clave pública; sin probar hasta que gov firme la declaración de identidad:\n {2}cutover identity statement --vault .*\n {2}ssh-keygen -Y sign -n cutover-identity-v1 .* {8}\(en la propia máquina de gov, con su clave\)\n/);
    expect(publicEn).toMatch(/^Added gov \(approver\): SHA256:\S+, public key only; unproven until gov signs the identity statement:\n {2}cutover identity statement --vault .*\n {2}ssh-keygen -Y sign -n cutover-identity-v1 .* {8}\(on gov's own machine, with their key\)\n/);
    expect(listEs).toMatch(/^gov +approver +SHA256:\S+ {2}sin probar {3}public$/m);
    expect(listEn).toMatch(/^gov +approver +SHA256:\S+ {2}unproven {3}public$/m);
    expect(listEn).toMatch(/^ana +operator +SHA256:\S+ {2}owner {6}vault$/m);
    expect(statementEs).toMatch(/^Declaración de identidad de gov escrita en .*\. gov la firma sin cambiarla, en su propia máquina, con la clave SHA256:/);
    expect(statementEn).toMatch(/^Wrote gov's identity statement to .*\. gov signs it unchanged, on their own machine, with the key SHA256:\S+:\n {2}ssh-keygen .*\nwhich writes .*\.sig\. Then import both here:\n {2}cutover identity prove /);
    expect(provenEs).toMatch(/^gov está probada: la declaración la firma SHA256:\S+ \(evento \d+\)\.\n$/);
    expect(provenEn).toMatch(/^gov is proven: the statement is signed by SHA256:\S+ \(event \d+\)\.\n$/);
    expect(againEs).toMatch(/^gov ya estaba probada \(evento \d+\); no se añadió nada\.\n$/);
    expect(againEn).toMatch(/^gov was already proven \(event \d+\); nothing was added\.\n$/);
    expect(listAfterEs).toMatch(/^gov +approver +SHA256:\S+ {2}probada {6}public$/m);
    expect(listAfterEn).toMatch(/^gov +approver +SHA256:\S+ {2}proven {5}public$/m);
    // --json: the same fields in any language (fingerprints and times differ between the two vaults).
    const shape = (text: string) => (JSON.parse(text) as Record<string, unknown>[]).map((i) => ({ name: i.name, roles: i.roles, status: i.status, owner: i.owner, proven: i.proven }));
    expect(shape(es[9]!)).toEqual(shape(en[9]!));
    expect(found(es.slice(1, 9).join('\n'), 'en')).toEqual([]);
    expect(found(en.slice(1, 9).join('\n'), 'es')).toEqual([]);
  });

  it('vault init, verify, upgrade, migrate-artifacts, passwd and secret set with CUTOVER_LANG=es; English as before', async () => {
    const dir = useTempDir('cutover-vault-lang-');
    const run = async (lang: Record<string, string>, vault: string) => {
      const ok = async (args: string[], env: Record<string, string> = {}) => {
        const r = await runCli(args, { env: { CUTOVER_ACTOR: 'ana', ...lang, ...env } });
        expect(r.code, describeRun(r)).toBe(0);
        return r.stdout;
      };
      const init = await ok(['vault', 'init', '--vault', vault]);
      await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
      const secret = await ok(['secret', 'set', '--vault', vault, '--name', 'db_password'], { CUTOVER_SECRET_VALUE: 's3cret' });
      const verify = await ok(['vault', 'verify', '--vault', vault]);
      const upgrade = await ok(['vault', 'upgrade', '--vault', vault]);
      const migrate = await ok(['vault', 'migrate-artifacts', '--vault', vault]);
      const passwd = await ok(['vault', 'passwd', '--vault', vault], { CUTOVER_NEW_PASSPHRASE: 'another long passphrase 42' });
      return { init, secret, verify, upgrade, migrate, passwd };
    };
    const es = await run({ CUTOVER_LANG: 'es' }, join(dir, 'es.vault'));
    const en = await run({}, join(dir, 'en.vault'));
    expect(es.init).toMatch(/^Bóveda .*es\.vault creada \(id \S+\)\.\nGuarde .*es\.vault\.keys a su lado/);
    expect(en.init).toMatch(/^Created vault .*en\.vault \(id \S+\)\.\nKeep .*en\.vault\.keys beside it \(without it the vault cannot be opened\), and .*en\.vault\.d, where its transcripts will be: back up and copy the three together\.\n$/);
    expect(es.secret).toBe('Secreto db_password guardado en la bóveda.\n');
    expect(en.secret).toBe('Secret db_password stored in the vault.\n');
    expect(es.verify).toMatch(/^Bóveda .*: OK\n {2}eventos: {4}\d+ comprobados, cabeza de la cadena [0-9a-f]+\n {2}artefactos: \d+ comprobados, .* con el hash recalculado\n {2}actos: {6}\d+ actos firmados comprobados con las claves de la cadena\n$/);
    expect(en.verify).toMatch(/^Vault .*: OK\n {2}events: {4}\d+ checked, chain head [0-9a-f]+\n {2}artifacts: \d+ checked, .* re-hashed\n {2}acts: {6}\d+ signed acts checked against the chain's keys\n$/);
    expect(es.upgrade).toMatch(/^Bóveda .*: esquema \d+, ya al día\.\n$/);
    expect(en.upgrade).toMatch(/^Vault .*: schema \d+, already current\.\n$/);
    expect(es.migrate).toMatch(/^Bóveda .*: nada que mover; cada artefacto sellado ya está en archivos de segmento en .*\.d\.\n$/);
    expect(en.migrate).toMatch(/^Vault .*: nothing to move; every sealed artifact is already in segment files in .*\.d\.\n$/);
    expect(es.passwd).toMatch(/^Frase de paso de .*es\.vault cambiada\.\n$/);
    expect(en.passwd).toMatch(/^Passphrase of .*en\.vault changed\.\n$/);
    expect(found(Object.values(es).join('\n'), 'en')).toEqual([]);
    expect(found(Object.values(en).join('\n'), 'es')).toEqual([]);
  });
});
