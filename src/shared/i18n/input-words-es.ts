// Lo mismo que input-words-en.ts, en español (usted): las mismas claves (el compilador rechaza una
// clave que falte o sobre).
import type { InputWordsCatalogue } from './input-words-en';

export const inputWordsEs: InputWordsCatalogue = {
};
