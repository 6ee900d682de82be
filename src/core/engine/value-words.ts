// A reference's missing value, a shell splice or a probe's problem is said in English where it is
// found (values.ts, monitor.ts), because a `that:` gate records the same words in the chain. Where
// it only reaches a person as a refusal, it is worded again in the run's language from the
// engine's catalogue (engine-words-en.ts); anything else (an expression's own error) stays as it is.
import type { Lang, MessageKey } from '../../shared/i18n';
import { wordAgain, type Nested } from '../reports/word-again';

/** The English sentences values.ts and monitor.ts throw, as the catalogue holds them (a missing value's are the `that:` gate's). */
export const VALUE_KEYS: readonly MessageKey[] = ['gate.that.noValueYet', 'gate.that.noParam', 'engine.value.splice', 'engine.monitor.thresholdValues', 'engine.monitor.probeTarget'];

/** Why a value is missing: the {missing} part of gate.that.noValueYet, and a step's {why}. */
export const VALUE_NESTED: Nested = {
  missing: ['gate.that.noValue', 'gate.that.noStep', 'gate.that.stepWhy', 'gate.that.notHere'],
  why: ['gate.that.notRunYet', 'gate.that.wasSkipped', 'gate.that.wasNotApplicable', 'gate.that.passedWithout', 'gate.that.isStatus'],
};

/** A value's problem in `lang` when it is one of the engine's sentences, else as it was thrown. */
export function valueWords(lang: Lang, message: string): string {
  return wordAgain(lang, message, VALUE_KEYS, VALUE_NESTED);
}
