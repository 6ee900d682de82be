// Roles a runbook names must exist: every `by:`, `policy.decide` and `policy.approvals.role` is
// one of the built-in roles (operator, approver, observer) or a role declared under `roles:`.
// A misspelt role would otherwise make a step nobody can sign, found only mid-cutover.
import { BUILT_IN_ROLES, isBuiltInRole } from '../identity/roles';
import type { DocPath } from './errors';
import type { Runbook } from './schema';
import type { LocatedStep } from './validate';
import { say } from './errors';

interface Report {
  error(path: DocPath, message: string): void;
}

export function validateRoles(runbook: Runbook, steps: LocatedStep[], report: Report): void {
  const declared = Object.keys(runbook.roles);
  const known = (role: string) => isBuiltInRole(role) || declared.includes(role);
  const need = (role: string, path: DocPath, what: string) => {
    if (known(role)) return;
    const custom = declared.filter((r) => !isBuiltInRole(r));
    report.error(path, say('runbook.check.undeclaredRole', { what, role, declaration: `${role}: { min: 1 }`, roles: [...BUILT_IN_ROLES, ...custom].map((r) => `\`${r}\``).join(', ') }));
  };
  for (const { step, path } of steps) {
    if ((step.kind === 'attest' || step.kind === 'record' || step.kind === 'manual') && step.by) need(step.by, [...path, 'by'], say('runbook.what.step', { id: step.id }));
  }
  const decide = runbook.policy.decide;
  decide.forEach((role, i) => need(role, ['policy', 'decide', ...(decide.length > 1 ? [i] : [])], '`policy.decide`'));
  need(runbook.policy.approvals.role, ['policy', 'approvals', 'role'], '`policy.approvals.role`');
}
