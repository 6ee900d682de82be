// Checks that need the whole runbook, after the zod schema has accepted its shape: names that
// must refer to something declared, ids that must be unique, steps that must run on the right
// kind of target, evidence that must be produced, secrets that must not be written in clear.
// Each issue carries the path of the node to point at; load.ts turns it into line and column.
import { durationMs, type Runbook, type Step, type Target } from './schema';
import type { DocPath, PathIssue } from './errors';
import { validateHttp } from './validate-http';
import { validateRoles } from './validate-roles';
import { validateReferences } from './references';
import { say } from './errors';

export interface SemanticIssue extends PathIssue {
  /** Another place the message refers to (e.g. the first use of a duplicate id): load.ts adds its line. */
  related?: DocPath;
  /** Set for the checks load.ts needs to tell apart. */
  code?: 'hidden-character';
}

export interface LocatedStep {
  step: Step;
  path: DocPath;
  /** preconditions, a phase (by id) or rollback. */
  section: 'preconditions' | 'phase' | 'rollback';
  /** The phase's id; "preconditions" and "rollback" for those sections (as runs and plans name them). */
  phaseId: string;
}

/** Every step of a runbook in document order (the order a run walks them): preconditions, phases, rollback. */
export function allSteps(runbook: Runbook): LocatedStep[] {
  const out: LocatedStep[] = [];
  runbook.preconditions.forEach((step, i) => out.push({ step, path: ['preconditions', i], section: 'preconditions', phaseId: 'preconditions' }));
  runbook.phases.forEach((phase, p) => phase.steps.forEach((step, s) => out.push({ step, path: ['phases', p, 'steps', s], section: 'phase', phaseId: phase.id })));
  runbook.rollback?.steps.forEach((step, r) => out.push({ step, path: ['rollback', 'steps', r], section: 'rollback', phaseId: 'rollback' }));
  return out;
}

/** "T-30m" → -30, "T+1h" → 60, "T-0" → 0 (minutes; a bare number is minutes). */
export function offsetMinutes(offset: string): number {
  const m = /^T([+-])(\d+)(m|h)?$/.exec(offset);
  if (!m) throw new Error(`not a time offset: ${offset}`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * (m[3] === 'h' ? 60 : 1);
}

/** Characters that would let displayed text differ from what runs: controls, bidi overrides, invisible marks. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

export function describeCharacter(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A password in a connection URL ("://user:secret@host"). */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:[^\s/@'"]+@/i;
/** A password given inline on a command line or in an environment assignment. */
const INLINE_PASSWORD = /\b(PGPASSWORD|MYSQL_PWD)=(?!["']?\$)\S/;

const SHELL_TARGETS = new Set<Target['kind']>(['ssh', 'local']);

/** "a postgres target", "an ssh target". */
function aTarget(kind: Target['kind']): string {
  return say(kind === 'ssh' ? 'runbook.check.anTarget' : 'runbook.check.aTarget', { kind });
}

export function validateRunbook(runbook: Runbook): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const error = (path: DocPath, message: string, extra: Partial<SemanticIssue> = {}) => issues.push({ severity: 'error', path, message, ...extra });
  const warn = (path: DocPath, message: string, extra: Partial<SemanticIssue> = {}) => issues.push({ severity: 'warning', path, message, ...extra });

  const steps = allSteps(runbook);
  const targetNames = Object.keys(runbook.targets);
  const declaredSecrets = new Map<string, DocPath>();
  const usedSecrets = new Set<string>();

  // ---- secrets -------------------------------------------------------------------------
  runbook.secrets.forEach((secret, i) => {
    const first = declaredSecrets.get(secret.name);
    if (first) error(['secrets', i, 'name'], say('runbook.check.secretTwice', { name: secret.name }), { related: first });
    else declaredSecrets.set(secret.name, ['secrets', i, 'name']);
  });
  const needSecret = (path: DocPath, name: string, what: string) => {
    usedSecrets.add(name);
    if (!declaredSecrets.has(name)) {
      const known = [...declaredSecrets.keys()];
      error(path, say('runbook.check.undeclaredSecret', { what, name, declared: known.length ? say('runbook.ref.declared', { names: known.join(', ') }) : '' }));
    }
  };

  // ---- targets -------------------------------------------------------------------------
  for (const [name, target] of Object.entries(runbook.targets)) {
    const at: DocPath = ['targets', name];
    if ((target.kind === 'postgres' || target.kind === 'mysql' || target.kind === 'ssh') && target.secret) needSecret([...at, 'secret'], target.secret, say('runbook.what.target', { name }));
    if ((target.kind === 'postgres' || target.kind === 'mysql') && target.check_login) needSecret([...at, 'check_login', 'secret'], target.check_login.secret, say('runbook.what.checkLogin', { name }));
    if (target.kind === 'ssh') {
      if (target.auth === 'password' && !target.secret) error([...at, 'auth'], say('runbook.check.sshPassword', { name }));
      if (target.auth === 'key' && !target.key_file) error([...at, 'auth'], say('runbook.check.sshKey', { name }));
    }
  }

  // ---- ids -----------------------------------------------------------------------------
  const phaseIds = new Map<string, DocPath>();
  runbook.phases.forEach((phase, p) => {
    const first = phaseIds.get(phase.id);
    if (first) error(['phases', p, 'id'], say('runbook.check.phaseIdTwice', { id: phase.id }), { related: first });
    else phaseIds.set(phase.id, ['phases', p, 'id']);
  });
  const stepIds = new Map<string, DocPath>();
  const evidence = new Map<string, DocPath>();
  for (const { step, path } of steps) {
    const first = stepIds.get(step.id);
    if (first) error([...path, 'id'], say('runbook.check.stepIdTwice', { id: step.id }), { related: first });
    else stepIds.set(step.id, [...path, 'id']);
    if (step.evidence) {
      const firstEvidence = evidence.get(step.evidence);
      if (firstEvidence) error([...path, 'evidence'], say('runbook.check.evidenceTwice', { name: step.evidence }), { related: firstEvidence });
      else evidence.set(step.evidence, [...path, 'evidence']);
    }
    if (step.kind === 'record') {
      const names = new Set<string>();
      step.fields.forEach((field, f) => {
        if (names.has(field.name)) error([...path, 'fields', f, 'name'], say('runbook.check.fieldTwice', { name: field.name }));
        names.add(field.name);
      });
    }
  }

  // ---- steps and their targets ---------------------------------------------------------
  for (const { step, path } of steps) {
    if (step.kind === 'check' || step.kind === 'command') {
      const target = runbook.targets[step.target];
      if (!target) {
        const suggestion = targetNames.find((t) => t.toLowerCase() === step.target.toLowerCase());
        error([...path, 'target'], say('runbook.check.unknownTarget', { target: step.target, hint: suggestion ? say('runbook.zod.didYouMean', { key: suggestion }) : '', targets: targetNames.map((t) => `\`${t}\``).join(', ') }));
      } else if (step.kind === 'check' && step.sql !== undefined && target.kind !== 'postgres' && target.kind !== 'mysql') {
        error([...path, 'sql'], say('runbook.check.sqlTarget', { target: step.target, kind: aTarget(target.kind) }));
      } else if (step.run !== undefined && !SHELL_TARGETS.has(target.kind) && !(step.kind === 'command' && target.kind === 'mysql')) {
        error([...path, 'run'], say('runbook.check.runTarget', { target: step.target, kind: aTarget(target.kind), advice: say(step.kind === 'check' ? 'runbook.check.runTargetCheck' : 'runbook.check.runTargetCommand') }));
      }
      if (target && target.kind !== 'postgres' && target.kind !== 'mysql') {
        if (step.statement_timeout) warn([...path, 'statement_timeout'], say('runbook.check.sqlSetting', { setting: 'statement_timeout', target: step.target, kind: aTarget(target.kind) }));
        if (step.lock_timeout) warn([...path, 'lock_timeout'], say('runbook.check.sqlSetting', { setting: 'lock_timeout', target: step.target, kind: aTarget(target.kind) }));
      }
      for (const [variable, secret] of Object.entries(step.secret_env)) needSecret([...path, 'secret_env', variable], secret, `\`secret_env.${variable}\``);
      checkEnv(step.env, [...path, 'env'], error, warn);
      const text = step.kind === 'check' ? (step.sql ?? step.run ?? '') : step.run;
      const field = step.kind === 'check' && step.sql !== undefined ? 'sql' : 'run';
      if (URL_PASSWORD.test(text)) error([...path, field], say('runbook.check.commandUrlPassword'));
      else if (INLINE_PASSWORD.test(text)) error([...path, field], say('runbook.check.commandInlinePassword'));
    }
    const window = step.kind === 'monitor' ? (step.probe ?? step) : undefined;
    if (window?.for && window.every && durationMs(window.for) < durationMs(window.every)) {
      warn(step.kind === 'monitor' && step.probe ? [...path, 'probe', 'for'] : [...path, 'for'], say('runbook.check.monitorWindow', { window: window.for, every: window.every }));
    }
  }
  checkEnv(runbook.env, ['env'], error, warn);
  validateHttp(runbook, steps, { error, warn, needSecret });
  validateRoles(runbook, steps, { error });

  for (const [name, path] of declaredSecrets) if (!usedSecrets.has(name)) warn(path, say('runbook.check.secretUnused', { name }));

  // ---- evidence pack -------------------------------------------------------------------
  // An entry no step produces can never be present, so the decision could never be complete:
  // an error, not a warning.
  const listed = new Map<string, number>();
  runbook.evidence_pack.forEach((name, i) => {
    if (listed.has(name)) warn(['evidence_pack', i], say('runbook.check.packTwice', { name }), { related: ['evidence_pack', listed.get(name)!] });
    else listed.set(name, i);
    if (!evidence.has(name)) error(['evidence_pack', i], say('runbook.check.packUnproduced', { name }));
  });

  // ---- approvals -----------------------------------------------------------------------
  const { quorum, role } = runbook.policy.approvals;
  const declared = runbook.roles[role];
  if (declared && declared.min < quorum) warn(['roles', role, 'min'], say('runbook.check.quorum', { quorum, role, min: declared.min }));

  // ---- time offsets --------------------------------------------------------------------
  let previous: { minutes: number; text: string; path: DocPath } | undefined;
  const offsetAt = (text: string | undefined, path: DocPath) => {
    if (!text) return;
    const minutes = offsetMinutes(text);
    if (previous && minutes < previous.minutes) warn(path, say('runbook.check.offsetBackwards', { offset: text, previous: previous.text }), { related: previous.path });
    previous = { minutes, text, path };
  };
  runbook.preconditions.forEach((step, i) => offsetAt(step.at, ['preconditions', i, 'at']));
  runbook.phases.forEach((phase, p) => {
    offsetAt(phase.at, ['phases', p, 'at']);
    phase.steps.forEach((step, s) => offsetAt(step.at, ['phases', p, 'steps', s, 'at']));
  });

  // ---- hidden characters in any text ---------------------------------------------------
  walkStrings(runbook, [], (value, path) => {
    const m = HIDDEN_CHARACTERS.exec(value);
    if (m) error(path, say('runbook.check.hiddenCharacter', { character: describeCharacter(m[0]) }), { code: 'hidden-character' });
  });

  issues.push(...validateReferences(runbook));
  return issues;
}

function checkEnv(env: Record<string, string>, path: DocPath, error: (p: DocPath, m: string) => void, warn: (p: DocPath, m: string) => void): void {
  for (const [name, value] of Object.entries(env)) {
    if (/(PASSWORD|PASSWD)$|^MYSQL_PWD$/i.test(name) && value !== '') {
      error([...path, name], say('runbook.check.envPassword', { name, example: `secret_env: { ${name}: ${say('runbook.placeholder.secret')} }` }));
    } else if (URL_PASSWORD.test(value)) {
      error([...path, name], say('runbook.check.envUrlPassword', { name, example: `secret_env: { PGPASSWORD: ${say('runbook.placeholder.secret')} }` }));
    } else if (/(^|_)(SECRET|TOKEN|API_KEY)$/i.test(name) && value !== '') {
      warn([...path, name], say('runbook.check.envSecret', { name }));
    }
  }
}

function walkStrings(value: unknown, path: DocPath, visit: (value: string, path: DocPath) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, [...path, i], visit));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}
