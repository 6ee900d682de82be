import type { Command } from 'commander';
import type { Vault } from '../../core/vault';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { formatEvent, formatVerify, printJson } from '../format';
import { readNewPassphrase, readPassphrase } from '../passphrase';

/** The vault module (SQLCipher, drizzle, zod) loads only when a command runs, not for --help. */
async function vaultClass(): Promise<typeof Vault> {
  return (await import('../../core/vault')).Vault;
}

export async function openVault(path: string): Promise<Vault> {
  const passphrase = await readPassphrase();
  return (await vaultClass()).open(path, { passphrase });
}

export function registerVault(program: Command, setExit: (code: number) => void): void {
  const vault = program.command('vault').description('create, inspect and verify the encrypted evidence vault');

  vault.command('init')
    .description('create a new vault (refuses to write over an existing file)')
    .requiredOption('--vault <path>', 'vault file to create (its key file is <path>.keys)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const passphrase = await readNewPassphrase('CUTOVER_PASSPHRASE', 'Passphrase for the new vault: ');
      const v = (await vaultClass()).create(opts.vault, passphrase);
      const head = v.head();
      v.close();
      if (opts.json) printJson({ vault: opts.vault, keys: `${opts.vault}.keys`, id: v.id, head });
      else console.log(`Created vault ${opts.vault} (id ${v.id}).\nKeep ${opts.vault}.keys beside it: without it the vault cannot be opened.`);
    });

  vault.command('verify')
    .description('walk the whole event chain and every artifact, recompute every hash (exit 1 if anything does not match)')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault);
      try {
        const report = v.verify();
        if (opts.json) printJson({ vault: opts.vault, ...report });
        else console.log(formatVerify(opts.vault, report));
        setExit(report.ok ? EXIT_OK : EXIT_FAILED);
      } finally {
        v.close();
      }
    });

  vault.command('log')
    .description('list the events of the chain, oldest first')
    .requiredOption('--vault <path>', 'vault file')
    .option('--after <seq>', 'only events after this sequence number', '0')
    .option('--limit <n>', 'at most this many events')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; after: string; limit?: string; json?: boolean }) => {
      const afterSeq = parseCount(opts.after, '--after');
      const limit = opts.limit === undefined ? undefined : parseCount(opts.limit, '--limit');
      const v = await openVault(opts.vault);
      try {
        const events = v.events({ afterSeq, limit });
        if (opts.json) printJson(events);
        else for (const e of events) console.log(formatEvent(e));
      } finally {
        v.close();
      }
    });

  vault.command('passwd')
    .description('change the passphrase (the data is not re-encrypted; only its key is re-wrapped)')
    .requiredOption('--vault <path>', 'vault file')
    .action(async (opts: { vault: string }) => {
      const oldPassphrase = await readPassphrase('CUTOVER_PASSPHRASE', 'Current passphrase: ');
      const v = (await vaultClass()).open(opts.vault, { passphrase: oldPassphrase });
      try {
        const next = await readNewPassphrase('CUTOVER_NEW_PASSPHRASE');
        v.changePassphrase(oldPassphrase, next);
        console.log(`Passphrase of ${opts.vault} changed.`);
      } finally {
        v.close();
      }
    });
}

export function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new CliUsageError(`${flag} takes a whole number, got "${value}".`);
  return Number(value);
}
