// After a crash: what was running when its process died is recorded as interrupted, so the
// chain says what happened and nothing is resumed behind anyone's back.
import { inWriteTransaction } from '../acts/context';
import { transcriptOf, type EngineContext } from './context';
import { fold, runnerGone } from './run-reading';
import type { RunState } from './types';

/**
 * Records steps whose runner died as INTERRUPTED (a writer's first duty; `cutover run recover`).
 * A mutating step may have run, so the run is BLOCKED until a signed retry, rollback or stop.
 */
export function recover(ctx: EngineContext, runId: string): RunState {
  const { vault } = ctx;
  return inWriteTransaction(vault, () => {
    const state = fold(ctx, runId);
    let changed = false;
    for (const step of state.steps.values()) {
      if (!runnerGone(step)) continue;
      const info = step.transcript ? vault.artifacts().find((a) => a.id === step.transcript!.artifactId) : undefined;
      vault.append({ actor: 'system', type: 'step.interrupted', payload: { runId, stepId: step.stepId, reason: 'the process running this step stopped while it ran; its partial transcript is kept and nothing was resumed', transcript: info ? transcriptOf(info) : step.transcript } });
      if ((step.kind === 'command' || (step.kind === 'http' && !step.readOnly)) && state.status !== 'ROLLBACK') vault.append({ actor: 'system', type: 'run.blocked', payload: { runId, stepId: step.stepId, reason: `interrupted: the command may have run; retry only with a signed decision`, gates: [] } });
      changed = true;
    }
    // A scheduled occurrence whose runner died: recorded INTERRUPTED so the schedule goes on (it only reads; nothing blocks).
    for (const step of state.steps.values()) {
      for (const o of step.occurrences ?? []) {
        if (o.status !== 'running' || !o.runner || !runnerGone({ ...step, status: 'running', runner: o.runner })) continue;
        const info = o.transcript ? vault.artifacts().find((a) => a.id === o.transcript!.artifactId) : undefined;
        vault.append({ actor: 'system', type: 'step.interrupted', payload: { runId, stepId: step.stepId, occurrence: o.n, reason: 'the process running this occurrence stopped while it ran; its partial transcript is kept', transcript: info ? transcriptOf(info) : o.transcript } });
        changed = true;
      }
    }
    return changed ? fold(ctx, runId) : state;
  });
}
