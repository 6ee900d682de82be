// Passphrases come from the environment or a terminal prompt, never from an argument
// (arguments end up in shell history and `ps`).
import { CliUsageError } from './errors';
import { cliWords } from './lang';

export interface PromptIO {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

/** Reads one line from a TTY without echoing it. */
export function promptHidden(question: string, io: PromptIO = { input: process.stdin, output: process.stderr }): Promise<string> {
  const { input, output } = io;
  return new Promise((resolve, reject) => {
    let value = '';
    output.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliUsageError(cliWords().t('cli.passphrase.cancelled')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** The vault passphrase: CUTOVER_PASSPHRASE, or asked on the terminal. */
export async function readPassphrase(envName = 'CUTOVER_PASSPHRASE', question = cliWords().t('cli.passphrase.ask')): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!canPrompt()) throw new CliUsageError(cliWords().t('cli.passphrase.none', { env: envName }));
  return promptHidden(question);
}

/** A new passphrase, asked twice on a terminal so a typo does not lock the vault forever. */
export async function readNewPassphrase(envName: string, question = cliWords().t('cli.passphrase.askNew')): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!canPrompt()) throw new CliUsageError(cliWords().t('cli.passphrase.noneNew', { env: envName }));
  const first = await promptHidden(question);
  const second = await promptHidden(cliWords().t('cli.passphrase.again'));
  if (first !== second) throw new CliUsageError(cliWords().t('cli.passphrase.differ'));
  return first;
}
