// Lo mismo que command-words-en.ts, en español (usted): las mismas claves (el compilador rechaza una
// clave que falte o sobre).
import type { CommandWordsCatalogue } from './command-words-en';

export const commandWordsEs: CommandWordsCatalogue = {
};
