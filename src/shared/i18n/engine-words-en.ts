// The engine's own refusals and the act problems it names (src/core/engine, src/core/acts), in
// English. Part of the core's catalogue (en.ts spreads it in, so translate() takes these keys);
// engine-words-es.ts has every key (a missing one is a compile error).

export const engineWordsEn = {
} as const;

/** What engine-words-es.ts (and any other language) fills: every key above. */
export type EngineWordsCatalogue = { readonly [K in keyof typeof engineWordsEn]: string };
