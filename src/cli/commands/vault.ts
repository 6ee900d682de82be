import type { Command } from 'commander';
import type { ReadOnlyVault, Vault } from '../../core/vault';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { formatEvent, formatVerify, printJson } from '../format';
import { readNewPassphrase, readPassphrase } from '../passphrase';
import { outputLang } from '../lang';
import { translator } from '../../shared/i18n';

/** The vault module (SQLCipher, drizzle, zod) loads only when a command runs, not for --help. */
async function vaultClass(): Promise<typeof Vault> {
  return (await import('../../core/vault')).Vault;
}

export interface OpenVaultOptions {
  /**
   * Inspect only: SQLite opens the file read-only, no migration, no recovery of a crashed
   * writer's artifacts, and any write is refused (VaultReadOnlyError, exit 2).
   */
  readOnly?: boolean;
}

/** Opens the vault with the passphrase (CUTOVER_PASSPHRASE or a prompt): for writing unless `readOnly`. */
export async function openVault(path: string, options?: { readOnly?: false }): Promise<Vault>;
export async function openVault(path: string, options: { readOnly: true }): Promise<ReadOnlyVault>;
export async function openVault(path: string, options?: OpenVaultOptions): Promise<Vault | ReadOnlyVault>;
export async function openVault(path: string, options: OpenVaultOptions = {}): Promise<Vault | ReadOnlyVault> {
  const passphrase = await readPassphrase();
  const vault = await vaultClass();
  return options.readOnly ? vault.openReadOnly(path, { passphrase }) : vault.open(path, { passphrase });
}

export function registerVault(program: Command, setExit: (code: number) => void): void {
  const vault = program.command('vault').description('create, inspect and verify the encrypted evidence vault');

  vault.command('init')
    .description('create a new vault (refuses to write over an existing file)')
    .requiredOption('--vault <path>', 'vault file to create (its key file is <path>.keys)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const passphrase = await readNewPassphrase('CUTOVER_PASSPHRASE', translator(outputLang()).t('vault.cli.newVaultPassphrase'));
      const v = (await vaultClass()).create(opts.vault, passphrase);
      const head = v.head();
      v.close();
      if (opts.json) printJson({ vault: opts.vault, keys: `${opts.vault}.keys`, id: v.id, head });
      else console.log(translator(outputLang()).t('cli.vault.created', { vault: opts.vault, id: v.id }));
    });

  vault.command('verify')
    .description('walk the whole event chain and every artifact, recompute every hash (exit 1 if anything does not match); opens the vault read-only')
    .requiredOption('--vault <path>', 'vault file')
    .option('--ledger <dsn>', 'also check the chain against what this vault published to the team ledger (a tail truncated or rewritten after publishing is named)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; ledger?: string; json?: boolean }) => {
      const v = await openVault(opts.vault, { readOnly: true });
      try {
        const report = v.verify();
        // Beyond the hashes: every act's signature against the key the chain held for its person
        // then, and every identities row against the chain (the table is not trusted).
        const { auditActs, actProblemIn } = await import('../../core/acts/audit');
        const { identityTableDifferences } = await import('../../core/identity');
        const acts = auditActs(v.events());
        // --json keeps the English words; the human output is in the language asked for.
        const identities = identityTableDifferences(v, opts.json ? 'en' : outputLang());
        // The witness module loads pg: only when a ledger is asked for.
        const witness = opts.ledger ? await import('../../core/ledger/witness') : undefined;
        let ledger: Awaited<ReturnType<NonNullable<typeof witness>['witnessVault']>> | undefined;
        try {
          ledger = witness && opts.ledger ? await witness.witnessVault(v, opts.ledger) : undefined;
        } catch (error) {
          // A vault the ledger does not know: refused in the language asked for (the same error, exit 2).
          if (error instanceof Error && witness) error.message = witness.witnessProblemIn(outputLang(), error.message);
          throw error;
        }
        const ok = report.ok && acts.problems.length === 0 && identities.length === 0 && (ledger?.ok ?? true);
        if (opts.json) printJson({ vault: opts.vault, ...report, ok, acts, identities, ...(ledger ? { ledger } : {}) });
        else {
          const tr = translator(outputLang());
          const { verifyReportIn } = await import('../../core/vault/verify');
          const lines = formatVerify(opts.vault, { ...verifyReportIn(tr.lang, report), ok }, tr).split('\n');
          for (const o of report.orphanSegments) lines.push(tr.t('cli.vault.verify.orphan', { vault: opts.vault, file: o }));
          lines.push(tr.t('cli.vault.verify.acts', { n: acts.signed, legacy: acts.unsignedLegacy ? tr.t('cli.vault.verify.legacy', { n: acts.unsignedLegacy }) : '' }));
          for (const p of acts.problems) lines.push(tr.t('cli.vault.verify.badAct', { seq: p.seq, message: actProblemIn(tr.lang, p.message) }));
          for (const d of identities) lines.push(tr.t('cli.vault.verify.identityRow', { message: d.message }));
          if (ledger && witness) {
            lines.push(ledger.ok
              ? tr.t('cli.vault.verify.ledger', { label: ledger.label, workstation: String(ledger.workstation), seq: String(ledger.witnessed), unpublished: ledger.unpublished ? tr.t('cli.vault.verify.unpublished', { n: ledger.unpublished }) : '' })
              : tr.t('cli.vault.verify.ledgerDiffers', { label: ledger.label, workstation: ledger.workstation ?? tr.t('cli.vault.verify.noWorkstation'), problem: witness.witnessProblemIn(tr.lang, String(ledger.problem)) }));
          }
          console.log(lines.join('\n'));
        }
        setExit(ok ? EXIT_OK : EXIT_FAILED);
      } finally {
        v.close();
      }
    });

  vault.command('log')
    .description('list the events of the chain, oldest first; opens the vault read-only')
    .requiredOption('--vault <path>', 'vault file')
    .option('--after <seq>', 'only events after this sequence number', '0')
    .option('--limit <n>', 'at most this many events')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; after: string; limit?: string; json?: boolean }) => {
      const afterSeq = parseCount(opts.after, '--after');
      const limit = opts.limit === undefined ? undefined : parseCount(opts.limit, '--limit');
      const v = await openVault(opts.vault, { readOnly: true });
      try {
        const events = v.events({ afterSeq, limit });
        if (opts.json) printJson(events);
        else for (const e of events) console.log(formatEvent(e));
      } finally {
        v.close();
      }
    });

  vault.command('upgrade')
    .description('open the vault for writing, as any recording command does: apply pending schema migrations and seal artifacts left open by a writer that died (inspecting commands do neither)')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault);
      try {
        const { schemaBefore, sealedIncomplete } = v.upkeep;
        const stillOpen = v.artifacts().filter((a) => a.state === 'open');
        if (opts.json) {
          printJson({ vault: opts.vault, schemaBefore, schemaVersion: v.schemaVersion, sealedIncomplete, stillOpen, head: v.head() });
          return;
        }
        const tr = translator(outputLang());
        console.log(tr.t('cli.vault.schema', { vault: opts.vault, version: v.schemaVersion, change: schemaBefore < v.schemaVersion ? tr.t('cli.vault.schemaUpgraded', { before: schemaBefore }) : tr.t('cli.vault.schemaCurrent') }));
        for (const a of sealedIncomplete) console.log(tr.t('cli.vault.sealedIncomplete', { name: a.name, id: a.id, size: a.size }));
        for (const a of stillOpen) console.log(tr.t('cli.vault.stillOpen', { name: a.name, id: a.id }));
      } finally {
        v.close();
      }
    });

  vault.command('migrate-artifacts')
    .description('move the transcripts an older vault keeps inside its database into encrypted segment files in <vault>.d, each read back and checked against its seal before the database copy is deleted (an artifact.migrated event each); then compact the database')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault);
      try {
        const { migrateReasonIn } = await import('../../core/vault/migrate-artifacts');
        let result: ReturnType<typeof v.migrateArtifacts>;
        try {
          result = v.migrateArtifacts(process.env.CUTOVER_ACTOR?.trim() || 'system');
        } catch (error) {
          // Its refusals in the language asked for: the same error (and exit code), its words said again.
          if (error instanceof Error) error.message = migrateReasonIn(outputLang(), error.message);
          throw error;
        }
        if (opts.json) printJson({ vault: opts.vault, segments: `${opts.vault}.d`, ...result });
        else {
          const tr = translator(outputLang());
          if (result.migrated.length === 0 && result.refused.length === 0) console.log(tr.t('cli.vault.nothingToMove', { vault: opts.vault }));
          for (const a of result.migrated) console.log(tr.t('cli.vault.moved', { name: a.name, id: a.id, size: a.size, sha256: a.sha256, segments: a.segments }));
          for (const a of result.skippedOpen) console.log(tr.t('cli.vault.leftOpen', { name: a.name, id: a.id }));
          for (const a of result.refused) console.log(tr.t('cli.vault.notMoved', { name: a.name, id: a.id, reason: migrateReasonIn(tr.lang, a.reason) }));
          if (result.migrated.length > 0) console.log(tr.t('cli.vault.movedTotal', { n: result.migrated.length, vault: opts.vault, before: result.databaseBytes.before, after: result.databaseBytes.after }));
        }
        setExit(result.refused.length === 0 ? EXIT_OK : EXIT_FAILED);
      } finally {
        v.close();
      }
    });

  vault.command('passwd')
    .description('change the passphrase (the data is not re-encrypted; only its key is re-wrapped)')
    .requiredOption('--vault <path>', 'vault file')
    .action(async (opts: { vault: string }) => {
      const oldPassphrase = await readPassphrase('CUTOVER_PASSPHRASE', translator(outputLang()).t('vault.cli.currentPassphrase'));
      const v = (await vaultClass()).open(opts.vault, { passphrase: oldPassphrase });
      try {
        const next = await readNewPassphrase('CUTOVER_NEW_PASSPHRASE');
        v.changePassphrase(oldPassphrase, next);
        console.log(translator(outputLang()).t('cli.vault.passphraseChanged', { vault: opts.vault }));
      } finally {
        v.close();
      }
    });
}

export function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new CliUsageError(translator(outputLang()).t('vault.cli.wholeNumber', { flag, value }));
  return Number(value);
}
