// Things a scribe or operator adds by hand: notes (one event each) and files or piped
// output kept as artifacts.
import type { Command } from 'commander';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { CliUsageError } from '../errors';
import { formatBytes, printJson } from '../format';
import { openVault } from './vault';
import { defaultActor } from '../actor';
import { cliWords } from '../lang';

export function registerRecord(program: Command): void {
  const note = program.command('note').description('add notes to the event chain');
  note.command('add')
    .description('append a note event; with --lines, one event per line read from standard input')
    .requiredOption('--vault <path>', 'vault file')
    .option('--actor <name>', 'who writes it (default: CUTOVER_ACTOR or your user name)')
    .option('--text <text>', 'the note')
    .option('--lines', 'read standard input and append one note per line as it arrives')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; actor?: string; text?: string; lines?: boolean; json?: boolean }) => {
      if (!opts.text && !opts.lines) throw new CliUsageError(cliWords().t('cmd.note.giveText'));
      const actor = opts.actor ?? defaultActor();
      const v = await openVault(opts.vault);
      try {
        if (opts.text) {
          const e = v.append({ actor, type: 'note', payload: { text: opts.text } });
          if (opts.json) printJson(e);
          else console.log(`#${e.seq} ${e.hash}`);
        }
        if (opts.lines) {
          let count = 0;
          for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
            if (line.length === 0) continue;
            v.append({ actor, type: 'note', payload: { text: line } });
            count += 1;
          }
          if (opts.json) printJson({ appended: count, head: v.head() });
          else console.log(cliWords().count('cmd.note.appended', count, { seq: v.head().seq }));
        }
      } finally {
        v.close();
      }
    });

  const artifact = program.command('artifact').description('evidence files kept inside the vault');
  artifact.command('add')
    .description('stream a file (or standard input) into the vault as an artifact, hashing it as it goes')
    .requiredOption('--vault <path>', 'vault file')
    .option('--name <name>', 'evidence file name (default: the file\'s name)')
    .option('--media-type <type>', 'media type', 'text/plain')
    .option('--actor <name>', 'who adds it (default: CUTOVER_ACTOR or your user name)')
    .option('--json', 'print JSON')
    .argument('[file]', 'file to add; standard input when omitted or "-"')
    .action(async (file: string | undefined, opts: { vault: string; name?: string; mediaType: string; actor?: string; json?: boolean }) => {
      const fromStdin = file === undefined || file === '-';
      if (!fromStdin && !existsSync(file)) throw new CliUsageError(cliWords().t('cmd.artifact.noFile', { file }));
      if (!fromStdin && statSync(file).isDirectory()) throw new CliUsageError(cliWords().t('cmd.artifact.folder', { file }));
      const name = opts.name ?? (fromStdin ? undefined : basename(file));
      if (!name) throw new CliUsageError(cliWords().t('cmd.artifact.nameStdin'));
      const v = await openVault(opts.vault);
      try {
        const writer = v.createArtifact({ name, mediaType: opts.mediaType, actor: opts.actor ?? defaultActor() });
        const input: Readable = fromStdin ? process.stdin : createReadStream(file);
        for await (const chunk of input) writer.write(chunk as Buffer);
        const info = writer.finish();
        if (opts.json) printJson(info);
        else {
          const tr = cliWords();
          console.log(tr.t('cmd.artifact.added', { name: info.name, size: formatBytes(info.size, tr.lang), sha256: String(info.sha256), id: info.id }));
        }
      } finally {
        v.close();
      }
    });

  artifact.command('list')
    .description('list artifacts with sizes, hashes and state')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault);
      try {
        const list = v.artifacts();
        if (opts.json) printJson(list);
        else {
          const tr = cliWords();
          for (const a of list) console.log(`${a.id}  ${a.state.padEnd(10)} ${formatBytes(a.size, tr.lang).padStart(10)}  ${a.sha256 ?? tr.t('cmd.artifact.beingWritten')}  ${a.name}`);
        }
      } finally {
        v.close();
      }
    });

  artifact.command('cat')
    .description('write an artifact\'s bytes to standard output')
    .requiredOption('--vault <path>', 'vault file')
    .argument('<id>', 'artifact id (from `artifact list`)')
    .action(async (id: string, opts: { vault: string }) => {
      const v = await openVault(opts.vault);
      try {
        if (!v.artifacts().some((a) => a.id === id)) throw new CliUsageError(cliWords().t('cmd.artifact.unknown', { id }));
        for (const chunk of v.readArtifact(id)) {
          if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
        }
      } finally {
        v.close();
      }
    });
}
