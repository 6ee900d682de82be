// The Markdown importer's coverage descriptions and refusals, in English. Part of the core's
// catalogue (en.ts spreads it in, so translate() takes these keys); import-words-es.ts has every
// key (a missing one is a compile error).
//
// What a source line became ("mapped to …") is kept in the report's data (--json, the window's
// view) exactly as the importer writes it; these are those sentences with {placeholders} where
// a place in the draft goes, so the report words them again for people (coverage.ts).

export const importWordsEn = {
  'import.to.leadIn': 'lead-in: the list below becomes {what}',
  'import.to.list.steps': 'steps',
  'import.to.list.expectations': 'expectations',
  'import.to.list.abortGates': 'abort gates',
  'import.to.list.attestSteps': 'attest steps',
  'import.to.step': '{where} ({kind})',
  'import.to.expect': '{where}.expect (output_contains)',
  'import.to.patternTodo': '{where}.abort_on (pattern TODO)',
  'import.to.passwordRemoved': '{where} (password removed: give it through secret_env)',
  'import.to.phaseAt': 'phases[{id}] at {at}',
  'import.to.attestProducing': '{where} (attest producing {file})',
  'import.outIsSource': '--out {out} is the Markdown file itself: give another path for the YAML draft',
  'import.cannotWrite': 'cannot write {path}: {code}: give a writable path for the YAML draft',
} as const;

/** What import-words-es.ts (and any other language) fills: every key above. */
export type ImportWordsCatalogue = { readonly [K in keyof typeof importWordsEn]: string };
