// Role names. Three roles are built in (operator runs the steps, approver signs plans, observer
// watches); a runbook may declare any other (incident_commander, scribe, payments_owner,
// db_owner, …) and identities may carry it. A leaf module: the vault, the runbook schema and the
// CLI all check names with it.

export const BUILT_IN_ROLES = ['operator', 'approver', 'observer'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** lower_snake_case, a letter first, up to 40 characters: it appears in signed statements and evidence. */
export const ROLE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const ROLE_NAME_RULE = 'a role name in lower_snake_case, like "incident_commander" or "payments_owner" (a letter first, then letters, digits and _, up to 40)';

export function isRoleName(value: unknown): value is string {
  return typeof value === 'string' && ROLE_NAME.test(value);
}

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}
