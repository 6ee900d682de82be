// `--help` in the language asked for (--lang / CUTOVER_LANG). The commands describe themselves in
// English where they are registered (src/cli/commands/*.ts); in another language the help is
// worded again at the moment it is shown: each description, summary, option, argument and
// after-text is looked up, as written, in that language's help text (src/shared/i18n/help-text-*.ts,
// keyed by the English text), and commander's own frame words (Usage:, Options:, default: …) come
// from the catalogue. English is commander's output byte for byte: nothing is looked up.
// test/cli/help-words.test.ts walks the whole command tree: every text has its translation and
// every translation a text.
import { Help, type Argument, type Command, type Option } from 'commander';
import type { Lang } from '../shared/i18n/languages';
import { helpTextEs } from '../shared/i18n/help-text-es';
import { translate } from '../shared/i18n/catalogue';

const HELP_TEXTS: { readonly [L in Exclude<Lang, 'en'>]: Readonly<Record<string, string>> } = { es: helpTextEs };

/** `english` (a description or help text as a command registered it) in `lang`; as written where none is known. */
export function helpTextIn(lang: Lang, english: string): string {
  if (lang === 'en' || english === '') return english;
  return HELP_TEXTS[lang][english] ?? english;
}

/** Whether `lang` has its own words for `english` (the completeness test). */
export function hasHelpText(lang: Exclude<Lang, 'en'>, english: string): boolean {
  return Object.hasOwn(HELP_TEXTS[lang], english);
}

/** Every English text `lang`'s help text knows (the completeness test). */
export function helpTextsKnown(lang: Exclude<Lang, 'en'>): string[] {
  return Object.keys(HELP_TEXTS[lang]);
}

const TITLES: Record<string, 'cli.help.usage' | 'cli.help.arguments' | 'cli.help.options' | 'cli.help.globalOptions' | 'cli.help.commands'> = {
  'Usage:': 'cli.help.usage',
  'Arguments:': 'cli.help.arguments',
  'Options:': 'cli.help.options',
  'Global Options:': 'cli.help.globalOptions',
  'Commands:': 'cli.help.commands',
};

/** Commander's help, worded in `lang`. */
export class WordedHelp extends Help {
  constructor(private readonly lang: Lang) {
    super();
  }

  override styleTitle(str: string): string {
    const key = this.lang === 'en' ? undefined : TITLES[str];
    return key ? translate(this.lang, key) : str;
  }

  override commandUsage(cmd: Command): string {
    return this.usageWords(super.commandUsage(cmd));
  }

  override subcommandTerm(cmd: Command): string {
    return this.usageWords(super.subcommandTerm(cmd));
  }

  /** Commander's own placeholders, [options] and [command], in the language. */
  private usageWords(usage: string): string {
    if (this.lang === 'en') return usage;
    return usage.replace(/\[options\]/g, `[${translate(this.lang, 'cli.help.usageOptions')}]`).replace(/\[command\]/g, `[${translate(this.lang, 'cli.help.usageCommand')}]`);
  }

  override commandDescription(cmd: Command): string {
    return helpTextIn(this.lang, super.commandDescription(cmd));
  }

  override subcommandDescription(cmd: Command): string {
    return helpTextIn(this.lang, super.subcommandDescription(cmd));
  }

  override optionDescription(option: Option): string {
    return this.withExtras(option.description, super.optionDescription(option));
  }

  override argumentDescription(argument: Argument): string {
    return this.withExtras(argument.description, super.argumentDescription(argument));
  }

  /** Commander's "DESCRIPTION (default: …, choices: …)": the description and the extras' words in the language. */
  private withExtras(description: string, full: string): string {
    if (this.lang === 'en') return full;
    const rest = full.startsWith(description) ? full.slice(description.length) : full;
    const extras = rest.replace(/\b(default|choices|preset|env): /g, (_, word: 'default' | 'choices' | 'preset' | 'env') => `${translate(this.lang, `cli.help.${word}`)}: `);
    return `${full.startsWith(description) ? helpTextIn(this.lang, description) : ''}${extras}`;
  }
}
