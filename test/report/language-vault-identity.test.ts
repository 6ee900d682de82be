// The identity commands' refusals in the language asked for (--lang / CUTOVER_LANG), through the
// real cutover process: a name refused, a name taken, a second owner, a key file that is not
// there, a public key line that is not one, a statement that is not the vault's, a signature by
// another key, a file that is not there or not a file, a count that is not a number. Exit 2 and
// nothing written, in Spanish with no English catalogue sentence; English word for word as before.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, runCli, type CliResult } from '../helpers/cli';
import { makeKey } from '../helpers/ssh-keys';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

describe('identity refusals in the language asked for', () => {
  it('each refusal in Spanish under --lang es and in English without, exit 2, the chain unmoved', async () => {
    const dir = useTempDir('cutover-identity-refusals-');
    const vault = join(dir, 'v.vault');
    const ok = async (args: string[]) => {
      const r = await runCli(args);
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const gov = await makeKey(dir, 'ed25519', { name: 'gov_key', comment: 'gov@governance' });
    const other = await makeKey(dir, 'ed25519', { name: 'other_key', comment: 'other@elsewhere' });
    await ok(['identity', 'add', '--vault', vault, '--name', 'gov', '--role', 'approver', '--public-key', `${gov.path}.pub`]);
    const statement = join(dir, 'gov.identity.json');
    await ok(['identity', 'statement', '--vault', vault, '--name', 'gov', '--out', statement]);
    const edited = join(dir, 'edited.identity.json');
    writeFileSync(edited, `${readFileSync(statement, 'utf8')}\n`);
    const signedByOther = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-identity-v1', '-f', other.path, statement], { encoding: 'utf8' });
    expect(signedByOther.status, signedByOther.stderr).toBe(0);
    const head = (await ok(['vault', 'log', '--vault', vault, '--json'])).stdout;

    const cases: { args: string[]; es: RegExp; en: RegExp }[] = [
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bad name', '--role', 'approver', '--public-key', `${other.path}.pub`],
        es: /^cutover: "bad name" no es un nombre de identidad válido: letras, dígitos y \. _ @ -, hasta 64/,
        en: /^cutover: "bad name" is not a valid identity name: letters, digits and \. _ @ -, up to 64, starting with a letter or digit \(it becomes the signer's principal in allowed_signers\)\.\n$/,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'gov', '--role', 'approver', '--public-key', `${other.path}.pub`],
        es: /^cutover: Ya existe una identidad llamada "gov" en esta bóveda\. Las identidades nunca se reemplazan; elija otro nombre\.\n$/,
        en: /^cutover: An identity named "gov" already exists in this vault\. Identities are never replaced; pick another name\.\n$/,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--generate'],
        es: /^cutover: Esta bóveda ya guarda la clave de su propietario \(ana\); no guarda la clave privada de nadie más\. Añada a bob por su clave pública: `cutover identity add --vault /,
        en: /^cutover: This vault already holds its owner's key \(ana\); it holds no one else's private key\. Add bob by public key: `cutover identity add --vault /,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--public-key', `${gov.path}.pub`],
        es: /^cutover: La clave SHA256:\S+ ya está registrada como gov; una clave es una persona, así que no se añade otra vez como bob\.\n$/,
        en: /^cutover: The key SHA256:\S+ is already registered as gov; one key is one person, so it is not added again as bob\.\n$/,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'Approver', '--public-key', `${other.path}.pub`],
        es: /^cutover: --role Approver: no es un nombre de rol; use un nombre de rol en lower_snake_case/,
        en: /^cutover: --role Approver: not a role name; use a role name in lower_snake_case, like "incident_commander"/,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--public-key', 'ssh-ed25519 AAAAnotbase64 bob'],
        es: /^cutover: No es una clave pública SSH utilizable: .*\. Pegue una línea tal como la imprime `ssh-keygen -y -f KEY`/,
        en: /^cutover: Not a usable SSH public key: .*\. Paste one line as printed by `ssh-keygen -y -f KEY` or found in a \.pub file/,
      },
      {
        args: ['identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', edited, '--signature', `${statement}.sig`],
        es: /^cutover: No es la declaración de identidad de gov para esta bóveda: los bytes de la declaración no son exactamente los que imprime la aplicación .*; vuelva a imprimirla con `cutover identity statement` y firme ese archivo sin cambiarlo\.\n$/,
        en: /^cutover: Not gov's identity statement for this vault: the statement's bytes are not exactly the ones the app prints .*; print it again with `cutover identity statement` and sign that file unchanged\.\n$/,
      },
      {
        args: ['identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', statement, '--signature', `${statement}.sig`],
        es: /^cutover: La firma no prueba la clave SHA256:\S+ de gov: .*\. Firme la declaración con esa clave: `ssh-keygen -Y sign -n cutover-identity-v1 -f KEY STATEMENT`\.\n$/,
        en: /^cutover: The signature does not prove gov's key SHA256:\S+: .*\. Sign the statement with that key: `ssh-keygen -Y sign -n cutover-identity-v1 -f KEY STATEMENT`\.\n$/,
      },
      {
        args: ['identity', 'prove', '--vault', vault, '--name', 'nadie'],
        es: /^cutover: No hay ninguna identidad llamada "nadie" en la cadena de esta bóveda; consulte `cutover identity list`\.\n$/,
        en: /^cutover: No identity named "nadie" in this vault's chain; see `cutover identity list`\.\n$/,
      },
      {
        args: ['identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', statement],
        es: /^cutover: Indique a la vez --statement y --signature/,
        en: /^cutover: Give both --statement and --signature \(or neither, for the owner proving in place\)\.\n$/,
      },
      {
        args: ['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--public-key', dir],
        es: /^cutover: La clave pública \S+ no es un archivo\.\n$/,
        en: /^cutover: The public key \S+ is not a file\.\n$/,
      },
      {
        args: ['identity', 'prove', '--vault', vault, '--name', 'gov', '--statement', join(dir, 'none.json'), '--signature', `${statement}.sig`],
        es: /^cutover: No hay ningún archivo de declaración en \S+none\.json\.\n$/,
        en: /^cutover: No statement file at \S+none\.json\.\n$/,
      },
      {
        args: ['vault', 'log', '--vault', vault, '--after', 'x'],
        es: /^cutover: --after necesita un número entero; se recibió "x"\.\n$/,
        en: /^cutover: --after takes a whole number, got "x"\.\n$/,
      },
    ];
    for (const c of cases) {
      const es: CliResult = await runCli(['--lang', 'es', ...c.args]);
      expectRefusal(es, 2, c.es);
      expect(found(es.stderr, 'en'), es.stderr).toEqual([]);
      const en = await runCli(c.args);
      expectRefusal(en, 2, c.en);
      expect(found(en.stderr, 'es'), en.stderr).toEqual([]);
    }
    // A key file that is not there, for the owner of a fresh vault, under CUTOVER_LANG=es.
    const fresh = join(dir, 'fresh.vault');
    await ok(['vault', 'init', '--vault', fresh]);
    const missing = join(dir, 'no_such_key');
    const es = await runCli(['identity', 'add', '--vault', fresh, '--name', 'ana', '--role', 'operator', '--ssh-key', missing], { env: { CUTOVER_LANG: 'es' } });
    expectRefusal(es, 2, /^cutover: No hay ningún archivo de clave privada en \S+no_such_key\. Compruebe la ruta o cree una clave con `ssh-keygen -t ed25519 -f \S+no_such_key`\.\n$/);
    const en = await runCli(['identity', 'add', '--vault', fresh, '--name', 'ana', '--role', 'operator', '--ssh-key', missing]);
    expectRefusal(en, 2, /^cutover: No private key file at \S+no_such_key\. Check the path, or create a key with `ssh-keygen -t ed25519 -f \S+no_such_key`\.\n$/);
    // Nothing was written by any refusal.
    expect((await ok(['vault', 'log', '--vault', vault, '--json'])).stdout).toBe(head);
  });
});
