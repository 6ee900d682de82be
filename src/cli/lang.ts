// The language of the CLI's human output where no runbook names one: `--lang en|es`, else
// CUTOVER_LANG, else English. A run's runbook that declares `language:` always wins (the
// evidence speaks the team's language whoever reads it); JSON output is never translated.
import type { Lang } from '../shared/i18n/languages';
import { isLang, LANGUAGES } from '../shared/i18n/languages';
import { translate } from '../shared/i18n/catalogue';
import { translator, type Translator } from '../shared/i18n/translator';
import { CliUsageError } from './errors';

let requested: Lang | undefined;

/**
 * The language a wrong value is refused in (the refusal cannot follow the value it refuses): the
 * language the value itself names as a locale ("es-ES", "es_MX.UTF-8": Spanish, though only "es"
 * is taken), else the other setting when that one is right (a wrong --lang under CUTOVER_LANG=es:
 * Spanish), else English, word for word as before.
 */
function refusalLang(value: string, other: string | undefined): Lang {
  const named = value.trim().toLowerCase().split(/[-_.@]/)[0] ?? '';
  if (isLang(named)) return named;
  const v = (other ?? '').trim().toLowerCase();
  return isLang(v) ? v : 'en';
}

function parse(value: string, where: string, other: string | undefined): Lang {
  const v = value.trim().toLowerCase();
  if (isLang(v)) return v;
  const lang = refusalLang(value, other);
  throw new CliUsageError(translate(lang, 'cmd.lang.wrong', { where, languages: LANGUAGES.join(translate(lang, 'cmd.lang.or')), value }));
}

/** Reads `--lang` (or CUTOVER_LANG) once, before the command runs; a wrong value is refused with exit 2. */
export function setRequestedLang(flag: string | undefined, env: string | undefined = process.env.CUTOVER_LANG): void {
  requested = flag !== undefined ? parse(flag, '--lang', env) : env ? parse(env, 'CUTOVER_LANG', undefined) : undefined;
}

/** The language asked for on the command line or in the environment, if any. */
export function requestedLang(): Lang | undefined {
  return requested;
}

/** The language to write in: the runbook's `language:` when it names one, else the one asked for, else English. */
export function outputLang(runbookLanguage?: Lang): Lang {
  return runbookLanguage ?? requested ?? 'en';
}

/**
 * The language asked for, read straight from the command line before commander parses it (its
 * own usage errors come before any action): `--lang X` or `--lang=X` anywhere before `--`, else
 * CUTOVER_LANG; English for none or for a value that is not a language (the command then refuses it).
 */
export function langOfArgv(argv: readonly string[], env: string | undefined = process.env.CUTOVER_LANG): Lang {
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--lang') flag = argv[i + 1];
    else if (arg.startsWith('--lang=')) flag = arg.slice('--lang='.length);
  }
  const v = (flag ?? env ?? '').trim().toLowerCase();
  return isLang(v) ? v : 'en';
}

/** The CLI's words: in the run's runbook's language where one applies, else --lang / CUTOVER_LANG's, else English. */
export function cliWords(runbookLanguage?: Lang): Translator {
  return translator(outputLang(runbookLanguage));
}
