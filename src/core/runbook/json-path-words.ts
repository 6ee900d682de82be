// A JSON path's problem (targets/json-path.ts words it in English, for the engine too) in the
// language the runbook is being read in: the English sentence is in the runbook-rules catalogue
// with placeholders, and said again in the other language; anything else is kept as written.
import { matchAgain } from '../reports/word-again';
import { jsonPathProblem } from '../targets/json-path';
import { runbookLanguage } from './errors';

/** Why `path` is not a JSON path, or null, in the language of the reading. */
export function jsonPathProblemSaid(path: string): string | null {
  const problem = jsonPathProblem(path);
  const lang = runbookLanguage();
  if (problem === null || lang === 'en') return problem;
  return matchAgain(lang, problem, ['runbook.jsonPath.problem'], { reason: ['runbook.jsonPath.dollar', 'runbook.jsonPath.name', 'runbook.jsonPath.unexpected'] }) ?? problem;
}
