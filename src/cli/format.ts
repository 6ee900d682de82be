// Human output helpers shared by the commands.
import { readFileSync, statSync } from 'node:fs';
import type { VaultEvent, VerifyReport } from '../core/vault';
import { CliUsageError } from './errors';
import { translator, type Translator } from '../shared/i18n';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

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
  lines.push(tr.t('cli.vault.verify.artifacts', { n: r.artifacts, bytes: formatBytes(r.bytes) }));
  if (r.firstBadEvent) lines.push(tr.t('cli.vault.verify.firstBad', { ref: r.firstBadEvent.ref, message: r.firstBadEvent.message }));
  for (const a of r.badArtifacts) lines.push(tr.t('cli.vault.verify.badArtifact', { ref: a.ref, message: a.message }));
  if (r.corruption) lines.push(tr.t('cli.vault.verify.corruption', { message: r.corruption.message }));
  for (const a of r.incompleteArtifacts) lines.push(tr.t('cli.vault.verify.incomplete', { name: a.name, id: a.id, size: formatBytes(a.size), rest: a.sha256 ? `, sha256 ${a.sha256}` : tr.t('cli.vault.verify.stillWritten') }));
  return lines.join('\n');
}

/** A file the user named, read whole only when it is a regular file of at most `max` bytes. */
export function readBounded(path: string, max: number, what: string): Buffer {
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new CliUsageError(`The ${what} ${path} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(`No ${what} file at ${path}.`);
  }
  if (size > max) throw new CliUsageError(`The ${what} file ${path} is ${formatBytes(size)}; a ${what} is at most ${formatBytes(max)}. Is it the right file?`);
  return readFileSync(path);
}
