// `cutover act export|import`: an act by someone who is not at this workstation. They sign the
// exported file on their own machine with plain `ssh-keygen -Y sign -n cutover-act-v1`, and the
// operator imports it; the engine checks it exactly as an act signed here.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { ActInput } from '../../core/engine';
import type { Vault } from '../../core/vault';
import { CliUsageError } from '../errors';
import { printJson, readBounded } from '../format';
import { outputLang, requestedLang } from '../lang';
import { translator, type Translator } from '../../shared/i18n';
import { openVault } from './vault';

function parseValues(tr: Translator, values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliUsageError(tr.t('cmd.act.value', { value: v }));
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

interface ExportOpts { vault: string; as: string; out: string; decision?: string; reason?: string; value?: string[]; note?: string; skip?: boolean; acceptDeviation?: string; json?: boolean }

const STEP_KINDS = ['attest', 'record', 'check', 'command', 'manual', 'monitor', 'http'] as const;

/** Which act the options describe; the step's kind says the rest. Refused in `tr`'s language (the run's). */
function actInput(tr: Translator, stepKind: string | null, stepId: string | undefined, opts: ExportOpts): ActInput {
  if (opts.decision) {
    if (!['retry', 'rollback', 'stop'].includes(opts.decision)) throw new CliUsageError(tr.t('engine.cli.decision'));
    if (!opts.reason?.trim()) throw new CliUsageError(tr.t('cmd.act.reason'));
    return { kind: 'run.decide', decision: opts.decision as 'retry' | 'rollback' | 'stop', reason: opts.reason, ...(stepId ? { stepId } : {}) };
  }
  if (!stepId) throw new CliUsageError(tr.t('cmd.act.nameStep'));
  if (opts.acceptDeviation !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(opts.acceptDeviation)) throw new CliUsageError(tr.t('cmd.act.acceptDeviation'));
    return { kind: 'deviation.accept', stepId, diffSha256: opts.acceptDeviation };
  }
  if (opts.skip) {
    if (!opts.reason?.trim()) throw new CliUsageError(tr.t('cmd.act.skipReason'));
    return { kind: 'step.skip', stepId, reason: opts.reason };
  }
  if (stepKind === 'attest') return { kind: 'step.attest', stepId };
  if (stepKind === 'record') return { kind: 'step.record', stepId, values: parseValues(tr, opts.value) };
  if (stepKind === 'manual') return { kind: 'step.done', stepId, ...(opts.note ? { note: opts.note } : {}) };
  const kind = stepKind === null ? tr.t('cmd.act.unknownKind') : (STEP_KINDS as readonly string[]).includes(stepKind) ? tr.t(`stepKind.${stepKind as (typeof STEP_KINDS)[number]}`) : stepKind;
  throw new CliUsageError(tr.t('cmd.act.notSignable', { step: stepId, kind }));
}

async function engineOver(vault: Vault) {
  const { RunEngine } = await import('../../core/engine');
  const { createExecutor } = await import('../../core/targets/registry');
  return new RunEngine(vault, { actor: 'system', executors: createExecutor, language: requestedLang() });
}

export function registerAct(program: Command): void {
  const act = program.command('act').description('acts signed elsewhere: export one for a person to sign with ssh-keygen, import it signed');

  act.command('export')
    .description('write the act a person signs on their own machine: `ssh-keygen -Y sign -n cutover-act-v1 -f KEY act.json`')
    .argument('<run>', 'run id').argument('[step]', 'step id (attest, record, manual; with --skip any step; with --decision retry, the step to retry)')
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--as <name>', 'who will sign it: an identity in this vault')
    .requiredOption('--out <file>', 'where to write the act')
    .option('--value <NAME=VALUE...>', 'record steps: a field value')
    .option('--note <text>', 'manual steps: what was done')
    .option('--skip', 'skip the step (with --reason)')
    .option('--decision <decision>', 'a decision on the run: retry, rollback or stop (with --reason)')
    .option('--reason <text>', 'why (skip, decision)')
    .option('--accept-deviation <sha256>', 'an approver accepts the deviation from the rehearsal the run is blocked on at STEP: the sha256 of its diff (`cutover run compare`)')
    .option('--json', 'print JSON')
    .action(async (runId: string, stepId: string | undefined, opts: ExportOpts) => {
      // Exporting reads only: the read-only handle refuses writes, so only its type is widened.
      const vault = (await openVault(opts.vault, { readOnly: true })) as Vault;
      try {
        const engine = await engineOver(vault);
        const state = engine.status(runId);
        // Said in the run's language (its runbook's, else --lang / CUTOVER_LANG), as the engine's own refusals are.
        const tr = translator(outputLang(state.runbook.language));
        const stepKind = stepId ? (state.steps.get(stepId)?.kind ?? null) : null;
        if (stepId && !stepKind) throw new CliUsageError(tr.t('cmd.act.noStep', { step: stepId }));
        const { doc, bytes } = engine.exportAct(runId, opts.as, actInput(tr, stepKind, stepId, opts));
        writeFileSync(opts.out, bytes);
        if (opts.json) printJson({ out: opts.out, act: doc });
        else console.log(tr.t('cli.act.written', { act: `${doc.act}${doc.step ? ` ${doc.step}` : ''}`, name: doc.by.name, fingerprint: doc.by.fingerprint, out: opts.out, vault: opts.vault }));
      } finally {
        vault.close();
      }
    });

  act.command('import')
    .description('apply an act signed elsewhere; checked like an act signed here (signature, proven identity, role, run state)')
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--act <file>', 'the act file as exported (unchanged)')
    .requiredOption('--signature <file>', 'its .sig file from ssh-keygen -Y sign -n cutover-act-v1')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; act: string; signature: string; json?: boolean }) => {
      const text = readBounded(opts.act, 64 << 10, 'act').toString('utf8');
      const signature = readBounded(opts.signature, 64 << 10, 'signature').toString('utf8');
      const vault = await openVault(opts.vault);
      try {
        const engine = await engineOver(vault);
        const state = await engine.importAct({ text, signature });
        const { parseAct } = await import('../../core/acts');
        const doc = parseAct(text);
        if (opts.json) printJson({ runId: state.runId, status: state.status, act: doc.act, step: doc.step, by: doc.by });
        else {
          const tr = translator(outputLang(state.runbook.language));
          console.log(tr.t('cli.act.imported', { act: `${doc.act}${doc.step ? ` ${doc.step}` : ''}`, name: doc.by.name, fingerprint: doc.by.fingerprint, status: tr.t(`runStatus.${state.status}`) }));
        }
      } finally {
        vault.close();
      }
    });
}
