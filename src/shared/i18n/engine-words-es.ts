// Los rechazos propios del motor y los problemas de los actos que nombra, en español: las mismas
// claves que engine-words-en.ts (el compilador rechaza una clave que falte o sobre).
import type { EngineWordsCatalogue } from './engine-words-en';

export const engineWordsEs: EngineWordsCatalogue = {
};
