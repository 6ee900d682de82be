// The language of the CLI's human output where no runbook names one: `--lang en|es`, else
// CUTOVER_LANG, else English. A run's runbook that declares `language:` always wins (the
// evidence speaks the team's language whoever reads it); JSON output is never translated.
import type { Lang } from '../shared/i18n/languages';
import { isLang, LANGUAGES } from '../shared/i18n/languages';
import { CliUsageError } from './errors';

let requested: Lang | undefined;

function parse(value: string, where: string): Lang {
  const v = value.trim().toLowerCase();
  if (isLang(v)) return v;
  throw new CliUsageError(`${where} is the language of the output: ${LANGUAGES.join(' or ')}, got "${value}".`);
}

/** Reads `--lang` (or CUTOVER_LANG) once, before the command runs; a wrong value is refused with exit 2. */
export function setRequestedLang(flag: string | undefined, env: string | undefined = process.env.CUTOVER_LANG): void {
  requested = flag !== undefined ? parse(flag, '--lang') : env ? parse(env, 'CUTOVER_LANG') : undefined;
}

/** The language asked for on the command line or in the environment, if any. */
export function requestedLang(): Lang | undefined {
  return requested;
}

/** The language to write in: the runbook's `language:` when it names one, else the one asked for, else English. */
export function outputLang(runbookLanguage?: Lang): Lang {
  return runbookLanguage ?? requested ?? 'en';
}
