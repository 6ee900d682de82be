// The codes the reports carry (a step's status, a run's status, a timeline result, the
// environment) in a document's language. The data keeps its codes; only what is shown changes.
import type { Translator } from '../../shared/i18n';
import type { PackStep } from './pack-model';

const RESULTS = { PASS: 1, FAIL: 1, WARN: 1, ABORT: 1, INTERRUPTED: 1, SKIPPED: 1, RUNNING: 1, BLOCKED: 1, ROLLBACK: 1, STOP: 1, 'N/A': 1 } as const;
const RUN_STATUSES = { ACTIVE: 1, BLOCKED: 1, ROLLBACK: 1, STOPPED: 1, COMPLETED: 1 } as const;

/** A step's status as the documents show it: PASS, FAIL, SKIPPED, "not run", RUNNING… */
export const statusText = (tr: Translator, s: PackStep['status']): string => tr.t(`stepStatus.${s}`);

/** A result code (timeline, gates) in words; an unknown code as it is. */
export const resultText = (tr: Translator, r: string): string => (r in RESULTS ? tr.t(`result.${r as keyof typeof RESULTS}`) : r);

/** A run's status (ACTIVE, BLOCKED…) in words; an unknown one as it is. */
export const runStatusText = (tr: Translator, s: string): string => (s in RUN_STATUSES ? tr.t(`runStatus.${s as keyof typeof RUN_STATUSES}`) : s);

/** production / rehearsal in words. */
export const environmentText = (tr: Translator, e: string): string => (e === 'production' || e === 'rehearsal' ? tr.t(`env.${e}`) : e);

/** A run decision's kind (rollback, stop, retry) in words. */
export const decisionKindText = (tr: Translator, d: string): string => (d === 'rollback' || d === 'stop' || d === 'retry' ? tr.t(`decisionKind.${d}`) : d);

const STEP_KINDS = { attest: 1, record: 1, check: 1, command: 1, manual: 1, monitor: 1, http: 1 } as const;

/** A step's kind (command, check…) in words; an unknown one as it is. */
export const stepKindText = (tr: Translator, k: string): string => (k in STEP_KINDS ? tr.t(`stepKind.${k as keyof typeof STEP_KINDS}`) : k);
