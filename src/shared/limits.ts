// Limits both sides of the contract need; kept apart from contract.ts so the renderer can use
// them without bundling zod.

/** The vault core's floor for a new passphrase, checked at the boundary so the form can say so at once. */
export const MIN_NEW_PASSPHRASE_LENGTH = 8;
