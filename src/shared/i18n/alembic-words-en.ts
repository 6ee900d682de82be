// What the workstation says in the alembic findings (src/core/alembic: findings.ts, graph.ts,
// version-table.ts, plan.ts, inspect.ts), in English. Part of the core's catalogue (en.ts
// spreads it in); alembic-words-es.ts has every key. English is kept byte for byte as before.

export const alembicWordsEn = {
} as const;

/** What alembic-words-es.ts (and any other language) fills: every key above. */
export type AlembicWordsCatalogue = { readonly [K in keyof typeof alembicWordsEn]: string };
