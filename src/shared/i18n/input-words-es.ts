// Lo mismo que input-words-en.ts, en español (usted): las mismas claves (el compilador rechaza una
// clave que falte o sobre).
import type { InputWordsCatalogue } from './input-words-en';

export const inputWordsEs: InputWordsCatalogue = {
  'input.read.notAFile': '{the} {path} no es un archivo.',
  'input.read.noFile': 'No hay ningún archivo de {what} en {path}.',
  'input.read.tooLarge': 'El archivo de {what} {path} ocupa {size}; un archivo de {what} ocupa como mucho {max}. ¿Es el archivo correcto?',
  'input.what.answers': 'respuestas',
  'input.what.plan': 'plan',
  'input.what.signature': 'firma',
  'input.what.act': 'acto',
  'input.what.fingerprint': 'huella de esquema',
  'input.what.publicKey': 'clave pública',
  'input.what.statement': 'declaración',
  'input.the.answers': 'El archivo de respuestas',
  'input.the.plan': 'El plan',
  'input.the.signature': 'La firma',
  'input.the.act': 'El acto',
  'input.the.fingerprint': 'La huella de esquema',
  'input.the.publicKey': 'La clave pública',
  'input.the.statement': 'La declaración',
};
