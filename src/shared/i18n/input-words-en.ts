// What the workstation says about bounded reads of input files, byte sizes, YAML parser reasons and vault migrate-artifacts, in English. Part of the core's catalogue
// (en.ts spreads it in); input-words-es.ts has every key. English is kept byte for byte as before.

export const inputWordsEn = {
} as const;

/** What input-words-es.ts (and any other language) fills: every key above. */
export type InputWordsCatalogue = { readonly [K in keyof typeof inputWordsEn]: string };
