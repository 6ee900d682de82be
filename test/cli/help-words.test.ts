// `--help` in Spanish (--lang es / CUTOVER_LANG=es): every description, summary, option, argument
// and after-text of the whole command tree has its Spanish words (help-text-es*.ts), and every
// Spanish entry belongs to a text the tree has (none left behind when a command changes); each
// command's help holds no English catalogue sentence; English is commander's own help, byte for byte.
import { Help, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import { hasHelpText, helpTextsKnown } from '../../src/cli/help-words';
import { WordedCommand } from '../../src/cli/usage-words';
import { describeRun, runCli } from '../helpers/cli';
import { found } from '../report/language-sentences';

/** Every command of the tree with its path ("run start"). */
function commands(root: Command): { path: string; cmd: Command }[] {
  const out: { path: string; cmd: Command }[] = [];
  const walk = (cmd: Command, path: string[]) => {
    out.push({ path: path.join(' ') || '(cutover)', cmd });
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(root, []);
  return out;
}

/** The English texts a command shows in its help, each with where it is. */
function textsOf(path: string, cmd: Command): { where: string; text: string }[] {
  const help = new Help();
  const texts = [
    { where: `${path}: description`, text: cmd.description() },
    { where: `${path}: summary`, text: cmd.summary() },
    ...help.visibleOptions(cmd).map((o) => ({ where: `${path} ${o.flags}`, text: o.description })),
    ...help.visibleArguments(cmd).map((a) => ({ where: `${path} <${a.name()}>`, text: a.description })),
    ...help.visibleCommands(cmd).filter((c) => !cmd.commands.includes(c)).map((c) => ({ where: `${path} ${c.name()} (commander's help command)`, text: c.description() })),
    ...(cmd instanceof WordedCommand ? cmd.helpTexts.map((text) => ({ where: `${path}: after-text`, text })) : []),
  ];
  return texts.filter((t) => t.text !== '');
}

describe('--help in Spanish', () => {
  it('every text of the command tree has its Spanish words, and every Spanish entry a text', () => {
    const all = commands(buildProgram(() => undefined)).flatMap(({ path, cmd }) => textsOf(path, cmd));
    expect(all.length).toBeGreaterThan(300);
    const missing = all.filter((t) => !hasHelpText('es', t.text)).map((t) => `${t.where}: ${JSON.stringify(t.text)}`);
    expect(missing, `no Spanish words for ${missing.length} text(s)`).toEqual([]);
    const texts = new Set(all.map((t) => t.text));
    expect(helpTextsKnown('es').filter((english) => !texts.has(english))).toEqual([]);
  });

  it('each command\'s help in Spanish holds no English catalogue sentence; in English it is commander\'s own help', () => {
    const es = commands(buildProgram(() => undefined, 'es'));
    const en = commands(buildProgram(() => undefined, 'en'));
    for (const [i, { path, cmd }] of es.entries()) {
      const spanish = cmd.helpInformation();
      expect(found(spanish, 'en'), path).toEqual([]);
      expect(spanish, path).toMatch(/^Uso: /);
      const english = en[i]!.cmd;
      expect(english.helpInformation(), path).toBe(new Help().formatHelp(english, Object.assign(new Help(), { helpWidth: 80 })));
    }
  });

  it('the CLI: --lang es and CUTOVER_LANG=es show the Spanish help with its after-text; English as before', async () => {
    for (const r of [await runCli(['--lang', 'es', '--help']), await runCli(['--help'], { env: { CUTOVER_LANG: 'es' } })]) {
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toMatch(/^Uso: cutover \[opciones\] \[orden\]\n/);
      expect(r.stdout).toContain('\nÓrdenes:\n');
      expect(found(r.stdout, 'en')).toEqual([]);
    }
    const en = await runCli(['--help']);
    expect(en.code, describeRun(en)).toBe(0);
    expect(en.stdout).toMatch(/^Usage: cutover \[options\] \[command\]\n/);
    expect(en.stdout).toContain('\nExit codes:\n  0  ok\n');
    expect(found(en.stdout, 'es')).toEqual([]);
  });
});
