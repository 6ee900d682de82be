// `--help` en español: cada descripción, resumen, opción, argumento y texto de ayuda de la CLI,
// con su texto inglés (tal como lo registra src/cli/commands/*.ts) como clave. Lo usa
// src/cli/help-words.ts; test/cli/help-words.test.ts comprueba que cada texto del árbol de órdenes
// tiene aquí su traducción y que cada traducción corresponde a un texto. Dos partes, por órdenes.
import { helpTextEsCommandsA } from './help-text-es-a';
import { helpTextEsCommandsB } from './help-text-es-b';

export const helpTextEs: Readonly<Record<string, string>> = { ...helpTextEsCommandsA, ...helpTextEsCommandsB };
