// `cutover run …`, `cutover plan export`, `cutover approve`, `cutover secret set`.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
// Core and its dependencies load inside the actions (`await import`), so `--help` and the other
// commands do not pay for them: keep the imports from core here `import type`.
import type { Answer, RunEngine, RunState } from '../../core/engine';
import type { Vault } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { printJson, readBounded } from '../format';
import { promptHidden, readPassphrase } from '../passphrase';
import { formatRun, outcomeFormatter } from '../run-format';
import { actorKeyring } from '../keys';
import { outputLang, requestedLang } from '../lang';
import { translate, translator, type Translator } from '../../shared/i18n';

/** The words of a run's CLI output: its runbook's language, else --lang / CUTOVER_LANG, else English. */
const runWords = (state: RunState): Translator => translator(outputLang(state.runbook.language));
const RUN_STATUS_WORDS = ['ACTIVE', 'BLOCKED', 'ROLLBACK', 'STOPPED', 'COMPLETED'] as const;
const statusWord = (tr: Translator, status: RunState['status']): string => tr.t(`runStatus.${status}`);
/** What the command line got wrong, said in --lang / CUTOVER_LANG (no runbook is read yet). */
const usageWords = (): Translator => translator(outputLang());
import { openVault } from './vault';
import { registerRunCompare } from './run-compare';

type SetExit = (code: number) => void;

interface CommonOpts {
  vault: string;
  actor?: string;
  key?: string;
  json?: boolean;
  acceptHostKey?: string[];
}

/** `--accept-host-key` pins, else a prompt (in `words`' language) on a terminal. What it throws is recorded with the step's failure, so it stays English there (a catalogue sentence, worded again on display). */
function hostKeyAcceptor(accepted: string[] = [], words: () => Translator = usageWords) {
  const pins = new Map<string, string>();
  for (const item of accepted) {
    const [target, fp] = item.split('=');
    if (!target || !fp?.startsWith('SHA256:')) throw new CliUsageError(usageWords().t('engine.cli.acceptHostKey', { item }));
    pins.set(target, fp);
  }
  return async (target: string, fingerprint: string): Promise<boolean> => {
    if (pins.has(target)) {
      if (pins.get(target) === fingerprint) return true;
      throw new CliUsageError(translate('en', 'failure.acceptor.mismatch', { target, fingerprint, accepted: pins.get(target)! }));
    }
    if (process.stdin.isTTY && process.stderr.isTTY) {
      const answer = await promptHidden(words().t('engine.cli.hostKeyPrompt', { target, fingerprint }));
      return answer.trim() === 'yes';
    }
    throw new CliUsageError(translate('en', 'failure.acceptor.firstConnection', { target, fingerprint }));
  };
}

/** An engine over the vault; `sign` loads the acting person's key (acts), reads leave it out and open the vault read-only. */
async function withEngine<T>(opts: CommonOpts, fn: (engine: RunEngine, vault: Vault) => Promise<T>, mode: { read?: boolean; unsigned?: boolean; runId?: string } = {}): Promise<T> {
  // A read-only handle refuses every write (in SQLite and in append), so the engine's read paths
  // are safe over it; only its type is widened here.
  const vault = (mode.read ? await openVault(opts.vault, { readOnly: true }) : await openVault(opts.vault)) as Vault;
  try {
    const { RunEngine } = await import('../../core/engine');
    const { createExecutor } = await import('../../core/targets/registry');
    const actor = opts.actor ?? defaultActor();
    // The host key prompt speaks the run's language once the engine can read the run.
    const words = (): Translator => (mode.runId ? runWords(engine.status(mode.runId)) : usageWords());
    const engine: RunEngine = new RunEngine(vault, {
      actor,
      keyring: mode.read || mode.unsigned ? undefined : await actorKeyring(vault, actor, opts.key),
      executors: createExecutor,
      confirmHostKey: hostKeyAcceptor(opts.acceptHostKey, words),
      onProgress: opts.json ? undefined : (u) => process.stderr.write(u.text),
      // The engine's refusals in --lang / CUTOVER_LANG where the runbook names no language.
      language: requestedLang(),
    });
    return await fn(engine, vault);
  } finally {
    vault.close();
  }
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--vault <path>', 'vault file')
    .option('--actor <name>', 'who acts: an identity in the vault (default: CUTOVER_ACTOR or your user name); the act is signed with their key')
    .option('--key <file>', 'the acting person\'s private key file, brought for this command (never stored); otherwise the owner\'s key or their key in ssh-agent')
    .option('--json', 'print JSON');
}

/** Reads leave out --actor and --key: they sign nothing. */
function reading(cmd: Command): Command {
  return cmd.requiredOption('--vault <path>', 'vault file').option('--json', 'print JSON');
}

function stateJson(state: RunState) {
  return { ...state, steps: [...state.steps.values()] };
}

function parseTargets(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliUsageError(usageWords().t('engine.cli.target', { value: v }));
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

/** --param NAME=VALUE, repeated; a name given twice is a mistake, not an override. */
function parseParams(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliUsageError(usageWords().t('engine.cli.param', { value: v }));
    const name = v.slice(0, i);
    if (Object.hasOwn(out, name)) throw new CliUsageError(usageWords().t('engine.cli.paramTwice', { name }));
    out[name] = v.slice(i + 1);
  }
  return out;
}

export function registerRun(program: Command, setExit: SetExit): void {
  const run = program.command('run').description('run a runbook step by step; every step is evidence in the vault');
  registerRunCompare(run, setExit);

  common(run.command('start'))
    .description('start a run: the runbook is stored in the vault by content hash')
    .requiredOption('--runbook <file>', 'runbook YAML')
    .requiredOption('--env <environment>', 'rehearsal or production')
    .option('--target <NAME=URI...>', 'point a runbook target elsewhere: postgresql://…, ssh://user@host:port, local')
    .option('--t0 <time>', 'the planned T-0 (HH:MM today, local time, or ISO 8601 with its zone): the window, the PDF, the timeline and the broadcasts count from it')
    .option('--param <NAME=VALUE>', 'set a runbook parameter (repeatable); its value is signed in the run\'s start and shown in the plan', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--rehearsal <pack>', 'production only: the rehearsal\'s decision pack (folder or zip); it must verify, rehearse these exact runbook bytes and have COMPLETED with a GO. The run and its plan are bound to it')
    .action(async (opts: CommonOpts & { runbook: string; env: string; target?: string[]; t0?: string; rehearsal?: string; param: string[] }) => {
      if (opts.env !== 'rehearsal' && opts.env !== 'production') throw new CliUsageError(usageWords().t('engine.cli.env'));
      const params = parseParams(opts.param);
      if (opts.rehearsal !== undefined && opts.env !== 'production') throw new CliUsageError(usageWords().t('engine.cli.rehearsalProduction'));
      const { loadRunbookFile } = await import('../../core/runbook');
      const { text, hash, runbook } = loadRunbookFile(opts.runbook, outputLang());
      // The rehearsal's pack is checked and what production is compared with is read from it, before anything is signed.
      const bound = opts.rehearsal === undefined ? undefined : await (await import('../../core/rehearsal/record')).bindRehearsalPack(opts.rehearsal, { runbookHash: hash }, { lang: outputLang(runbook.language) });
      await withEngine(opts, async (engine) => {
        const state = await engine.startRun({ text, source: opts.runbook, environment: opts.env as 'rehearsal' | 'production', targets: parseTargets(opts.target), params, ...(opts.t0 !== undefined ? { t0: opts.t0 } : {}), ...(bound ? { rehearsal: bound.binding, rehearsalRecord: bound.record } : {}) });
        if (opts.json) printJson(stateJson(state));
        else console.log(`${runWords(state).t('cli.run.started', { runId: state.runId })}\n${await formatRun(state)}`);
      });
    });

  reading(run.command('list')).description('list runs (opens the vault read-only)').action(async (opts: CommonOpts) => {
    await withEngine(opts, async (engine) => {
      const states = engine.runs().map((id) => engine.status(id));
      if (opts.json) printJson(states.map((s) => ({ runId: s.runId, status: s.status, runbook: s.runbook.id, version: s.runbook.version, environment: s.environment, startedAt: s.startedAt })));
      else {
        // Many runs, one language: the one asked for (--lang / CUTOVER_LANG); columns as wide as that language's longest word.
        const tr = translator(outputLang());
        const status = (v: string) => (RUN_STATUS_WORDS.includes(v as never) ? tr.t(`runStatus.${v as (typeof RUN_STATUS_WORDS)[number]}`) : v);
        const env = (v: string) => (v === 'production' || v === 'rehearsal' ? tr.t(`env.${v}`) : v);
        const statusWidth = Math.max(...RUN_STATUS_WORDS.map((w) => status(w).length));
        const envWidth = Math.max(env('production').length, env('rehearsal').length);
        for (const s of states) console.log(`${s.runId}  ${status(s.status).padEnd(statusWidth)} ${env(s.environment).padEnd(envWidth)} ${s.runbook.id} v${s.runbook.version}  ${tr.stamp(s.startedAt)}`);
      }
    }, { read: true });
  });

  reading(run.command('status')).description('phases, steps and their state (opens the vault read-only)').argument('<run>', 'run id').action(async (runId: string, opts: CommonOpts) => {
    await withEngine(opts, async (engine) => {
      const state = engine.status(runId);
      if (opts.json) printJson(stateJson(state));
      else console.log(await formatRun(state));
    }, { read: true });
  });

  reading(run.command('recover')).description('record steps whose process died as INTERRUPTED (a mutating one BLOCKS the run until a signed retry, rollback or stop)').argument('<run>', 'run id').action(async (runId: string, opts: CommonOpts) => {
    await withEngine(opts, async (engine) => {
      const state = engine.recover(runId);
      if (opts.json) printJson(stateJson(state));
      else console.log(await formatRun(state));
    }, { unsigned: true });
  });

  reading(run.command('next')).description('the next step to do').argument('<run>', 'run id').action(async (runId: string, opts: CommonOpts) => {
    await withEngine(opts, async (engine) => {
      const next = engine.next(runId);
      if (opts.json) printJson(next);
      else if (!next) console.log(runWords(engine.status(runId)).t('cli.run.nothingLeft'));
      else console.log(`${next.phaseId} / ${next.step.id} (${runWords(engine.status(runId)).t(`stepKind.${next.step.kind}`)}): ${next.step.title}${'instructions' in next.step && next.step.instructions ? `\n${next.step.instructions}` : ''}`);
    }, { read: true });
  });

  common(run.command('step'))
    .description('execute a check, command or monitor step (commands need approvals)')
    .argument('<run>', 'run id').argument('<step>', 'step id')
    .option('--accept-host-key <TARGET=FP...>', 'pin an SSH host key at first use without a prompt')
    .action(async (runId: string, stepId: string, opts: CommonOpts) => {
      await withEngine(opts, async (engine, vault) => {
        // SIGINT, SIGTERM or SIGHUP: the step's process group is killed and the step is recorded
        // as failed, so it can run again only after a signed retry decision.
        const controller = new AbortController();
        const { installTerminationHandlers } = await import('../terminate');
        let running: Promise<unknown> = Promise.resolve();
        const uninstall = installTerminationHandlers(async () => {
          controller.abort();
          await running.catch(() => undefined);
        });
        try {
          const execution = engine.executeStep(runId, stepId, controller.signal);
          running = execution;
          const outcome = await execution;
          const { rehearsalLine } = await import('../../core/rehearsal/report');
          if (opts.json) printJson(outcome);
          else console.log((await outcomeFormatter(engine.status(runId)))(outcome, rehearsalLine(vault, runId, stepId, outputLang(engine.status(runId).runbook.language))));
          setExit(outcome.status === 'PASS' && !outcome.blocked ? EXIT_OK : EXIT_FAILED);
        } finally {
          uninstall?.();
        }
      }, { runId });
    });

  common(run.command('watch'))
    .description('run the occurrences of repeating steps (repeat: every/for) as they fall due, saying what is due and overdue, until every schedule is over; exit 1 when an occurrence failed')
    .argument('<run>', 'run id')
    .option('--once', 'run what is due now and stop')
    .action(async (runId: string, opts: CommonOpts & { once?: boolean }) => {
      await withEngine(opts, async (engine) => {
        const { watchSchedules } = await import('../../core/engine/watch');
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const result = await watchSchedules(engine, runId, { once: opts.once, signal: controller.signal, lang: runWords(engine.status(runId)).lang, onLine: opts.json ? undefined : (line) => console.log(line) });
          if (opts.json) printJson({ outcomes: result.outcomes, schedules: result.schedules });
          setExit(result.outcomes.every((o) => o.status === 'PASS') ? EXIT_OK : EXIT_FAILED);
        } finally {
          process.off('SIGINT', stop);
        }
      }, { runId });
    });

  common(run.command('attest')).description('attest a statement (attest steps)').argument('<run>').argument('<step>')
    .action(async (runId: string, stepId: string, opts: CommonOpts) => {
      await withEngine(opts, async (engine) => {
        const step = await engine.attest(runId, stepId);
        if (opts.json) printJson(step);
        else console.log(runWords(engine.status(runId)).t('cli.run.attested', { step: stepId, actor: step.actor ?? '' }));
      });
    });

  common(run.command('record')).description('record values (snapshot ID, release SHA…) for a record step').argument('<run>').argument('<step>')
    .option('--value <NAME=VALUE...>', 'a field value')
    .action(async (runId: string, stepId: string, opts: CommonOpts & { value?: string[] }) => {
      const values = parseTargets(opts.value);
      await withEngine(opts, async (engine) => {
        const step = await engine.record(runId, stepId, values);
        if (opts.json) printJson(step);
        else console.log(runWords(engine.status(runId)).t('cli.run.recorded', { step: stepId, values: Object.entries(step.values ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') }));
      });
    });

  common(run.command('done')).description('mark a manual step done').argument('<run>').argument('<step>').option('--note <text>', 'what was done')
    .action(async (runId: string, stepId: string, opts: CommonOpts & { note?: string }) => {
      await withEngine(opts, async (engine) => {
        await engine.done(runId, stepId, opts.note);
        if (!opts.json) console.log(runWords(engine.status(runId)).t('cli.run.done', { step: stepId }));
      });
    });

  common(run.command('skip')).description('skip a step on purpose, with the reason (never while the run is BLOCKED); the run completes once every step outside rollback is PASS or skipped').argument('<run>').argument('<step>')
    .requiredOption('--reason <text>', 'why it is skipped (kept as evidence; the decision lists it)')
    .action(async (runId: string, stepId: string, opts: CommonOpts & { reason: string }) => {
      await withEngine(opts, async (engine) => {
        await engine.skip(runId, stepId, opts.reason);
        const state = engine.status(runId);
        if (opts.json) printJson({ stepId, status: 'skipped', run: state.status });
        else console.log(`${runWords(state).t('cli.run.skipped', { step: stepId })}${state.status === 'COMPLETED' ? runWords(state).t('cli.run.completedBySkip') : ''}`);
      });
    });

  common(run.command('decide')).description('decide on a run, signed by a person with the deciding role: retry the failed or interrupted step, take the rollback path, or stop').argument('<run>')
    .requiredOption('--decision <decision>', 'retry, rollback or stop')
    .requiredOption('--reason <text>', 'why (kept as evidence)')
    .option('--step <step>', 'with retry: the step to run again (default: the step that blocked the run)')
    .action(async (runId: string, opts: CommonOpts & { decision: string; reason: string; step?: string }) => {
      if (!['retry', 'rollback', 'stop'].includes(opts.decision)) throw new CliUsageError(usageWords().t('engine.cli.decision'));
      if (opts.step && opts.decision !== 'retry') throw new CliUsageError(usageWords().t('engine.cli.stepRetry'));
      await withEngine(opts, async (engine) => {
        const state = await engine.decide(runId, opts.decision as 'retry' | 'rollback' | 'stop', opts.reason, opts.step);
        if (opts.json) printJson(stateJson(state));
        else console.log(runWords(state).t('cli.run.nowStatus', { runId, status: statusWord(runWords(state), state.status) }));
      });
    });

  common(run.command('play'))
    .description('non-interactive rehearsal: run every step in order until done, blocked, or an answer/approval is missing')
    .argument('<run>', 'run id')
    .option('--answers <file>', 'YAML/JSON: stepId → true (attest / manual done) or {field: value} (record)')
    .option('--accept-host-key <TARGET=FP...>', 'pin SSH host keys at first use')
    .option('--wait <duration>', 'a vault that joined a team ledger: how long to wait each time the run waits on the team (the plan\'s approvals, which it offers; another role\'s attestation; a decision on a BLOCKED run; after the last step, the GO / NO-GO), receiving and recording what they send through the ledger as it arrives; 0 stops at once, as without a ledger', '30m')
    .action(async (runId: string, opts: CommonOpts & { answers?: string; wait: string }) => {
      const waitMs = opts.wait === '0' ? 0 : /^\d+(\.\d+)?(ms|s|m|h)$/.test(opts.wait) ? (await import('../../core/runbook/schema')).durationMs(opts.wait) : NaN;
      if (!Number.isFinite(waitMs)) throw new CliUsageError(usageWords().t('engine.cli.wait', { value: opts.wait }));
      const { parse: parseYaml } = await import('yaml');
      const answers = opts.answers ? answersFrom(opts.answers, readBounded(opts.answers, 1 << 20, 'answers').toString('utf8'), parseYaml) : {};
      const { autoplay } = await import('../../core/engine');
      const { rehearsalLine } = await import('../../core/rehearsal/report');
      await withEngine(opts, async (engine, vault) => {
        const inbox = waitMs > 0 ? await teamInbox(vault, waitMs, opts.actor ?? defaultActor()) : null;
        try {
          const outcomeText = await outcomeFormatter(engine.status(runId));
          const result = await autoplay(engine, runId, {
            answers: answers as Record<string, Answer>,
            lang: outputLang(),
            onStep: (line, outcome) => console.log(outcome ? outcomeText(outcome, rehearsalLine(vault, runId, outcome.stepId, outputLang(engine.status(runId).runbook.language))) : line),
            ...(inbox ? { waitForTeam: inbox.waiter(engine) } : {}),
          });
          if (result.stopped) {
            console.error(runWords(result.state).t('cli.run.stoppedAt', { step: result.stopped.stepId, reason: result.stopped.reason }));
            setExit(EXIT_FAILED);
            return;
          }
          console.log(`${runWords(result.state).t('cli.run.allDone')}\n${await formatRun(result.state)}`);
          if (inbox && result.state.status === 'COMPLETED' && !(await inbox.waitForAuthorization(runId))) {
            console.log(runWords(result.state).t('cli.run.noGoYet', { vault: opts.vault }));
          }
        } finally {
          await inbox?.close();
        }
      }, { runId });
    });

  const plan = program.command('plan').description('the plan approvers sign');
  reading(plan.command('export')).description('write the exact plan to sign (canonical JSON)').argument('<run>')
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (runId: string, opts: CommonOpts & { out?: string }) => {
      await withEngine(opts, async (engine) => {
        const { bytes, digest } = engine.exportPlan(runId);
        if (opts.out) {
          writeFileSync(opts.out, bytes);
          console.error(runWords(engine.status(runId)).t('cli.plan.written', { runId, out: opts.out, digest }));
        } else process.stdout.write(bytes);
      }, { read: true });
    });

  const approve = program.command('approve').description('approve a run\'s plan with an approver identity, or import an approval made elsewhere');
  common(approve.command('sign', { isDefault: true })).description('sign the run\'s current plan as an approver whose key is usable here (their ssh-agent, or --key FILE they brought)').argument('<run>')
    .requiredOption('--identity <name>', 'the approver identity that signs')
    .action(async (runId: string, opts: CommonOpts & { identity: string }) => {
      await withEngine(opts, async (engine, vault) => {
        const { registryOf } = await import('../../core/identity');
        const who = registryOf(vault).get(opts.identity);
        const tr = runWords(engine.status(runId));
        if (!who) throw new CliUsageError(tr.t('pack.import.noIdentity', { name: opts.identity }));
        const signer = (await actorKeyring(vault, opts.identity, opts.key)).signerFor(who.fingerprint);
        if (!signer) throw new CliUsageError(tr.t('engine.cli.approverKey', { name: opts.identity, vault: opts.vault, run: runId }));
        const approval = await engine.approve(runId, opts.identity, signer);
        if (opts.json) printJson(approval);
        else console.log(runWords(engine.status(runId)).t('cli.run.approved', { signer: approval.signer, fingerprint: approval.fingerprint, digest: approval.planDigest }));
      });
    });
  common(approve.command('import')).description('import an approval: the plan file and its SSHSIG signature').argument('<run>')
    .requiredOption('--plan <file>', 'the plan file that was signed').requiredOption('--signature <file>', 'its .sig file')
    .action(async (runId: string, opts: CommonOpts & { plan: string; signature: string }) => {
      for (const f of [opts.plan, opts.signature]) if (!existsSync(f)) throw new CliUsageError(usageWords().t('engine.cli.noFile', { file: f }));
      await withEngine(opts, async (engine) => {
        const approval = engine.importApproval(runId, readBounded(opts.plan, 8 << 20, 'plan'), readBounded(opts.signature, 64 << 10, 'signature').toString('utf8'));
        if (opts.json) printJson(approval);
        else console.log(runWords(engine.status(runId)).t('cli.run.importedApproval', { signer: approval.signer, fingerprint: approval.fingerprint }));
      }, { unsigned: true });
    });

  const secret = program.command('secret').description('target secrets (kept in the vault, never in the chain or packs)');
  common(secret.command('set')).description('set a secret; its value from CUTOVER_SECRET_VALUE or the terminal').requiredOption('--name <name>', 'secret name, as the runbook names it')
    .action(async (opts: CommonOpts & { name: string }) => {
      const value = await readPassphrase('CUTOVER_SECRET_VALUE', usageWords().t('engine.cli.secretValue', { name: opts.name }));
      const vault = await openVault(opts.vault);
      try {
        const { setSecret } = await import('../../core/vault');
        setSecret(vault, opts.name, value, opts.actor ?? defaultActor());
        console.log(translator(outputLang()).t('cli.secret.stored', { name: opts.name }));
      } finally {
        vault.close();
      }
    });
}

/** An answers file: a YAML or JSON mapping of step ids; anything else is refused with where it breaks. */
/** The team ledger's inbox of a joined vault (null otherwise): what the run waits on arrives through it. */
async function teamInbox(vault: Vault, timeoutMs: number, actor: string) {
  const { membershipOf } = await import('../../core/ledger/membership');
  if (!membershipOf(vault)) return null;
  const { LedgerInbox } = await import('../../core/ledger/auto-receive');
  return LedgerInbox.open(vault, {
    timeoutMs, actor,
    passphrase: () => readPassphrase('CUTOVER_KEY_PASSPHRASE', usageWords().t('engine.cli.keyPassphrase')),
    say: (line, refusal) => (refusal ? process.stderr.write(`cutover: ${line}\n`) : console.log(`  ${line}`)),
  });
}

/** What an answers file holds instead of a mapping: "list", "string"… in English (as always), the catalogue's words otherwise. */
function answersKind(tr: Translator, parsed: unknown): string {
  const kind = Array.isArray(parsed) ? 'array' : typeof parsed;
  if (tr.lang === 'en') return kind === 'array' ? 'list' : kind;
  return kind === 'array' || kind === 'string' || kind === 'number' || kind === 'boolean' ? tr.t(`main.input.type.${kind}`) : kind;
}

function answersFrom(path: string, text: string, parseYaml: (text: string) => unknown): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new CliUsageError(usageWords().t('engine.cli.answersNotYaml', { path, reason: (error as Error).message.split('\n')[0]!.replace(/:\s*$/, ''), example: '"record-id: { ticket: OPS-1 }"' }));
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliUsageError(usageWords().t('engine.cli.answersNotMap', { path, kind: answersKind(usageWords(), parsed) }));
  return parsed as Record<string, unknown>;
}
