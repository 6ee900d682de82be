// The pack commands' refusals in the language asked for (--lang / CUTOVER_LANG; the fixture's
// runbook names no language), through the real cutover process on a real exported pack and on
// hostile zips written byte by byte: no such pack, not a zip, a zip with no manifest, a path
// that climbs out, a symbolic link, signing as someone the pack does not list or
// with the wrong key, a key file that is not there, importing a signature that is not in the
// pack or for someone who is not an identity, exporting a run that does not exist or over an
// existing pack. Exit 2 each time; Spanish with no English catalogue sentence, English word for
// word as before.
import { appendFileSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { FRAME_OVERHEAD, HEADER_BYTES, segmentRootFor } from '../../src/core/vault/segments';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, runCli, type CliResult } from '../helpers/cli';
import { makePackFixture, type PackFixture } from '../pack/fixture';
import { rawZip } from '../pack/raw-zip';
import { bindRehearsal } from '../../src/core/pack/rehearsal';
import { packRefusalText } from '../../src/core/pack/refusal-words';
import { found } from './language-sentences';

interface Case {
  title: string;
  args: () => string[];
  es: RegExp;
  en: RegExp;
}

let fx: PackFixture;
let zip: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  fx = await makePackFixture((fn) => cleanups.push(fn));
  const built = await fx.exportTo(join(fx.dir, 'out'));
  zip = built.zip;
  cpSync(built.folder, join(fx.dir, 'tampered'), { recursive: true });
  appendFileSync(join(fx.dir, 'tampered', 'VERIFY.txt'), '\n');
  writeFileSync(join(fx.dir, 'notes.txt'), 'not a pack\n');
  writeFileSync(join(fx.dir, 'hello.zip'), rawZip([{ name: 'hello.txt', data: Buffer.from('hello\n') }]));
  writeFileSync(join(fx.dir, 'climb.zip'), rawZip([{ name: 'manifest.json', data: Buffer.from('{}') }, { name: '../evil.txt', data: Buffer.from('x') }]));
  writeFileSync(join(fx.dir, 'link.zip'), rawZip([{ name: 'manifest.json', data: Buffer.from('{}') }, { name: 'evidence/link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]));
  return () => {
    for (const fn of cleanups) fn();
  };
}, 120_000);

const at = (name: string) => join(fx.dir, name);

const cases: Case[] = [
  {
    title: 'no such pack',
    args: () => ['pack', 'verify', at('nowhere.zip')],
    es: /^cutover: No hay ningún paquete en \S+nowhere\.zip: indique la carpeta de un paquete o el \.zip de un paquete\.\n$/,
    en: /^cutover: No pack at \S+nowhere\.zip: give a pack folder or a pack \.zip\.\n$/,
  },
  {
    title: 'a text file',
    args: () => ['pack', 'verify', at('notes.txt')],
    es: /^cutover: \S+notes\.txt no es un zip \(ni una carpeta\): indique la carpeta de un paquete o el \.zip de un paquete\.\n$/,
    en: /^cutover: \S+notes\.txt is not a zip \(nor a folder\): give a pack folder or a pack \.zip\.\n$/,
  },
  {
    title: 'signing a zip that is not a pack',
    args: () => ['pack', 'sign', at('hello.zip'), '--identity', 'gov1', '--key', fx.keys.gov1.path],
    es: /^cutover: \S+hello\.zip: rechazado: no tiene manifest\.json, así que no es un paquete de decisión\. No se escribió nada; pida de nuevo el paquete a quien lo envió \(o la carpeta\)\.\n$/,
    en: /^cutover: \S+hello\.zip: refused: it has no manifest\.json, so it is not a decision pack\. Nothing was written; ask the sender for the pack again \(or for the folder\)\.\n$/,
  },
  {
    title: 'signing a zip whose path climbs out',
    args: () => ['pack', 'sign', at('climb.zip'), '--identity', 'gov1', '--key', fx.keys.gov1.path],
    es: /^cutover: \S+climb\.zip: rechazada la entrada "\.\.\/evil\.txt": el nombre tiene un segmento "\.\."\. No se escribió nada; pida de nuevo el paquete a quien lo envió \(o la carpeta\)\.\n$/,
    en: /^cutover: \S+climb\.zip: refused entry "\.\.\/evil\.txt": the name has a "\.\." segment\. Nothing was written; ask the sender for the pack again \(or for the folder\)\.\n$/,
  },
  {
    title: 'signing a pack that does not verify',
    args: () => ['pack', 'sign', at('tampered'), '--identity', 'gov1', '--key', fx.keys.gov1.path],
    es: /^cutover: No se firma \S+tampered: no se verifica, así que usted firmaría algo distinto de lo que se exportó:\n {2}- VERIFY\.txt: el sha256 [0-9a-f]{64} no coincide con manifest\.json/,
    en: /^cutover: Refusing to sign \S+tampered: it does not verify, so you would sign something other than what was exported:\n {2}- VERIFY\.txt: sha256 [0-9a-f]{64} does not match manifest\.json/,
  },
  {
    title: 'signing as someone the pack does not list',
    args: () => ['pack', 'sign', zip, '--identity', 'nadie', '--key', fx.keys.gov1.path],
    es: /^cutover: nadie no es una identidad de este paquete \(lista a ana, gov1, gov2, gov3\); solo esas personas pueden firmarlo\.\n$/,
    en: /^cutover: nadie is not an identity of this pack \(it lists ana, gov1, gov2, gov3\); only they can sign it\.\n$/,
  },
  {
    title: 'signing with another person\'s key',
    args: () => ['pack', 'sign', zip, '--identity', 'gov1', '--key', fx.keys.gov3.path],
    es: /^cutover: La clave SHA256:\S+ no es la clave de gov1 en este paquete \(SHA256:\S+\)\. Firme con la propia clave de gov1\.\n$/,
    en: /^cutover: The key SHA256:\S+ is not gov1's key in this pack \(SHA256:\S+\)\. Sign with gov1's own key\.\n$/,
  },
  {
    title: 'a key file that is not there',
    args: () => ['pack', 'sign', zip, '--identity', 'gov1', '--key', at('no_such_key')],
    es: /^cutover: No hay ningún archivo de clave privada en \S+no_such_key\. Compruebe la ruta o cree una clave con `ssh-keygen -t ed25519 -f \S+no_such_key`\.\n$/,
    en: /^cutover: No private key file at \S+no_such_key\. Check the path, or create a key with `ssh-keygen -t ed25519 -f \S+no_such_key`\.\n$/,
  },
  {
    title: 'no key',
    args: () => ['pack', 'sign', zip, '--identity', 'gov1'],
    es: /^cutover: Indique exactamente una clave: --key ARCHIVO o --agent\.\n$/,
    en: /^cutover: Give exactly one key: --key FILE or --agent\.\n$/,
  },
  {
    title: 'a rejection without a reason',
    args: () => ['pack', 'sign', zip, '--identity', 'gov1', '--key', fx.keys.gov1.path, '--reject'],
    es: /^cutover: Un rechazo necesita un motivo: --reject --reason TEXTO\.\n$/,
    en: /^cutover: A rejection needs a reason: --reject --reason TEXT\.\n$/,
  },
  {
    title: 'importing a signature the pack does not hold',
    args: () => ['pack', 'import-signature', '--vault', fx.vault.path, fx.runId, '--pack', zip, '--identity', 'gov3'],
    es: /^cutover: \S+\.zip no tiene signatures\/gov3\S*: gov3 no ha firmado este paquete \(`cutover pack sign`\)\.\n$/,
    en: /^cutover: \S+\.zip has no signatures\/gov3\S*: gov3 has not signed this pack \(`cutover pack sign`\)\.\n$/,
  },
  {
    title: 'importing for someone who is not an identity',
    args: () => ['pack', 'import-signature', '--vault', fx.vault.path, fx.runId, '--pack', zip, '--identity', 'nadie'],
    es: /^cutover: "nadie" no es una identidad de esta bóveda;/,
    en: /^cutover: "nadie" is not an identity in this vault; add them with `cutover identity add --public-key` and have them prove their key\.\n$/,
  },
  {
    title: 'exporting a run that does not exist',
    args: () => ['pack', 'export', '--vault', fx.vault.path, 'no-such-run', '--out', at('out2')],
    es: /^cutover: No hay ninguna ejecución no-such-run en esta bóveda; consulte `cutover run list`\.\n$/,
    en: /^cutover: No run no-such-run in this vault; see `cutover run list`\.\n$/,
  },
  {
    title: 'exporting over an existing pack',
    args: () => ['pack', 'export', '--vault', fx.vault.path, fx.runId, '--out', at('out')],
    es: /^cutover: \S+ ya existe; una exportación nunca escribe encima de un paquete existente\. Elija otra carpeta --out o elimínela\.\n$/,
    en: /^cutover: \S+ already exists; an export never writes over an existing pack\. Choose another --out folder or remove it\.\n$/,
  },
  {
    title: 'an allowed signers roster that is a folder',
    args: () => ['pack', 'verify', zip, '--allowed-signers', fx.dir],
    es: /^cutover: No se puede leer el archivo de firmantes permitidos \S+ \(es una carpeta\)\. Indique la lista allowed_signers de su organización \(líneas "NOMBRE TIPO_DE_CLAVE BASE64"\)\.\n$/,
    en: /^cutover: Cannot read the allowed signers file \S+ \(it is a folder\)\. Give your organisation's allowed_signers roster \(lines "NAME KEYTYPE BASE64"\)\.\n$/,
  },
  {
    title: 'an allowed signers roster with no key line',
    args: () => ['pack', 'verify', zip, '--allowed-signers', at('notes.txt')],
    es: /^cutover: El archivo de firmantes permitidos \S+notes\.txt no tiene ninguna línea utilizable, así que ninguna firma podría contar[\s\S]*\nIndique cada firmante como "NOMBRE TIPO_DE_CLAVE BASE64" \(se respetan las opciones namespaces="…", valid-after="…", valid-before="…"\)\.\n$/,
    en: /^cutover: The allowed signers file \S+notes\.txt holds no usable line, so no signature could count[\s\S]*\nList each signer as "NAME KEYTYPE BASE64" \(options namespaces="…", valid-after="…", valid-before="…" are honoured\)\.\n$/,
  },
];

describe('pack refusals in the language asked for', () => {
  it.concurrent.each(cases)('$title: in Spanish under --lang es, in English without; exit 2', async (c) => {
    const [es, en] = (await Promise.all([runCli(['--lang', 'es', ...c.args()]), runCli(c.args())])) as [CliResult, CliResult];
    expectRefusal(es, 2, c.es);
    expect(found(es.stderr, 'en'), es.stderr).toEqual([]);
    expectRefusal(en, 2, c.en);
    expect(found(en.stderr, 'es'), en.stderr).toEqual([]);
  });

  it.concurrent.each([
    { zip: 'climb.zip', es: /^ {2}FAIL zip: \S+climb\.zip: rechazada la entrada "\.\.\/evil\.txt": el nombre tiene un segmento "\.\."\. No se escribió nada;/m, en: /^ {2}FAIL zip: \S+climb\.zip: refused entry "\.\.\/evil\.txt": the name has a "\.\." segment\. Nothing was written;/m },
    { zip: 'link.zip', es: /^ {2}FAIL zip: \S+link\.zip: rechazada la entrada "evidence\/link": es un enlace simbólico\. No se escribió nada;/m, en: /^ {2}FAIL zip: \S+link\.zip: refused entry "evidence\/link": it is a symbolic link\. Nothing was written;/m },
  ])('pack verify of $zip: the refused zip is a problem line in Spanish under CUTOVER_LANG=es, English without; exit 1', async (c) => {
    const [es, en] = (await Promise.all([runCli(['pack', 'verify', at(c.zip)], { env: { CUTOVER_LANG: 'es' } }), runCli(['pack', 'verify', at(c.zip)])])) as [CliResult, CliResult];
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toMatch(c.es);
    expect(found(es.stdout, 'en'), es.stdout).toEqual([]);
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toMatch(c.en);
  });
});

describe('pack commands that succeed, in the language asked for', () => {
  it('export, sign and import-signature say what they did in Spanish under --lang es; English as before', async () => {
    const es = await runCli(['--lang', 'es', 'pack', 'export', '--vault', fx.vault.path, fx.runId, '--out', at('out-es')]);
    expect(es.code, describeRun(es)).toBe(0);
    expect(es.stdout).toMatch(new RegExp(`^Ejecución ${fx.runId} exportada\\n {2}carpeta {2}\\S+\\n {2}zip {6}\\S+\\.zip \\(.*, sha256 [0-9a-f]{64}\\)\\n {2}manifiesto sha256 [0-9a-f]{64}; \\d+ archivos, .*; anclado en el evento #\\d+ de la cadena\\n {2}firmas {3}`));
    expect(es.stdout).toContain('Los aprobadores lo firman sin conexión (solo con el paquete y su clave):');
    expect(found(es.stdout, 'en'), es.stdout).toEqual([]);
    const en = await runCli(['pack', 'export', '--vault', fx.vault.path, fx.runId, '--out', at('out-en')]);
    expect(en.code, describeRun(en)).toBe(0);
    expect(en.stdout).toMatch(new RegExp(`^Exported run ${fx.runId}\\n {2}folder {3}\\S+\\n {2}zip {6}\\S+\\.zip \\(.*, sha256 [0-9a-f]{64}\\)\\n {2}manifest sha256 [0-9a-f]{64}; \\d+ files, .*; anchored at chain event #\\d+\\n {2}signatures `));
    expect(en.stdout).toContain('\nApprovers sign it offline (only the pack and their key):\n  cutover pack sign ');
    expect(en.stdout).toContain('Anyone verifies it:\n  cutover pack verify ');

    const copy = at('signed.zip');
    cpSync(zip, copy);
    const signed = await runCli(['--lang', 'es', 'pack', 'sign', copy, '--identity', 'gov1', '--key', fx.keys.gov1.path]);
    expect(signed.code, describeRun(signed)).toBe(0);
    expect(signed.stdout).toMatch(/^gov1 APROBÓ el paquete con SHA256:\S+\.\n {2}manifest\.json sha256 [0-9a-f]{64}\n {2}archivos escritos: .* dentro de \S+signed\.zip\nDevuelva el paquete; se importa con `cutover pack import-signature`\.\n$/);
    expect(found(signed.stdout, 'en'), signed.stdout).toEqual([]);
    const imported = await runCli(['--lang', 'es', 'pack', 'import-signature', '--vault', fx.vault.path, fx.runId, '--pack', copy, '--identity', 'gov1']);
    expect(imported.code, describeRun(imported)).toBe(0);
    expect(imported.stdout).toMatch(/^Importada: gov1 APROBÓ el manifiesto [0-9a-f]{64} \(evento #\d+\)\.\n$/);
    const again = await runCli(['pack', 'import-signature', '--vault', fx.vault.path, fx.runId, '--pack', copy, '--identity', 'gov1']);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toMatch(/^Already imported: gov1 APPROVED manifest [0-9a-f]{64} \(event #\d+\)\.\n$/);
  });
});

describe('a rehearsal pack that cannot bind a production run', () => {
  it('is refused in the language given (bindRehearsal), English by default as before', async () => {
    const other = { runbookHash: '0'.repeat(64) };
    await expect(bindRehearsal(zip, other, { lang: 'es' })).rejects.toThrow(/^El paquete de ensayo \S+ no puede vincular esta ejecución de producción: ensayó otros bytes de runbook \(sha256 [0-9a-f]{64}, v\S+\), no los de este runbook \(sha256 0{64}\)\. Ensaye primero este runbook exacto\. No se inició nada\.$/);
    await expect(bindRehearsal(zip, other)).rejects.toThrow(/^The rehearsal pack \S+ cannot bind this production run: it rehearsed other runbook bytes \(sha256 [0-9a-f]{64}, v\S+\), not this runbook's \(sha256 0{64}\)\. Rehearse this exact runbook first\. Nothing was started\.$/);
    const english = await bindRehearsal(zip, other).catch((error: Error) => error.message);
    expect(packRefusalText('es', String(english))).toMatch(/^El paquete de ensayo .* ensayó otros bytes de runbook/);
  });
});

describe('a transcript damaged on disk, met while exporting', () => {
  it('pack export names the damaged segment file in Spanish under --lang es, in English without; exit 2', async () => {
    const artifacts = join(segmentRootFor(fx.vault.path), 'artifacts');
    const first = readdirSync(artifacts).sort()[0]!;
    const segment = join(artifacts, first, '000000.seg');
    const bytes = readFileSync(segment);
    bytes[HEADER_BYTES + FRAME_OVERHEAD - 17] = bytes[HEADER_BYTES + FRAME_OVERHEAD - 17]! ^ 0x01;
    writeFileSync(segment, bytes);
    const [es, en] = (await Promise.all([
      runCli(['--lang', 'es', 'pack', 'export', '--vault', fx.vault.path, fx.runId, '--out', at('out-damaged-es')]),
      runCli(['pack', 'export', '--vault', fx.vault.path, fx.runId, '--out', at('out-damaged-en')]),
    ])) as [CliResult, CliResult];
    expectRefusal(es, 2, /^cutover: Un archivo de segmento de un artefacto está dañado: \S+000000\.seg: el fragmento 0 en el byte \d+ no se autentica: sus bytes se alteraron.*\. No se cambió nada; restaure la carpeta \.d de la bóveda/);
    expect(found(es.stderr, 'en'), es.stderr).toEqual([]);
    expectRefusal(en, 2, /^cutover: An artifact's segment file is damaged: \S+000000\.seg chunk 0 at byte \d+ does not authenticate: its bytes were altered.*\. Nothing was changed; restore the vault's \.d folder/);
  });
});
