// `cutover ledger transcript --db URL WORKSTATION ARTIFACT_ID [--follow]`: a step's transcript as
// it follows through the team ledger by chunk (issue 15), each chunk checked (signature by the
// workstation's key, sha256, place) and, once the workstation's checked chain holds the
// artifact's completion, the whole against its hash and size. Prints the verified bytes; exit 1
// naming a forged, altered, missing or reordered chunk; exit 2 on bad input.
import type { Command } from 'commander';
import type { TranscriptPublishResult } from '../../core/ledger/transcripts-publish';
import type { TranscriptRead, TranscriptReader } from '../../core/ledger/transcripts-read';
import type { Signer } from '../../core/signing';
import type { ReadOnlyVault } from '../../core/vault';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { cliWords } from '../lang';
import { translator, type Lang } from '../../shared/i18n';

const transcriptsCore = () => import('../../core/ledger/transcripts-read');

function parsePoll(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 50 || Number(value) > 600_000) throw new CliUsageError(cliWords().t('ledgerCmd.poll', { value }));
  return Number(value);
}

/** What the reader says about the whole, for the human output's last line (stderr), in `lang`. */
export function transcriptState(read: TranscriptRead, lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (read.complete) return tr.t('ledgerCmd.transcript.complete', { bytes: read.bytes, sha256: read.completion!.sha256.slice(0, 12), seq: read.completion!.seq, type: read.completion!.type });
  if (read.completion) return tr.t('ledgerCmd.transcript.partial', { bytes: read.bytes, size: read.completion.size });
  return tr.t('ledgerCmd.transcript.unfinished', { bytes: read.bytes });
}

export function registerLedgerTranscript(ledger: Command, setExit: (code: number) => void): void {
  ledger.command('transcript')
    .description("print a step's transcript as it follows through the ledger by chunk (already redacted; a runbook with share_transcripts: false keeps its transcripts home): each chunk's signature by the workstation's key, hash and place checked, and the whole against the completion its chain records; exit 1 naming a forged, altered, missing or reordered chunk")
    .argument('<workstation>', 'the workstation that ran the step (as `ledger watch` names it)')
    .argument('<artifact-id>', "the transcript's artifact id (step.started's transcript, shown by `ledger watch --transcripts`)")
    .requiredOption('--db <dsn>', 'the ledger: postgresql://user@host:port/dbname')
    .option('--follow', 'keep printing as chunks arrive (NOTIFY wakes it; it polls anyway) until the transcript is complete; stop with Ctrl-C')
    .option('--poll <ms>', 'with --follow: read at least this often', '1000')
    .option('--json', 'print one JSON object per chunk ({n, offset, size, text}), then one with the state')
    .action(async (workstation: string, artifactId: string, opts: { db: string; follow?: boolean; poll: string; json?: boolean }) => {
      const poll = parsePoll(opts.poll);
      const tr = cliWords();
      const { TranscriptReader: Reader, describeTranscriptProblem } = await transcriptsCore();
      const { LedgerConnectionError } = await import('../../core/ledger/errors');
      let reader: TranscriptReader = await Reader.open(opts.db, workstation, artifactId);
      const stop = () => void reader.close().then(() => process.exit(EXIT_OK));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        for (;;) {
          let read: TranscriptRead;
          try {
            read = await reader.read();
          } catch (error) {
            if (!opts.follow || !(error instanceof LedgerConnectionError)) throw error;
            // Following goes on from where it was: a new reader reads the chunks again and checks them all.
            process.stderr.write(`cutover: ${tr.t('ledgerCmd.reconnecting', { message: error.message.replace(/ Nothing half-done.*$/, '') })}\n`);
            await reader.close();
            reader = await Reader.open(opts.db, workstation, artifactId);
            continue;
          }
          for (const c of read.chunks) {
            if (opts.json) process.stdout.write(`${JSON.stringify({ n: c.n, offset: c.offset, size: c.bytes.length, publishedAt: c.publishedAt, text: c.bytes.toString('utf8') })}\n`);
            else process.stdout.write(c.bytes);
          }
          if (read.problem) {
            if (opts.json) process.stdout.write(`${JSON.stringify({ problem: read.problem, text: describeTranscriptProblem(read.problem) })}\n`);
            process.stderr.write(`cutover: ${tr.t('ledgerCmd.transcriptProblem', { problem: describeTranscriptProblem(read.problem) })}\n`);
            setExit(EXIT_FAILED);
            return;
          }
          if (read.complete || !opts.follow) {
            if (opts.json) process.stdout.write(`${JSON.stringify({ workstation, artifactId, bytes: read.bytes, complete: read.complete, named: read.named, completion: read.completion })}\n`);
            else process.stderr.write(`cutover: ${tr.t('ledgerCmd.transcript.state', { workstation, artifact: artifactId, state: transcriptState(read, tr.lang) })}\n`);
            return;
          }
          await reader.waitForDoorbell(poll);
        }
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        await reader.close();
      }
    });
}

/**
 * `ledger publish --follow`'s transcript side, called on each of its ticks after the events went
 * out: publishes again when the vault's head moved or a step is writing a transcript. A ledger
 * without the table, or one that does not take them now, is said once per spell.
 */
export async function transcriptTicker(vault: ReadOnlyVault, signer: Signer, db: string | undefined, json?: boolean): Promise<() => Promise<void>> {
  const { drainTranscripts, writingTranscript, TRANSCRIPTS_NEED_INIT } = await import('../../core/ledger/transcripts-publish');
  let sharedAt = -1;
  let said: string | null = null;
  return async () => {
    const head = vault.head().seq;
    if (head === sharedAt && !writingTranscript(vault)) return;
    const shared = await drainTranscripts(vault, { signer, ...(db ? { db } : {}), timeoutMs: 10_000 });
    if (shared.state === 'published') {
      sharedAt = head;
      said = null;
      if (shared.chunks > 0 && json) process.stdout.write(`${JSON.stringify({ transcripts: { chunks: shared.chunks, bytes: shared.bytes } })}\n`);
      return;
    }
    // TRANSCRIPTS_NEED_INIT is the core's sentence (the window's outbox says it too), in English.
    const line = shared.state === 'needs-init' ? TRANSCRIPTS_NEED_INIT : cliWords().t('ledgerCmd.follow.transcriptsRetry', { reason: shared.reason.replace(/ Nothing half-done.*$/, '') });
    if (shared.state === 'needs-init') sharedAt = head;
    if (line !== said) process.stderr.write(`cutover: ${line}\n`);
    said = line;
  };
}

/** `ledger publish` (once): the transcripts after the events; a line saying what went out. */
export async function publishTranscriptsOnce(vault: ReadOnlyVault, signer: Signer, db: string | undefined): Promise<TranscriptPublishResult> {
  const { publishTranscripts, TRANSCRIPTS_NEED_INIT } = await import('../../core/ledger/transcripts-publish');
  const result = await publishTranscripts(vault, { signer, ...(db ? { db } : {}) });
  if (result.needsInit) process.stderr.write(`cutover: ${TRANSCRIPTS_NEED_INIT}.\n`);
  return result;
}
