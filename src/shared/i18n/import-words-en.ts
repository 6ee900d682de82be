// The Markdown importer's coverage descriptions and refusals, in English. Part of the core's
// catalogue (en.ts spreads it in, so translate() takes these keys); import-words-es.ts has every
// key (a missing one is a compile error).

export const importWordsEn = {
} as const;

/** What import-words-es.ts (and any other language) fills: every key above. */
export type ImportWordsCatalogue = { readonly [K in keyof typeof importWordsEn]: string };
