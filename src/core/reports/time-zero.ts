// What a run's clock counts from, one rule for the window, the PDF, the scribe timeline and the
// broadcasts: the planned T-0 the operator set when starting the run; without one, the start of
// the first mutating step (or of the run when none ran).
import { translator, type Lang } from '../../shared/i18n';

export interface TimeZero {
  at: string;
  /** In words, for documents (in the runbook's language). */
  label: string;
  source: 'planned' | 'first-mutating-step' | 'run-start';
}

/** T-0 of a run: the planned T-0 named when it started; else the start of its first mutating step, else its start. */
export function timeZero(model: { run: { t0?: string; startedAt: string }; steps: { phaseId: string; kind: string; startedAt: string | null; stepId: string }[]; runbook?: { language?: Lang } }): TimeZero {
  const tr = translator(model.runbook?.language);
  if (model.run.t0) return { at: model.run.t0, label: tr.t('t0.planned'), source: 'planned' };
  const first = model.steps.filter((s) => s.phaseId !== 'rollback' && s.kind === 'command' && s.startedAt).sort((a, b) => a.startedAt!.localeCompare(b.startedAt!))[0];
  return first ? { at: first.startedAt!, label: tr.t('t0.firstCommand', { step: first.stepId }), source: 'first-mutating-step' } : { at: model.run.startedAt, label: tr.t('t0.runStart'), source: 'run-start' };
}
