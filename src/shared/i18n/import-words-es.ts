// Las descripciones de cobertura y los rechazos del importador de Markdown, en español: las mismas
// claves que import-words-en.ts (el compilador rechaza una clave que falte o sobre).
import type { ImportWordsCatalogue } from './import-words-en';

export const importWordsEs: ImportWordsCatalogue = {
};
