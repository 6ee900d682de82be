// The planned T-0 of a run: the moment the operator names when starting it (the first mutating
// command, the cutover's announced start). Every clock of the run counts from it: the window's
// T-offset, the decision PDF, the scribe timeline and the broadcasts. It is part of the signed
// run.start act, so nobody moves it afterwards.
import { RunInputError } from './resolve';
import { translator, type Lang } from '../../shared/i18n';

/** How far from now a planned T-0 may be: a cutover is planned days ahead, not months. */
const MAX_DISTANCE_MS = 30 * 24 * 3600 * 1000;

/**
 * Reads a planned T-0: an ISO 8601 date and time with its zone ("2026-12-06T22:00:00Z",
 * "2026-12-06T23:00+01:00"), or "HH:MM" for today at that local time. Returns it in UTC ISO form.
 */
export function parsePlannedT0(text: string, now: Date = new Date(), lang?: Lang): string {
  const tr = translator(lang);
  const value = text.trim();
  let at: Date;
  const clock = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (clock) {
    at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), Number(clock[1]), Number(clock[2]), 0, 0);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    at = new Date(value);
  } else {
    throw new RunInputError(tr.t('engine.t0.notTime', { value }));
  }
  if (Number.isNaN(at.getTime())) throw new RunInputError(tr.t('engine.t0.notReal', { value }));
  if (Math.abs(at.getTime() - now.getTime()) > MAX_DISTANCE_MS) throw new RunInputError(tr.t('engine.t0.tooFar', { at: at.toISOString() }));
  return at.toISOString();
}
