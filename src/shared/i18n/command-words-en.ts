// What the workstation says about the CLI commands' own refusals and lines (alembic, record/artifact, demo, ledger, pg, report, act, lang), in English. Part of the core's catalogue
// (en.ts spreads it in); command-words-es.ts has every key. English is kept byte for byte as before.

export const commandWordsEn = {
} as const;

/** What command-words-es.ts (and any other language) fills: every key above. */
export type CommandWordsCatalogue = { readonly [K in keyof typeof commandWordsEn]: string };
