// Lo mismo que checks-words-en.ts, en español (usted): las mismas claves (el compilador
// rechaza una clave que falte o sobre).
import type { ChecksWordsCatalogue } from './checks-words-en';

export const checksWordsEs: ChecksWordsCatalogue = {
};
