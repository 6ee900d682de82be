// What is wrong with one field of a malformed act, for the person who brought it in. English keeps
// zod's own words as it always has (they are in the refusals people and tests already know); other
// languages say it from the catalogue by the kind of problem zod found, with the field's path as
// written in the act's JSON.
import type { z } from 'zod';
import type { Translator } from '../../shared/i18n';

/** The expected types the catalogue names (main.input.type.*, shared with the window); others as zod names them. */
const NAMED_TYPES = new Set(['string', 'number', 'boolean', 'object', 'array']);

function problem(tr: Translator, issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return tr.t('engine.actField.invalidType', { expected: NAMED_TYPES.has(issue.expected) ? tr.t(`main.input.type.${issue.expected as 'string'}`) : issue.expected });
    case 'too_small': return tr.t('engine.actField.tooSmall', { minimum: String(issue.minimum) });
    case 'too_big': return tr.t('engine.actField.tooBig', { maximum: String(issue.maximum) });
    case 'invalid_format': return 'pattern' in issue && typeof issue.pattern === 'string' ? tr.t('engine.actField.pattern', { pattern: issue.pattern }) : tr.t('engine.actField.invalidFormat', { format: issue.format });
    case 'invalid_value': return tr.t('engine.actField.invalidValue', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
    case 'unrecognized_keys': return tr.t('engine.actField.unrecognizedKeys', { keys: issue.keys.join(', ') });
    default: return tr.t('engine.actField.other');
  }
}

/** "by.fingerprint: <what is wrong>" for each issue, joined with "; ". */
export function actIssuesText(tr: Translator, issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || tr.t('engine.actField.whole')}: ${tr.lang === 'en' ? i.message : problem(tr, i)}`).join('; ');
}
