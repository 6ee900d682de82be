import type { DecisionView, RunView } from '../../../shared/contract';
import { format, t, roleLabel } from '../i18n';
import { nextAction, type NextWhat } from '../next-action';

function whatText(what: NextWhat): string {
  switch (what.kind) {
    case 'running':
    case 'attest':
    case 'record':
    case 'run':
    case 'manual':
      return format(t.window.what[what.kind], { step: what.step });
    case 'approve':
      return format(t.window.what.approve, { valid: what.valid, quorum: what.quorum });
    default:
      return t.window.what[what.kind];
  }
}

/** "Next: WHAT — WHO", from the run's own state: always what the engine would accept next. */
export function NextLine({ run, decision }: { run: RunView | null; decision: DecisionView | null }) {
  const next = nextAction(run, decision);
  return (
    <p className="next-line" role="status" aria-label={t.window.nextLabel} data-testid="next-line" data-next={next.what.kind}>
      {format(t.window.next, { what: whatText(next.what), who: (t.window.who as Record<string, string>)[next.who] ?? roleLabel(next.who) })}
    </p>
  );
}
