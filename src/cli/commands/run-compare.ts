// `cutover run compare`: a production run against the rehearsal it is bound to, step by step
// (opens the vault read-only). Exit 0 when every compared step matches or its deviation was
// accepted, 1 when a step differs and nobody accepted it, 2 on bad input.
import type { Command } from 'commander';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { printJson } from '../format';
import { outputLang } from '../lang';
import { translator } from '../../shared/i18n';
import { openVault } from './vault';

export function registerRunCompare(run: Command, setExit: (code: number) => void): void {
  run.command('compare')
    .description('production against its rehearsal, step by step: matches, differs (with what, the diff\'s evidence and who accepted it) or not in rehearsal (opens the vault read-only)')
    .argument('<run>', 'run id of a production run started with --rehearsal PACK')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON (the same document as the pack\'s rehearsal/comparison.json)')
    .action(async (runId: string, opts: { vault: string; json?: boolean }) => {
      const vault = await openVault(opts.vault, { readOnly: true });
      try {
        const { runStateIn } = await import('../../core/engine/state');
        const { formatComparison, runComparison } = await import('../../core/rehearsal/report');
        const state = runStateIn(vault, runId);
        if (!state) throw new CliUsageError(translator(outputLang()).t('engine.noRun', { run: runId }));
        const comparison = runComparison(vault, state);
        if (opts.json) printJson(comparison);
        else console.log(formatComparison(comparison, outputLang(state.runbook.language)));
        const unaccepted = comparison.steps.some((s) => s.verdict === 'differs' && s.deviation !== 'none' && s.accepted.length === 0);
        setExit(unaccepted ? EXIT_FAILED : EXIT_OK);
      } finally {
        vault.close();
      }
    });
}
