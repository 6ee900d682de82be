// `cutover runbook validate|import|schema`: check a runbook file before a window (compiler-style
// `FILE:LINE:COL: message` lines, so editors and CI logs link to the place), draft one from a
// Markdown runbook, and print the format's JSON Schema for editors.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedRunbook, LocatedStep, RunbookIssue } from '../../core/runbook';
// The runbook format (zod, yaml) loads inside the actions; errors.ts imports only the shared
// catalogue and is the same module the runbook index re-exports.
import { formatIssue, RunbookError } from '../../core/runbook/errors';
import { CliUsageError } from '../errors';
import { printJson } from '../format';
import { outputLang } from '../lang';
import { translator } from '../../shared/i18n';

export interface RunbookSummary {
  id: string;
  version: string;
  title: string;
  sha256: string;
  phases: number;
  /** Every step: preconditions, phase steps and rollback steps. */
  steps: number;
  preconditions: number;
  rollbackSteps: number;
  /** Command steps: each needs approval before it runs. */
  commands: number;
}

/** `steps`: allSteps(loaded.runbook). */
export function summarizeRunbook(loaded: LoadedRunbook, steps: LocatedStep[]): RunbookSummary {
  const { runbook } = loaded;
  return {
    id: runbook.id,
    version: runbook.version,
    title: runbook.title,
    sha256: loaded.hash,
    phases: runbook.phases.length,
    steps: steps.length,
    preconditions: runbook.preconditions.length,
    rollbackSteps: runbook.rollback?.steps.length ?? 0,
    commands: steps.filter((s) => s.step.kind === 'command').length,
  };
}

function issueJson(issue: RunbookIssue) {
  return { severity: issue.severity, stage: issue.stage, line: issue.line, column: issue.column, path: issue.path, message: issue.message };
}

export function registerRunbook(program: Command): void {
  const runbook = program.command('runbook').description('check runbook files and export the runbook format');

  runbook.command('validate')
    .description('validate a runbook file: YAML, the format, and cross-references (exit 0 valid, 2 invalid or unreadable)')
    .argument('<file>', 'runbook YAML file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { allSteps, loadRunbookFile } = await import('../../core/runbook');
      let loaded: LoadedRunbook;
      try {
        // Messages in the runbook's `language:`, else --lang / CUTOVER_LANG, else English.
        loaded = loadRunbookFile(file, outputLang());
      } catch (error) {
        if (!(error instanceof RunbookError)) throw error;
        const errors = error.errors;
        if (opts.json) printJson({ file, ok: false, issues: error.issues.map(issueJson) });
        else for (const issue of error.issues) process.stderr.write(`${formatIssue(file, issue, error.lang)}\n`);
        throw new CliUsageError(translator(error.lang).count('runbook.cli.invalid', errors.length, { file }));
      }
      const summary = summarizeRunbook(loaded, allSteps(loaded.runbook));
      if (opts.json) {
        printJson({ file, ok: true, ...summary, issues: loaded.warnings.map(issueJson) });
        return;
      }
      const tr = translator(outputLang(loaded.runbook.language));
      for (const warning of loaded.warnings) process.stderr.write(`${formatIssue(file, warning, tr.lang)}\n`);
      console.log(tr.t('runbook.cli.ok', {
        id: summary.id,
        version: summary.version,
        sha256: summary.sha256,
        phases: tr.count('runbook.cli.phases', summary.phases),
        steps: tr.count('runbook.cli.steps', summary.steps),
        needing: tr.count('runbook.cli.needingApproval', summary.commands),
      }));
    });

  runbook.command('import')
    .description('draft a runbook from a Markdown runbook: YAML with a `# from FILE.md:LINE` comment on every element, and a coverage report of what each source line became (exit 0 drafted, 2 not a runbook or unreadable)')
    .argument('<file>', 'Markdown runbook (.md, UTF-8, at most 1 MiB)')
    .option('--out <file>', 'write the draft YAML here (the report then goes to stdout); without it the YAML goes to stdout and the report summary to stderr')
    .option('--json', 'print the coverage report (and, without --out, the YAML) as JSON')
    .addHelpText('after', '\nThe draft validates with `cutover runbook validate` once its TODO values (targets, gate patterns, placeholders) are filled: the report lists each one.')
    .action(async (file: string, opts: { out?: string; json?: boolean }) => {
      const { importMarkdownFile, formatCoverage, MarkdownImportError } = await import('../../core/runbook/import');
      if (opts.out !== undefined && resolve(opts.out) === resolve(file)) throw new CliUsageError(translator(outputLang()).t('import.outIsSource', { out: opts.out }));
      let imported;
      try {
        imported = importMarkdownFile(file, basename(file), outputLang());
      } catch (error) {
        if (error instanceof MarkdownImportError) throw new CliUsageError(error.message);
        throw error;
      }
      if (opts.out !== undefined) writeDraft(opts.out, imported.yaml);
      const { coverage } = imported;
      if (opts.json) {
        printJson({ file, out: opts.out ?? null, ...(opts.out === undefined ? { yaml: imported.yaml } : {}), coverage });
        return;
      }
      if (opts.out !== undefined) {
        process.stdout.write(formatCoverage(coverage, outputLang()));
        console.log(translator(outputLang()).t('import.written', { out: opts.out, n: coverage.todos.length }));
      } else {
        process.stdout.write(imported.yaml);
        const tr = translator(outputLang());
        process.stderr.write(`${tr.t('import.summary', { source: coverage.source, percent: tr.number(coverage.percent), n: coverage.todos.length })}\n`);
      }
    });

  runbook.command('schema')
    .description('print the runbook format as JSON Schema (draft 2020-12), for editors')
    .action(async () => {
      const { runbookJsonSchema } = await import('../../core/runbook');
      printJson(runbookJsonSchema());
    });
}

/** Writes the draft beside its destination and renames it into place: never a half-written file. */
function writeDraft(path: string, yaml: string): void {
  const partial = `${path}.partial`;
  try {
    writeFileSync(partial, yaml, { flag: 'w' });
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new CliUsageError(translator(outputLang()).t('import.cannotWrite', { path, code: (error as NodeJS.ErrnoException).code ?? (error as Error).message }));
  }
}
