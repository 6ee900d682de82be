// Human output helpers shared by the commands.
import { readFileSync, statSync } from 'node:fs';
import type { VaultEvent, VerifyReport } from '../core/vault';
import { CliUsageError } from './errors';
import { translator, type Lang, type Translator } from '../shared/i18n';
import { formatBytes } from '../shared/bytes';
import { outputLang } from './lang';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Sizes as the CLI writes them: "68.4 KiB", "68,4 KiB" in Spanish (src/shared/bytes.ts). */
export { formatBytes };

function summarize(payload: unknown): string {
  const text = JSON.stringify(payload);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatEvent(e: VaultEvent): string {
  return `#${String(e.seq).padEnd(5)} ${e.at}  ${e.actor.padEnd(12)} ${e.type.padEnd(26)} ${e.hash.slice(0, 12)}  ${summarize(e.payload)}`;
}

/** `vault verify` for people, in `tr`'s language (the vault's own messages as core words them). */
export function formatVerify(path: string, r: VerifyReport, tr: Translator = translator('en')): string {
  const lines = [tr.t('cli.vault.verify.head', { vault: path, result: tr.t(r.ok ? 'cli.vault.verify.ok' : 'cli.vault.verify.failed') })];
  lines.push(tr.t('cli.vault.verify.events', { n: r.events, head: r.headHash }));
  lines.push(tr.t('cli.vault.verify.artifacts', { n: r.artifacts, bytes: formatBytes(r.bytes, tr.lang) }));
  if (r.firstBadEvent) lines.push(tr.t('cli.vault.verify.firstBad', { ref: r.firstBadEvent.ref, message: r.firstBadEvent.message }));
  for (const a of r.badArtifacts) lines.push(tr.t('cli.vault.verify.badArtifact', { ref: a.ref, message: a.message }));
  if (r.corruption) lines.push(tr.t('cli.vault.verify.corruption', { message: r.corruption.message }));
  for (const a of r.incompleteArtifacts) lines.push(tr.t('cli.vault.verify.incomplete', { name: a.name, id: a.id, size: formatBytes(a.size, tr.lang), rest: a.sha256 ? `, sha256 ${a.sha256}` : tr.t('cli.vault.verify.stillWritten') }));
  return lines.join('\n');
}

/** What a file the user names holds, as readBounded's refusals name it (a catalogue key each). */
const WHAT = {
  answers: 'answers', plan: 'plan', signature: 'signature', act: 'act', fingerprint: 'fingerprint', 'public key': 'publicKey', statement: 'statement',
} as const;
export type InputFile = keyof typeof WHAT;

/**
 * A file the user named, read whole only when it is a regular file of at most `max` bytes; refused
 * (exit 2) in `lang`, by default the language asked for with --lang / CUTOVER_LANG.
 */
export function readBounded(path: string, max: number, what: InputFile, lang: Lang = outputLang()): Buffer {
  const tr = translator(lang);
  const word = WHAT[what];
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new CliUsageError(tr.t('input.read.notAFile', { the: tr.t(`input.the.${word}`), path }));
    size = info.size;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(tr.t('input.read.noFile', { what: tr.t(`input.what.${word}`), path }));
  }
  if (size > max) throw new CliUsageError(tr.t('input.read.tooLarge', { what: tr.t(`input.what.${word}`), path, size: formatBytes(size, lang), max: formatBytes(max, lang) }));
  return readFileSync(path);
}
