// `cutover ledger offer|approve|decide|receive`: acting from your own machine through the team
// ledger. The operator offers a run's plan; an approver signs it on their own workstation; a
// decider signs the GO / NO-GO (or a rollback, stop, retry) there too; the operator's workstation
// receives each and records it through the engine, checked exactly like a file signed elsewhere.
// Each command appends to its own vault, and the CLI's hook publishes it (ledger-outbox.ts).
import type { Command } from 'commander';
import type { PlanDocument } from '../../core/engine';
import type { LedgerDecision, LedgerStepAct } from '../../core/ledger';
import type { Vault } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_FAILED } from '../errors';
import { printJson } from '../format';
import { readPassphrase } from '../passphrase';
import { openVault } from './vault';
import { outputLang, cliWords } from '../lang';
import { translator, type Translator } from '../../shared/i18n';

const ledgerCore = () => import('../../core/ledger');
const keyPassphrase = () => readPassphrase('CUTOVER_KEY_PASSPHRASE', cliWords().t('cli.passphrase.yourKey'));

function planText(plan: PlanDocument, tr: Translator): string {
  // The environment in the language's word (as the War room's timeline says it); any other name as it is.
  const environment = tr.lang !== 'en' && (plan.environment === 'production' || plan.environment === 'rehearsal') ? tr.t(`env.${plan.environment}`) : plan.environment;
  const lines = [tr.t('ledgerCmd.plan.head', { run: plan.runId, runbook: plan.runbook.id, version: plan.runbook.version, hash: plan.runbook.hash.slice(0, 12), environment, operator: plan.operator, quorum: plan.quorum })];
  for (const s of plan.steps) lines.push(tr.t('ledgerCmd.plan.step', { step: s.stepId, kind: s.kind, target: s.target.name, address: s.target.address, command: s.command.split('\n')[0] ?? '' }));
  return lines.join('\n');
}

/** A sent or received item's status as a column 8 wide in English (wider where the language's words are). */
function statusColumn(tr: Translator, status: 'recorded' | 'waiting' | 'refused'): string {
  const word = (s: typeof status) => tr.t(`ledgerCmd.status.${s}`);
  const width = Math.max(8, ...(['recorded', 'waiting', 'refused'] as const).map((s) => word(s).length));
  return word(status).padEnd(width);
}

async function withVault<T>(path: string, fn: (vault: Vault) => Promise<T>): Promise<T> {
  const vault = await openVault(path);
  try {
    return await fn(vault);
  } finally {
    vault.close();
  }
}

function decisionOf(opts: DecideOpts): LedgerDecision {
  const record = { rootCause: opts.rootCause, riskTier: opts.riskTier, drift: opts.drift, authorization: opts.authorization, note: opts.note };
  const given = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, string>;
  if (opts.decision !== undefined) {
    if (Object.keys(given).length) throw new CliUsageError(cliWords().t('ledgerCmd.decide.both'));
    if (!['rollback', 'stop', 'retry'].includes(opts.decision)) throw new CliUsageError(cliWords().t('ledgerCmd.decide.kind'));
    if (!opts.reason?.trim()) throw new CliUsageError(cliWords().t('ledgerCmd.decide.reason'));
    return { kind: 'run.decide', decision: opts.decision as 'rollback' | 'stop' | 'retry', reason: opts.reason, ...(opts.step ? { stepId: opts.step } : {}) };
  }
  if (opts.reason !== undefined || opts.step !== undefined) throw new CliUsageError(cliWords().t('ledgerCmd.decide.reasonStep'));
  if (!Object.keys(given).length) throw new CliUsageError(cliWords().t('ledgerCmd.decide.nothing'));
  if (given.authorization !== undefined) {
    const a = given.authorization.trim().toLowerCase();
    if (a !== 'approved' && a !== 'rejected') throw new CliUsageError(cliWords().t('ledgerCmd.decide.authorization', { value: given.authorization }));
    given.authorization = a === 'approved' ? 'Approved' : 'Rejected';
  }
  return { kind: 'decision.record', input: given };
}

/** --value NAME=VALUE, repeated (a record step's fields). */
function valuesOf(given: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of given) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliUsageError(cliWords().t('ledgerCmd.value.shape', { value: v }));
    const name = v.slice(0, i);
    if (name in out) throw new CliUsageError(cliWords().t('ledgerCmd.value.twice', { name }));
    out[name] = v.slice(i + 1);
  }
  return out;
}

interface StepActOpts { vault: string; runbook: string; db?: string; as?: string; json?: boolean; value?: string[]; note?: string; reason?: string }

/** `ledger record|done|skip`: the same shape as `ledger attest`, one act kind each. */
function registerStepActs(ledger: Command): void {
  const acts = [
    { name: 'record', kind: 'step.record', description: 'record, on your own workstation, the values of a record step of a run the ledger holds (the scribe\'s snapshot id, a release SHA): checked against the runbook (your copy, the exact one the run follows by its sha256) and the run\'s state as the operator\'s chain holds it, signed with your own key and sent to the operator\'s workstation, which checks it again and records it (by itself while its run waits, or `ledger receive`)', step: 'the record step' },
    { name: 'done', kind: 'step.done', description: 'mark, on your own workstation, a manual step of a run the ledger holds done (the DB owner\'s manual step): checked, signed and sent like `ledger record`', step: 'the manual step' },
    { name: 'skip', kind: 'step.skip', description: 'skip, on your own workstation, a step of a run the ledger holds, with the reason (a role the runbook lets skip, never while the run is BLOCKED): checked, signed and sent like `ledger record`', step: 'the step' },
  ] as const;
  for (const a of acts) {
    const command = ledger.command(a.name)
      .description(a.description)
      .argument('<run>', 'run id')
      .argument('<step>', a.step)
      .requiredOption('--vault <path>', 'your own vault (joined to the same ledger)')
      .requiredOption('--runbook <file>', 'the runbook the run follows');
    if (a.name === 'record') command.option('--value <NAME=VALUE...>', 'a field value (each field once)');
    if (a.name === 'done') command.option('--note <text>', 'what was done');
    if (a.name === 'skip') command.requiredOption('--reason <text>', 'why it is skipped (kept as evidence)');
    command
      .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
      .option('--as <name>', 'your name in the operator\'s vault (default: the identity its chain holds for your key)')
      .option('--json', 'print JSON')
      .action(async (runId: string, stepId: string, opts: StepActOpts) => {
        const act: LedgerStepAct = a.kind === 'step.record' ? { kind: a.kind, values: valuesOf(opts.value) }
          : a.kind === 'step.done' ? { kind: a.kind, ...(opts.note !== undefined ? { note: opts.note } : {}) }
          : { kind: a.kind, reason: opts.reason ?? '' };
        if (act.kind === 'step.skip' && !act.reason.trim()) throw new CliUsageError(cliWords().t('ledgerCmd.skip.reason'));
        const { loadRunbookFile } = await import('../../core/runbook');
        // The lines follow the runbook's language (--lang / CUTOVER_LANG when it names none).
        const { text, runbook } = loadRunbookFile(opts.runbook, outputLang());
        const tr = translator(outputLang(runbook.language));
        const { stepActThroughLedger } = await ledgerCore();
        await withVault(opts.vault, async (vault) => {
          const result = await stepActThroughLedger(vault, { runId, stepId, act, runbookText: text, ...(opts.as ? { as: opts.as } : {}), ...(opts.db ? { db: opts.db } : {}), passphrase: keyPassphrase });
          if (opts.json) printJson(result);
          else {
            const detail = Object.entries(result.what).filter(([, v]) => v !== null).map(([k, v]) => (k === 'values' ? Object.entries(v as Record<string, string>).map(([f, x]) => `${f}=${x}`).join(', ') : `${k}: ${String(v)}`)).join('; ');
            console.log(tr.t(result.sent ? 'ledgerCmd.act.signed' : 'ledgerCmd.act.already', { act: result.act, step: stepId, run: runId, name: result.by.name, fingerprint: result.by.fingerprint, detail: detail ? ` — ${detail}` : '', workstation: result.to.workstation }));
          }
        });
      });
  }
}

interface DecideOpts { vault: string; db?: string; as?: string; authorization?: string; note?: string; rootCause?: string; riskTier?: string; drift?: string; decision?: string; reason?: string; step?: string; json?: boolean }

export function registerLedgerTeam(ledger: Command, setExit: (code: number) => void): void {
  ledger.command('offer')
    .description('offer a run\'s plan to the team: its exact bytes go into this vault\'s chain (ledger.plan_offered) and out to the ledger, for approvers to sign on their own workstations with `cutover ledger approve`')
    .argument('<run>', 'run id')
    .requiredOption('--vault <path>', 'the operator\'s vault (joined to the ledger)')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { vault: string; json?: boolean }) => {
      const { offerPlan } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = offerPlan(vault, runId, defaultActor());
        if (opts.json) printJson(result);
        else {
          // In the run's language: the runbook's `language:`, else --lang / CUTOVER_LANG.
          const { runStateIn } = await import('../../core/engine/state');
          const tr = translator(outputLang(runStateIn(vault, runId)?.runbook.language));
          console.log(`${tr.t(result.offered ? 'ledgerCmd.offer.offered' : 'ledgerCmd.offer.already', { run: runId, n: result.entries, digest: result.planDigest, seq: result.seq })}\n${tr.t('ledgerCmd.offer.approvers', { run: runId })}`);
        }
      });
    });

  ledger.command('approve')
    .description('sign, on your own workstation, the plan the operator offered through the ledger: read from the operator\'s checked chain, signed with your vault owner\'s key, sent as an event of your own chain; the operator\'s `ledger receive` records it')
    .argument('<run>', 'run id')
    .requiredOption('--vault <path>', 'your own vault (joined to the same ledger; its owner is you, the approver)')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--dry-run', 'show the plan that would be signed; sign and send nothing')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { vault: string; db?: string; dryRun?: boolean; json?: boolean }) => {
      const { approveThroughLedger } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = await approveThroughLedger(vault, { runId, ...(opts.db ? { db: opts.db } : {}), dryRun: Boolean(opts.dryRun), passphrase: keyPassphrase });
        if (opts.json) printJson(result);
        else {
          const tr = cliWords();
          console.log(planText(result.plan, tr));
          console.log(result.dryRun ? tr.t('ledgerCmd.approve.dryRun', { digest: result.planDigest, workstation: result.to.workstation })
            : tr.t(result.sent ? 'ledgerCmd.approve.signed' : 'ledgerCmd.approve.already', { digest: result.planDigest, fingerprint: result.fingerprint, workstation: result.to.workstation }));
        }
      });
    });

  ledger.command('decide')
    .description('sign, on your own workstation, a decision on a run the ledger holds: the formal decision (the GO / NO-GO: --authorization Approved|Rejected, --root-cause, --risk-tier, --drift) or --decision rollback|stop|retry; sent to the operator\'s workstation, whose `ledger receive` checks and records it')
    .argument('<run>', 'run id')
    .requiredOption('--vault <path>', 'your own vault (joined to the same ledger)')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--as <name>', 'your name in the operator\'s vault (default: the identity its chain holds for your key)')
    .option('--authorization <value>', 'the production cutover authorization: Approved (GO) or Rejected (NO-GO)')
    .option('--note <text>', 'a note with the authorization')
    .option('--root-cause <text>', 'root-cause classification')
    .option('--risk-tier <text>', 'risk tier')
    .option('--drift <text>', 'drift detected')
    .option('--decision <decision>', 'rollback, stop or retry (with --reason; retry with --step)')
    .option('--reason <text>', 'why (with --decision)')
    .option('--step <step>', 'the step to retry (with --decision retry)')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: DecideOpts) => {
      const decision = decisionOf(opts);
      const { decideThroughLedger } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = await decideThroughLedger(vault, { runId, decision, ...(opts.as ? { as: opts.as } : {}), ...(opts.db ? { db: opts.db } : {}), passphrase: keyPassphrase });
        if (opts.json) printJson(result);
        else console.log(cliWords().t('ledgerCmd.decide.signed', { act: result.act.act, run: runId, name: result.act.by.name, fingerprint: result.act.by.fingerprint, what: Object.entries(result.act.what).map(([k, v]) => `${k}=${String(v)}`).join(', '), workstation: result.to.workstation }));
      });
    });

  ledger.command('attest')
    .description('confirm, on your own workstation, an attest step of a run the ledger holds: the statement is read from your copy of the runbook (the exact runbook the run follows, checked by its sha256), shown, signed with your own key and sent to the operator\'s workstation, which records it (by itself while its run waits, or `ledger receive`)')
    .argument('<run>', 'run id')
    .argument('<step>', 'the attest step')
    .requiredOption('--vault <path>', 'your own vault (joined to the same ledger)')
    .requiredOption('--runbook <file>', 'the runbook the run follows')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--as <name>', 'your name in the operator\'s vault (default: the identity its chain holds for your key)')
    .option('--json', 'print JSON')
    .action(async (runId: string, stepId: string, opts: { vault: string; runbook: string; db?: string; as?: string; json?: boolean }) => {
      const { loadRunbookFile } = await import('../../core/runbook');
      // The lines follow the runbook's language (--lang / CUTOVER_LANG when it names none).
      const { text, runbook } = loadRunbookFile(opts.runbook, outputLang());
      const tr = translator(outputLang(runbook.language));
      const { attestThroughLedger } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = await attestThroughLedger(vault, { runId, stepId, runbookText: text, ...(opts.as ? { as: opts.as } : {}), ...(opts.db ? { db: opts.db } : {}), passphrase: keyPassphrase });
        if (opts.json) printJson(result);
        else console.log(tr.t(result.sent ? 'ledgerCmd.attest.attested' : 'ledgerCmd.attest.already', { step: stepId, run: runId, name: result.by.name, fingerprint: result.by.fingerprint, statement: result.statement, workstation: result.to.workstation }));
      });
    });

  registerStepActs(ledger);

  ledger.command('checkpoint')
    .description('ask the ledger for the row it holds at the vault\'s head (or, with RUN, at the event a pack of that run is anchored at), check it against the vault, and record it in the chain (ledger.checkpoint); the run\'s pack carries it as ledger/checkpoints.json: record it before exporting the pack for signatures')
    .argument('[run]', 'the run whose pack anchor to witness')
    .requiredOption('--vault <path>', 'vault file (joined to the ledger)')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--json', 'print JSON')
    .action(async (runId: string | undefined, opts: { vault: string; db?: string; json?: boolean }) => {
      const { recordCheckpoint } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = await recordCheckpoint(vault, { ...(opts.db ? { db: opts.db } : {}), ...(runId !== undefined ? { runId } : {}), actor: defaultActor() });
        const c = result.checkpoint;
        if (opts.json) printJson(result);
        else {
          const tr = cliWords();
          console.log(tr.t('ledgerCmd.checkpoint.recorded', { seq: result.seq, ledger: c.ledger, workstation: c.workstation, at: c.seq, hash: c.hash.slice(0, 12), publishedAt: tr.stamp(c.publishedAt) }));
        }
      });
    });

  ledger.command('sent')
    .description('what this vault sent through the ledger (approvals, signed acts) and what became of each: recorded (the addressee\'s checked chain holds it), refused (with the reason the addressee signed), or waiting; exit 1 when any was refused')
    .requiredOption('--vault <path>', 'your own vault (joined to the ledger)')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; db?: string; json?: boolean }) => {
      const { sentStatus } = await ledgerCore();
      await withVault(opts.vault, async (vault) => {
        const result = await sentStatus(vault, opts.db ? { db: opts.db } : {});
        if (opts.json) printJson(result);
        else {
          const tr = cliWords();
          if (!result.items.length) console.log(tr.t('ledgerCmd.sent.none'));
          for (const i of result.items) console.log(tr.t('ledgerCmd.sent.item', { status: statusColumn(tr, i.status), seq: i.seq, kind: i.kind, step: i.step ? ` ${i.step}` : '', run: i.runId, to: i.to, detail: i.detail }));
        }
        if (result.items.some((i) => i.status === 'refused')) setExit(EXIT_FAILED);
      });
    });

  ledger.command('receive')
    .description('take what the team sent this vault through the ledger (approvals of its plans, signed acts, decisions) and record each through the engine, checked like a file signed elsewhere; refusals append nothing, are named (exit 1) and go back to their senders signed with the owner\'s key (they see them with `ledger sent`). Reads only what was published after the heads this vault received up to (kept in <vault>.ledger-heads/), checking the row at each head is unchanged')
    .requiredOption('--vault <path>', 'the operator\'s vault (joined to the ledger)')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--from-start', 'read every chain from its first event again (earlier refusals are named again; nothing is recorded twice)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; db?: string; fromStart?: boolean; json?: boolean }) => {
      const { receiveFromLedger, publisherKey } = await ledgerCore();
      const { describeProblemIn } = await import('../../core/war-room/finding-words');
      const tr = cliWords();
      await withVault(opts.vault, async (vault) => {
        // The owner's key signs the refusals sent back to their senders; without it they are only named here.
        let keyProblem: string | null = null;
        const signer = await publisherKey(vault, { passphrase: keyPassphrase }).catch((error: unknown) => {
          keyProblem = error instanceof Error ? error.message : String(error);
          return undefined;
        });
        const result = await receiveFromLedger(vault, { ...(opts.db ? { db: opts.db } : {}), fromStart: Boolean(opts.fromStart), ...(signer ? { signer } : {}) });
        const refused = result.items.filter((i) => i.status === 'refused');
        if (opts.json) printJson(result);
        else {
          const fresh = result.items.filter((i) => i.status === 'recorded');
          console.log(tr.t('ledgerCmd.receive.summary', { recorded: fresh.length, already: result.items.length - fresh.length - refused.length, refused: refused.length }));
          for (const i of result.items.filter((x) => x.status !== 'already')) console.log(tr.t('ledgerCmd.receive.item', { status: statusColumn(tr, i.status === 'recorded' ? 'recorded' : 'refused'), from: i.from, seq: i.seq, kind: i.kind, run: i.runId, by: i.by, message: i.message }));
        }
        for (const i of refused) process.stderr.write(`cutover: ${tr.t('ledgerCmd.receive.refused', { kind: i.kind, from: i.from, seq: i.seq, run: i.runId, by: i.by, message: i.message })}\n`);
        for (const p of result.problems) process.stderr.write(`cutover: ${tr.t('ledgerCmd.problem', { problem: describeProblemIn(tr.lang, p) })}\n`);
        if (refused.length && keyProblem) process.stderr.write(`cutover: ${tr.t('ledgerCmd.receive.noKey', { problem: String(keyProblem) })}\n`);
        if (result.told?.state === 'needs-init') process.stderr.write(`cutover: ${tr.t('ledgerCmd.receive.needsInit')}\n`);
        if (result.told?.state === 'failed') process.stderr.write(`cutover: ${tr.t('ledgerCmd.receive.notTold', { reason: result.told.reason })}\n`);
        if (refused.length || result.problems.length) setExit(EXIT_FAILED);
      });
    });
}
