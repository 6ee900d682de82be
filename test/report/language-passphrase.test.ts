// The CLI's passphrase words follow --lang / CUTOVER_LANG: a command that needs the vault's
// passphrase and has neither CUTOVER_PASSPHRASE nor a terminal to ask on says so in Spanish
// (exit 2), in English without; nothing is written.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

describe('passphrases in the language asked for', () => {
  it('no passphrase and no terminal: Spanish under CUTOVER_LANG=es and --lang es, English without', async () => {
    const vault = join(useTempDir('cutover-passphrase-lang-'), 'v.vault');
    const init = await runCli(['vault', 'init', '--vault', vault]);
    expect(init.code, describeRun(init)).toBe(0);
    const verify = ['vault', 'verify', '--vault', vault];
    const noPassphrase = { CUTOVER_PASSPHRASE: undefined };
    expectRefusal(await runCli(verify, { env: { ...noPassphrase, CUTOVER_LANG: 'es' } }), 2, /^cutover: No hay frase de contraseña: fije CUTOVER_PASSPHRASE o ejecute esto en un terminal para que se le pida\.$/m);
    expectRefusal(await runCli([...verify, '--lang', 'es'], { env: noPassphrase }), 2, /No hay frase de contraseña: fije CUTOVER_PASSPHRASE/);
    expectRefusal(await runCli(verify, { env: noPassphrase }), 2, /^cutover: No passphrase: set CUTOVER_PASSPHRASE or run this in a terminal to be asked for it\.$/m);
    const init2 = await runCli(['vault', 'init', '--vault', `${vault}-2`], { env: { ...noPassphrase, CUTOVER_LANG: 'es' } });
    expectRefusal(init2, 2, /No hay frase de contraseña nueva: fije CUTOVER_PASSPHRASE/);
  });
});
