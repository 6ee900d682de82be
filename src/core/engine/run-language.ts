// The language the engine's refusals are worded in: a run's runbook's, else the asker's (the
// window's, --lang), else English.
import { translator, type Lang, type Translator } from '../../shared/i18n';
import type { EngineContext } from './context';
import { runStateIn } from './state';
import type { RunState } from './types';

/** Refusals about a run are worded in its runbook's language, else the asker's (the window's), else English. */
export function trOf(state: Pick<RunState, 'runbook' | 'wordedIn'>): Translator {
  return translator(state.runbook.language ?? state.wordedIn);
}

/** The language a refusal about this run is worded in: its runbook's, else the asker's, else English. */
export function languageOfRun(ctx: EngineContext, runId: string): Lang | undefined {
  return runStateIn(ctx.vault, runId)?.runbook.language ?? ctx.options.language;
}

/** The language a refusal of this act is worded in: its run's (or, for a new run, the asker's), else English. */
export function languageOfAct(ctx: EngineContext, text: string): Lang {
  // Read loosely (only its run is looked at, for the language): an act that will be refused for
  // its bytes is refused in its run's language too. Anything larger than an act is not read.
  try {
    const loose = text.length <= 64 * 1024 ? (JSON.parse(text) as { act?: unknown; run?: unknown } | null) : null;
    const state = loose && loose.act !== 'run.start' && typeof loose.run === 'string' ? runStateIn(ctx.vault, loose.run) : null;
    return state?.runbook.language ?? ctx.options.language ?? 'en';
  } catch {
    return ctx.options.language ?? 'en';
  }
}
