// What the workstation says in the ledger commands' own refusals and lines (ledger, ledger team,
// ledger transcript: src/cli/commands/ledger*.ts), in English. Part of the core's catalogue (en.ts
// spreads it in); ledger-command-words-es.ts has every key. English is kept byte for byte as before.

export const ledgerCommandWordsEn = {
} as const;

/** What ledger-command-words-es.ts (and any other language) fills: every key above. */
export type LedgerCommandWordsCatalogue = { readonly [K in keyof typeof ledgerCommandWordsEn]: string };
