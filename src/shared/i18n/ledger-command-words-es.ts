// Lo mismo que ledger-command-words-en.ts, en español (usted): las mismas claves (el compilador
// rechaza una clave que falte o sobre).
import type { LedgerCommandWordsCatalogue } from './ledger-command-words-en';

export const ledgerCommandWordsEs: LedgerCommandWordsCatalogue = {
};
