// The runbook's validation errors, and its value and threshold checks, in English. Part of the
// core's catalogue (en.ts spreads it in, so translate() takes these keys); runbook-rules-es.ts has
// every key (a missing one is a compile error).

export const runbookRulesEn = {
} as const;

/** What runbook-rules-es.ts (and any other language) fills: every key above. */
export type RunbookRulesCatalogue = { readonly [K in keyof typeof runbookRulesEn]: string };
