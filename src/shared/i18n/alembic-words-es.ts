// Lo mismo que alembic-words-en.ts, en español (usted): las mismas claves (el compilador
// rechaza una clave que falte o sobre).
import type { AlembicWordsCatalogue } from './alembic-words-en';

export const alembicWordsEs: AlembicWordsCatalogue = {
};
