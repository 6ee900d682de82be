// What vault verify, identities and pack building say when something is wrong, in English. Part of
// the core's catalogue (en.ts spreads it in, so translate() takes these keys); vault-words-es.ts
// has every key (a missing one is a compile error).

export const vaultWordsEn = {
} as const;

/** What vault-words-es.ts (and any other language) fills: every key above. */
export type VaultWordsCatalogue = { readonly [K in keyof typeof vaultWordsEn]: string };
