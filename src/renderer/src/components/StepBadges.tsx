import type { RunStatusView, StepKind, StepStatusView } from '../../../shared/contract';
import { t } from '../i18n';

/** A symbol as well as a colour, so a state never depends on colour alone. */
const STEP_SYMBOL: Record<StepStatusView, string> = {
  pending: '○',
  running: '◐',
  PASS: '✓',
  FAIL: '✗',
  BLOCKED: '⊘',
  INTERRUPTED: '⚠',
  skipped: '↷',
  'N/A': '–',
};

export function StepStatusBadge({ status }: { status: StepStatusView }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      <span aria-hidden="true">{STEP_SYMBOL[status]} </span>
      {t.stepStatus[status]}
    </span>
  );
}

export function RunStatusBadge({ status }: { status: RunStatusView }) {
  return (
    <span className={`badge run-${status}`} data-run-status={status}>
      {t.runStatus[status]}
    </span>
  );
}

export function StepKindTag({ kind }: { kind: StepKind }) {
  return <span className={`tag kind-${kind}`}>{t.stepKind[kind]}</span>;
}
