// Starting a run: the runbook is validated, its parameters resolved once and signed with the
// targets they fill, the runbook stored by content hash (once), and `run.started` recorded,
// signed by the operator.
import { randomUUID } from 'node:crypto';
import { appendAct } from '../acts/context';
import { ActRefusedError } from '../acts/document';
import { roleRefusal } from '../acts/rules';
import { registryOf } from '../identity/registry';
import { loadRunbook } from '../runbook/load';
import { translator } from '../../shared/i18n';
import { checkRecordForStart, rehearsalRequiredRefusal, storeRehearsalRecord } from '../rehearsal/follow';
import { commit, signed } from './commit';
import type { EngineContext } from './context';
import { applyOverrides, RunInputError } from './resolve';
import { fold } from './run-reading';
import { runIds } from './state';
import { parsePlannedT0 } from './t-zero';
import type { Environment, RehearsalRef, RunState } from './types';
import { resolveParams, resolveTargets, ValueUnavailableError } from './values';
import { valueWords } from './value-words';

export interface StartRunInput {
  text: string;
  source: string;
  environment: Environment;
  targets?: Record<string, string>;
  t0?: string;
  rehearsal?: RehearsalRef;
  rehearsalRecord?: Buffer;
  params?: Record<string, string>;
}

/** Stores the runbook by content hash (once) and records `run.started`, signed by the operator. */
export async function startRun(ctx: EngineContext, input: StartRunInput): Promise<RunState> {
  const { vault, options } = ctx;
  const loaded = loadRunbook(input.text, input.source, options.language);
  const lang = loaded.runbook.language ?? options.language;
  const t0 = input.t0 === undefined ? null : parsePlannedT0(input.t0, new Date(), lang);
  const rehearsal = input.rehearsal ?? null;
  if (rehearsal && input.environment !== 'production') throw new RunInputError(translator(lang).t('engine.rehearsal.productionOnly'));
  const unbound = rehearsalRequiredRefusal(loaded.runbook, input.environment, rehearsal, lang);
  if (unbound) throw new RunInputError(unbound);
  checkRecordForStart(rehearsal, input.rehearsalRecord);
  // Parameters are resolved once, here: their values are signed in run.start and fill the targets.
  const params = resolveParams(loaded.runbook, input.environment, input.params ?? {}, options.language);
  const signedParams = Object.keys(params).length ? { params } : {};
  const targets = applyOverrides({ ...loaded.runbook, targets: startTargets(loaded.runbook.targets, params, input.environment, lang) }, input.targets ?? {}, lang);
  const runId = randomUUID();
  const runbook = { id: loaded.runbook.id, version: loaded.runbook.version, title: loaded.runbook.title, hash: loaded.hash };
  const me = registryOf(vault).get(options.actor);
  if (me) {
    const role = roleRefusal('run.start', { ...loaded, wordedIn: options.language }, undefined, me);
    if (role) throw new ActRefusedError(role);
  }
  const startAct = await signed(ctx, { kind: 'run.start', runId, stepId: null, what: { runbook, environment: input.environment, targets, ...signedParams, ...(t0 ? { t0 } : {}), ...(rehearsal ? { rehearsal } : {}) } }, options.actor, lang);
  return commit(ctx, startAct, (act) => {
    const role = roleRefusal('run.start', { ...loaded, wordedIn: options.language }, undefined, act.identity);
    if (role) throw new ActRefusedError(role);
    if (runIds(vault.events()).includes(runId)) throw new ActRefusedError(translator(lang).t('engine.run.alreadyStarted', { run: runId }));
    let stored = vault.artifacts().find((a) => a.state === 'complete' && a.sha256 === loaded.hash && a.name.startsWith('runbook-'));
    if (!stored) {
      const writer = vault.createArtifact({ name: `runbook-${loaded.runbook.id}-v${loaded.runbook.version}.yaml`.replace(/[^A-Za-z0-9_.-]/g, '_'), mediaType: 'application/yaml', actor: act.identity.name });
      writer.write(loaded.text);
      stored = writer.finish();
      vault.append({ actor: act.identity.name, type: 'runbook.stored', payload: { id: loaded.runbook.id, version: loaded.runbook.version, hash: loaded.hash, artifactId: stored.id, source: input.source } });
    }
    appendAct(vault, act, 'run.started', { runId, environment: input.environment, operator: act.identity.name, runbook: { ...runbook, artifactId: stored.id }, targets, ...signedParams, ...(t0 ? { t0 } : {}), ...(rehearsal ? { rehearsal } : {}) });
    if (rehearsal && input.rehearsalRecord) storeRehearsalRecord(vault, runId, rehearsal, input.rehearsalRecord, act.identity.name);
    return fold(ctx, runId);
  });
}

/** A run's targets with its parameters filled; a reference with no value is refused in the run's language. */
function startTargets(...args: Parameters<typeof resolveTargets>): ReturnType<typeof resolveTargets> {
  try {
    return resolveTargets(...args);
  } catch (error) {
    if (error instanceof ValueUnavailableError) throw new ValueUnavailableError(valueWords(translator(args[3]).lang, error.message));
    throw error;
  }
}
