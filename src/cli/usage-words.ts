// Commander's usage errors (a missing option, an unknown one, too many arguments…) in the
// language asked for. Commander writes its own English sentence; a command made by
// `WordedCommand` remembers which error it raised and with what values, so that `main` can word
// it again from the catalogue. In English commander's own output is kept, byte for byte.
//
// Commander raises these through methods its typings do not declare (missingArgument,
// unknownOption, …: stable in commander 14, which package.json pins); each override below calls
// commander's own method, so parsing is unchanged. test/cli/usage-words.test.ts runs each one.
import { Command, CommanderError, type AddHelpTextContext, type AddHelpTextPosition, type Help, type Option } from 'commander';
import type { Lang } from '../shared/i18n/languages';
import { helpTextIn, WordedHelp } from './help-words';
import type { CliWordsCatalogue } from '../shared/i18n/cli-words-en';
import type { Translator } from '../shared/i18n/translator';

type UsageKey = Extract<keyof CliWordsCatalogue, `cli.usage.${string}`>;

/** A usage error as data: the catalogue sentence and its values (a suggestion still in commander's form). */
export interface UsageWords {
  key: UsageKey | 'cli.usage.excessArguments';
  vars: Record<string, string | number>;
  /** Commander's "did you mean" candidates, when it had any. */
  candidates?: string[];
}

/** The methods through which commander 14 raises its usage errors. */
interface Raisers {
  missingArgument(name: string): void;
  optionMissingArgument(option: Option): void;
  missingMandatoryOptionValue(option: Option): void;
  unknownOption(flag: string): void;
  unknownCommand(): void;
  _excessArguments(received: string[]): void;
}

const commander = Command.prototype as unknown as Raisers;
const remembered = new WeakMap<CommanderError, UsageWords>();

/** The words of a usage error a WordedCommand raised, or undefined for any other error. */
export function usageWordsOf(error: CommanderError): UsageWords | undefined {
  return remembered.get(error);
}

const ONE_OF = '\n(Did you mean one of ';
const ONE = '\n(Did you mean ';

/** The candidates in commander's suggestion (the text after the sentence it names), if any. */
function candidatesIn(message: string, sentence: string): string[] | undefined {
  if (!message.startsWith(sentence)) return undefined;
  const rest = message.slice(sentence.length);
  if (!rest.endsWith('?)')) return undefined;
  if (rest.startsWith(ONE_OF)) return rest.slice(ONE_OF.length, -2).split(', ');
  if (rest.startsWith(ONE)) return [rest.slice(ONE.length, -2)];
  return undefined;
}

export class WordedCommand extends Command {
  private pending: UsageWords | undefined;
  /** The language `--help` is shown in (help-words.ts); subcommands take their parent's. */
  helpLang: Lang = 'en';

  override createCommand(name?: string): Command {
    const sub = new WordedCommand(name);
    sub.helpLang = this.helpLang;
    return sub;
  }

  override createHelp(): Help {
    return Object.assign(new WordedHelp(this.helpLang), this.configureHelp());
  }

  /** The English help texts added with addHelpText (the completeness test reads them). */
  readonly helpTexts: string[] = [];

  override addHelpText(position: AddHelpTextPosition, text: string | ((context: AddHelpTextContext) => string)): this {
    if (typeof text === 'string') this.helpTexts.push(text);
    return typeof text === 'string' ? super.addHelpText(position, helpTextIn(this.helpLang, text)) : super.addHelpText(position, text);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    const words = this.pending;
    this.pending = undefined;
    if (words?.key === 'cli.usage.unknownOption') words.candidates = candidatesIn(message, `error: unknown option '${String(words.vars.flag)}'`);
    if (words?.key === 'cli.usage.unknownCommand') words.candidates = candidatesIn(message, `error: unknown command '${String(words.vars.name)}'`);
    try {
      return super.error(message, errorOptions);
    } catch (thrown) {
      if (words && thrown instanceof CommanderError) remembered.set(thrown, words);
      throw thrown;
    }
  }

  missingArgument(name: string): void {
    this.pending = { key: 'cli.usage.missingArgument', vars: { name } };
    commander.missingArgument.call(this, name);
  }

  optionMissingArgument(option: Option): void {
    this.pending = { key: 'cli.usage.optionMissingArgument', vars: { flags: option.flags } };
    commander.optionMissingArgument.call(this, option);
  }

  missingMandatoryOptionValue(option: Option): void {
    this.pending = { key: 'cli.usage.missingMandatoryOptionValue', vars: { flags: option.flags } };
    commander.missingMandatoryOptionValue.call(this, option);
  }

  unknownOption(flag: string): void {
    this.pending = { key: 'cli.usage.unknownOption', vars: { flag } };
    commander.unknownOption.call(this, flag);
    this.pending = undefined; // allowUnknownOption: commander raised nothing
  }

  unknownCommand(): void {
    this.pending = { key: 'cli.usage.unknownCommand', vars: { name: String(this.args[0]) } };
    commander.unknownCommand.call(this);
  }

  _excessArguments(received: string[]): void {
    this.pending = { key: 'cli.usage.excessArguments', vars: { expected: this.registeredArguments.length, got: received.length, command: this.parent ? this.name() : '' } };
    commander._excessArguments.call(this, received);
    this.pending = undefined; // allowExcessArguments: commander raised nothing
  }
}

/** The usage error in `tr`'s language: commander's sentence worded again, its suggestion kept. */
export function wordUsage(words: UsageWords, tr: Translator): string {
  const c = words.candidates;
  const suggestion = !c ? '' : c.length > 1 ? tr.t('cli.usage.didYouMeanOneOf', { candidates: c.join(', ') }) : tr.t('cli.usage.didYouMean', { candidate: c[0]! });
  const v = words.vars;
  switch (words.key) {
    case 'cli.usage.unknownOption':
      return tr.t('cli.usage.unknownOption', { flag: String(v.flag), suggestion });
    case 'cli.usage.unknownCommand':
      return tr.t('cli.usage.unknownCommand', { name: String(v.name), suggestion });
    case 'cli.usage.excessArguments':
      return tr.count('cli.usage.excessArguments', Number(v.expected), { got: Number(v.got), where: v.command ? tr.t('cli.usage.excessWhere', { command: String(v.command) }) : '' });
    case 'cli.usage.missingArgument':
      return tr.t('cli.usage.missingArgument', { name: String(v.name) });
    case 'cli.usage.optionMissingArgument':
      return tr.t('cli.usage.optionMissingArgument', { flags: String(v.flags) });
    case 'cli.usage.missingMandatoryOptionValue':
      return tr.t('cli.usage.missingMandatoryOptionValue', { flags: String(v.flags) });
    default:
      return '';
  }
}
