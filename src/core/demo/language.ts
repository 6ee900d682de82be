// `cutover --lang es demo`: the shipped examples are written in English and name no language. A
// team that writes in Spanish declares `language: es` in its runbook; then everything the core
// writes for that run (refusals, the decision, the incident report, the pack, VERIFY.txt) is
// Spanish whoever reads or exports it, and a pack exports to the same bytes on every machine. The
// demo shows exactly that: in another language, it runs the example with that declaration added.
import type { Lang } from '../../shared/i18n';

/** The example's text as a team writing in `language` would declare it (unchanged for English or a runbook that names one). */
export function exampleIn(text: string, language: Lang | undefined): string {
  if (!language || language === 'en' || /^language:/m.test(text)) return text;
  return `# cutover demo --lang ${language}: the example as a team that writes in this language declares it.\nlanguage: ${language}\n${text}`;
}
