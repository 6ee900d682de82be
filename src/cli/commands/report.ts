// `cutover run decision`, `cutover run broadcasts`, `cutover report incident`,
// `cutover report decision`: the decision, the scribe's messages and the reports made from a
// run's evidence.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
// The evidence code (the engine, PDF rendering) loads inside the actions, not for --help.
import type { DecisionInput } from '../../core/reports/decision';
import type { Vault } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_OK } from '../errors';
import { printJson } from '../format';
import { outputLang, requestedLang } from '../lang';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { openVault } from './vault';

type SetExit = (code: number) => void;

/** What the command line got wrong, in --lang / CUTOVER_LANG (no runbook is read yet). */
const usageWords = (): Translator => translator(outputLang());
/** The words of what a run's command prints: its runbook's language, else --lang / CUTOVER_LANG, else English. */
const runWords = (state: { runbook: { language?: Lang } }): Translator => translator(outputLang(state.runbook.language));

interface CommonOpts {
  vault: string;
  actor?: string;
  json?: boolean;
}

function common(cmd: Command): Command {
  return cmd.requiredOption('--vault <path>', 'vault file').option('--json', 'print JSON');
}

async function withVault<T>(path: string, fn: (vault: Vault) => Promise<T> | T): Promise<T> {
  const vault = await openVault(path);
  try {
    return await fn(vault);
  } finally {
    vault.close();
  }
}

function authorizationOf(value: string | undefined): 'Approved' | 'Rejected' | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'approved') return 'Approved';
  if (v === 'rejected') return 'Rejected';
  throw new CliUsageError(usageWords().t('cmd.report.authorization', { value }));
}

const RUN_STATUSES = ['ACTIVE', 'BLOCKED', 'ROLLBACK', 'STOPPED', 'COMPLETED'] as const;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export function registerReport(program: Command, setExit: SetExit): void {
  // `run decision` and `run broadcasts` join the `run` command when it is already registered.
  const run = program.commands.find((c) => c.name() === 'run') ?? program.command('run').description('run a runbook step by step; every step is evidence in the vault');

  common(run.command('decision'))
    .description('the formal decision (Status, Target, Final revision, Heads state, Errors, Drift, Root cause, Risk tier, Authorization) and the GO / NO-GO statement; with options, records a person\'s part first')
    .argument('<run>', 'run id')
    .option('--root-cause <text>', 'root-cause classification')
    .option('--risk-tier <text>', 'risk tier (updated)')
    .option('--drift <text>', 'drift detected: overrides what the parity checks say')
    .option('--authorization <value>', 'production cutover authorization: Approved or Rejected (approvers only, never the run\'s operator)')
    .option('--note <text>', 'a note with the authorization (e.g. why it was rejected)')
    .option('--actor <name>', 'who records it: an identity in the vault (default: CUTOVER_ACTOR or your user name); signed with their key')
    .option('--key <file>', 'the recording person\'s private key file, brought for this command (never stored)')
    .option('--export <file>', 'write the decision act for --actor to sign on their own machine (ssh-keygen -Y sign -n cutover-act-v1) instead of recording it')
    .option('--act <file>', 'record a decision act signed elsewhere (with --signature)')
    .option('--signature <file>', 'the .sig of --act')
    .action(async (runId: string, opts: CommonOpts & { rootCause?: string; riskTier?: string; drift?: string; authorization?: string; note?: string; key?: string; export?: string; act?: string; signature?: string }) => {
      const input: DecisionInput = {};
      if (opts.rootCause !== undefined) input.rootCause = opts.rootCause;
      if (opts.riskTier !== undefined) input.riskTier = opts.riskTier;
      if (opts.drift !== undefined) input.drift = opts.drift;
      const authorization = authorizationOf(opts.authorization);
      if (authorization) input.authorization = authorization;
      if (opts.note !== undefined) input.note = opts.note;
      if (Boolean(opts.act) !== Boolean(opts.signature)) throw new CliUsageError(usageWords().t('cmd.report.actSignature'));
      if (opts.act && Object.keys(input).length) throw new CliUsageError(usageWords().t('cmd.report.actAlone'));
      const { decisionAct, decisionContext, formatDecision, recordDecision, recordDecisionHere } = await import('../../core/reports/decision');
      const actor = opts.actor ?? defaultActor();
      if (opts.export) {
        if (!Object.keys(input).length) throw new CliUsageError(usageWords().t('cmd.report.exportNothing'));
        const { actBytes } = await import('../../core/acts');
        const tr = await withVault(opts.vault, (vault) => {
          const bytes = actBytes(decisionAct(vault, runId, actor, input));
          // The line below is in the run's language (its runbook's, else --lang / CUTOVER_LANG).
          const words = runWords(decisionContext(vault, runId).state);
          writeFileSync(opts.export!, bytes);
          return words;
        });
        console.log(tr.t('cmd.report.exported', { actor, out: opts.export, vault: opts.vault, runId }));
        return;
      }
      const { readBounded } = await import('../format');
      const { actorKeyring } = await import('../keys');
      await withVault(opts.vault, async (vault) => {
        const recorded = opts.act
          ? recordDecision(vault, runId, { text: readBounded(opts.act, 64 << 10, 'act').toString('utf8'), signature: readBounded(opts.signature!, 64 << 10, 'signature').toString('utf8') })
          : Object.keys(input).length ? await recordDecisionHere(vault, runId, actor, input, await actorKeyring(vault, actor, opts.key)) : null;
        const { decision } = decisionContext(vault, runId, { language: requestedLang() });
        if (opts.json) printJson({ decision, recorded: recorded ? { seq: recorded.seq, at: recorded.at, actor: recorded.actor, hash: recorded.hash, input } : null });
        else {
          if (recorded) console.log(`${translator(decision.language).t('cmd.report.recorded', { actor: recorded.actor, seq: recorded.seq })}\n`);
          console.log(formatDecision(decision));
        }
      });
      setExit(EXIT_OK);
    });

  common(run.command('broadcasts'))
    .description('the checkpoint messages the scribe posts (cutover start, pre-flight, backup, deploy + smoke, canary, GO / NO-GO, rollback), from the run\'s evidence, ready to copy')
    .argument('<run>', 'run id')
    .action(async (runId: string, opts: CommonOpts) => {
      const { decisionContext } = await import('../../core/reports/decision');
      const { broadcasts, formatBroadcasts } = await import('../../core/reports/broadcasts');
      await withVault(opts.vault, (vault) => {
        const { model, decision } = decisionContext(vault, runId, { language: requestedLang() });
        const list = broadcasts(model, decision);
        if (opts.json) printJson(list);
        else console.log(formatBroadcasts(list, decision.language));
      });
    });

  const report = program.command('report').description('reports made from a run\'s evidence');

  common(report.command('incident'))
    .description('post-incident report of a failed or blocked run: Markdown and PDF, every claim pointing at its evidence and hash')
    .argument('<run>', 'run id')
    .requiredOption('--out <dir>', 'folder to write incident-<run>.md and incident-<run>.pdf into (created if missing)')
    .option('--force', 'overwrite existing report files')
    .action(async (runId: string, opts: CommonOpts & { out: string; force?: boolean }) => {
      if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) throw new CliUsageError(usageWords().t('cmd.report.notFolder', { out: opts.out }));
      const { decisionContext } = await import('../../core/reports/decision');
      const { writeIncidentReport } = await import('../../core/reports/incident');
      await withVault(opts.vault, async (vault) => {
        const { model, state } = decisionContext(vault, runId);
        const tr = runWords(state);
        const failed = model.steps.some((s) => s.status === 'FAIL' || s.status === 'INTERRUPTED');
        if (!failed && !model.run.blockedBy && !model.run.decisions.length) throw new CliUsageError(tr.t('cmd.report.noIncident', { runId }));
        const written = await writeIncidentReport(vault, runId, opts.out, { overwrite: Boolean(opts.force), language: requestedLang() });
        const f = written.report.failing;
        if (opts.json) {
          printJson({ runId, status: written.report.status, decision: { status: written.report.decision.status, goNoGo: written.report.decision.goNoGo }, failingStep: f ? { stepId: f.stepId, exitCode: f.exitCode, abortGates: f.abortGates, evidence: f.evidence } : null, files: [written.markdown, written.pdf].map((path) => ({ path, sha256: sha256(path) })) });
        } else {
          const status = written.report.status;
          const shown = (RUN_STATUSES as readonly string[]).includes(status) ? tr.t(`runStatus.${status as (typeof RUN_STATUSES)[number]}`) : status;
          const failedAt = f ? tr.t('cmd.report.failedAt', { step: f.stepId, gates: f.abortGates.length ? ` (${f.abortGates.map((a) => a.label).join(', ')})` : '' }) : '';
          console.log(tr.t('cmd.report.incident', { runId, status: shown, goNoGo: written.report.decision.goNoGo, failed: failedAt }));
          console.log(`  ${written.markdown}\n  ${written.pdf}`);
        }
      });
    });

  common(report.command('decision'))
    .description('decision.pdf of a run as it stands (unsigned preview: the decision pack carries the signed one)')
    .argument('<run>', 'run id')
    .requiredOption('--out <file>', 'PDF file to write')
    .option('--force', 'overwrite the file')
    .action(async (runId: string, opts: CommonOpts & { out: string; force?: boolean }) => {
      if (existsSync(opts.out) && !opts.force) throw new CliUsageError(usageWords().t('cmd.report.exists', { out: opts.out }));
      const { decisionContext } = await import('../../core/reports/decision');
      const { renderDecisionPdf } = await import('../../core/reports/pdf');
      await withVault(opts.vault, async (vault) => {
        const { state, model, decision } = decisionContext(vault, runId, { language: requestedLang() });
        const { quorum, role } = state.runbook.policy.approvals;
        const bytes = await renderDecisionPdf(model, decision, { policy: { quorum, role, rejection: 'veto' }, preview: true });
        mkdirSync(dirname(opts.out), { recursive: true });
        writeFileSync(opts.out, bytes);
        if (opts.json) printJson({ runId, path: opts.out, sha256: sha256(opts.out), bytes: bytes.length, decision: { status: decision.status, goNoGo: decision.goNoGo } });
        else console.log(translator(decision.language).t('cmd.report.decisionPdf', { runId, goNoGo: decision.goNoGo, status: decision.status, out: opts.out, bytes: bytes.length }));
      });
    });
}
