// What the workstation says about the signed acts' problems in vault verify, the ledger witness, the signing module (SSHSIG) and a pack verdict's problems, in English. Part of the core's catalogue
// (en.ts spreads it in); signature-words-es.ts has every key. English is kept byte for byte as before.

export const signatureWordsEn = {
} as const;

/** What signature-words-es.ts (and any other language) fills: every key above. */
export type SignatureWordsCatalogue = { readonly [K in keyof typeof signatureWordsEn]: string };
