// Lo que dicen vault verify, las identidades y la construcción del paquete cuando algo está mal,
// en español: las mismas claves que vault-words-en.ts (el compilador rechaza una clave que falte o
// sobre).
import type { VaultWordsCatalogue } from './vault-words-en';

export const vaultWordsEs: VaultWordsCatalogue = {
};
