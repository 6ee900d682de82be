// Which saved targets can stand in for a runbook target at run start: the same database kind
// (core's applyOverrides takes a postgresql:// DSN for postgres, mysql:// for mysql, a base URL
// for http), and for a shell target either shell kind (ssh or this workstation).
import type { TargetKind } from './views';

const SHELL: ReadonlySet<TargetKind> = new Set(['ssh', 'local']);

export function canStandIn(runbookKind: TargetKind, savedKind: TargetKind): boolean {
  if (SHELL.has(runbookKind)) return SHELL.has(savedKind);
  return runbookKind === savedKind;
}
