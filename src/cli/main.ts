// `cutover`: the workstation without the desktop. Human text by default, JSON with --json.
//
// Start-up: every invocation builds the whole command tree (so `--help` is complete), but each
// command module imports core only inside its actions (`await import(...)`), so a command loads
// just what it uses and `--help` loads none of it (bench/cli, test/cli/startup.test.ts). Keep it
// that way: at the top of src/cli/**, import core with `import type` only, except the
// dependency-free modules below and constants a command definition shows in its help.
import { CommanderError, type Command } from 'commander';
// The error classes straight from their own dependency-free files: the same module instances the
// core index files re-export, so these instanceof checks hold for errors thrown by lazily
// loaded core.
import { EvidenceKeyError } from '../core/signing/errors';
import { VaultError } from '../core/vault/errors';
import { RunbookError } from '../core/runbook/errors';
import { PackError } from '../core/pack/errors';
import { registerRecord } from './commands/record';
import { registerVault } from './commands/vault';
import { registerIdentity } from './commands/identity';
import { registerRun } from './commands/run';
import { registerAct } from './commands/act';
import { registerAlembic } from './commands/alembic';
import { registerDemo } from './commands/demo';
import { registerPg } from './commands/pg';
import { registerPack } from './commands/pack';
import { registerReport } from './commands/report';
import { registerRunbook } from './commands/runbook';
import { registerLedger } from './commands/ledger';
import { CliUsageError, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './errors';
import { fileSystemMessage } from './fs-errors';
import { publishAfterCommand } from './ledger-outbox';
import { langOfArgv, setRequestedLang } from './lang';
import { usageWordsOf, wordUsage, WordedCommand } from './usage-words';
import type { Lang } from '../shared/i18n/languages';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  a check or verification failed (the vault verified with problems)
  2  bad input or usage, wrong passphrase, not a vault, vault damaged or busy
  70 internal error (a bug; the message says what happened)

Environment:
  CUTOVER_PASSPHRASE      the vault passphrase (otherwise asked on the terminal; never an argument)
  CUTOVER_NEW_PASSPHRASE  the new passphrase for \`vault passwd\`
  CUTOVER_ACTOR           who acts: an identity name (default: your user name); acts are signed with their key
  CUTOVER_KEY_PASSPHRASE  the passphrase of an SSH key file (otherwise asked on the terminal)
  CUTOVER_SECRET_VALUE    the value for \`secret set\` (otherwise asked on the terminal)
  SSH_AUTH_SOCK           the ssh-agent for \`identity add --agent\`, signing and SSH targets
  PGURL                   the PostgreSQL server \`demo\` makes its throwaway database on
  CUTOVER_LANG            the language of the human output where the run's runbook names none (en, es), as --lang
`;

/**
 * The whole command tree. `lang` is the language of commander's usage errors: English is
 * commander's own output; in another language commander writes nothing and `main` words the
 * error again (usage-words.ts).
 */
export function buildProgram(setExit: (code: number) => void, lang: Lang = 'en'): Command {
  const program = new WordedCommand('cutover');
  program.helpLang = lang;
  if (lang === 'en') program.showHelpAfterError('(run with --help for usage)');
  else program.configureOutput({ outputError: () => undefined });
  program
    .description('Cutover Workstation: an encrypted, tamper-evident evidence vault for governance-gated database cutovers.')
    .version('0.1.0')
    .addHelpText('after', EXIT_HELP)
    .option('--lang <language>', 'the language of the human output (en or es) where the run\'s runbook names none; a runbook\'s language: wins; JSON is never translated')
    .hook('preAction', (top: Command) => setRequestedLang(top.opts<{ lang?: string }>().lang))
    .exitOverride();
  registerVault(program, setExit);
  registerIdentity(program);
  registerRecord(program);
  registerRunbook(program);
  registerRun(program, setExit);
  registerAct(program);
  registerReport(program, setExit);
  registerAlembic(program, setExit);
  registerPg(program, setExit);
  registerPack(program, setExit);
  registerDemo(program, setExit);
  registerLedger(program, setExit);
  return program;
}

function isUserError(error: unknown): error is Error {
  return error instanceof VaultError || error instanceof CliUsageError || error instanceof EvidenceKeyError || error instanceof RunbookError || error instanceof PackError;
}

function vaultArgument(argv: string[]): string | undefined {
  const i = argv.indexOf('--vault');
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--vault='))?.slice(8);
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const lang = langOfArgv(argv);
  const program = buildProgram((code) => {
    exitCode = code;
  }, lang);
  try {
    // A vault that joined a team ledger publishes what the command appended (ledger-outbox.ts).
    await publishAfterCommand(argv, () => program.parseAsync(argv));
    return exitCode;
  } catch (thrown) {
    let error = thrown;
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      if (lang !== 'en') await writeUsageError(error, lang);
      return EXIT_USAGE;
    }
    if (typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('SQLITE_')) {
      // An SQLite error means the vault's database module is loaded already.
      const { vaultErrorFrom } = await import('../core/vault/database');
      error = vaultErrorFrom(vaultArgument(argv) ?? 'the vault', error);
    }
    if (isUserError(error)) {
      process.stderr.write(`cutover: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const { translator } = await import('../shared/i18n/translator');
    const tr = translator(lang);
    const fsMessage = fileSystemMessage(error, tr);
    if (fsMessage) {
      process.stderr.write(`cutover: ${fsMessage}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`cutover: ${tr.t('cli.internal', { detail: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`);
    return EXIT_INTERNAL;
  }
}

/** A usage error commander kept quiet about (a language other than English), in that language. */
async function writeUsageError(error: CommanderError, lang: Lang): Promise<void> {
  const { translator } = await import('../shared/i18n/translator');
  const tr = translator(lang);
  const words = usageWordsOf(error);
  // An error raised some other way (an option's own parser) keeps commander's sentence.
  process.stderr.write(`${words ? wordUsage(words, tr) : error.message}\n${tr.t('cli.usage.help')}\n`);
}
