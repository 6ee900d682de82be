// Lo mismo que signature-words-en.ts, en español (usted): las mismas claves (el compilador rechaza una
// clave que falte o sobre).
import type { SignatureWordsCatalogue } from './signature-words-en';

export const signatureWordsEs: SignatureWordsCatalogue = {
};
