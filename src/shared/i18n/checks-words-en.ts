// What the workstation says in the PostgreSQL checks (src/core/checks: preflight.ts, session.ts,
// wal.ts, activity.ts, objects.ts, diff.ts), in English. Part of the core's catalogue (en.ts
// spreads it in); checks-words-es.ts has every key. English is kept byte for byte as before.

export const checksWordsEn = {
} as const;

/** What checks-words-es.ts (and any other language) fills: every key above. */
export type ChecksWordsCatalogue = { readonly [K in keyof typeof checksWordsEn]: string };
