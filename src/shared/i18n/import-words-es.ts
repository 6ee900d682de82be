// Las descripciones de cobertura y los rechazos del importador de Markdown, en español: las mismas
// claves que import-words-en.ts (el compilador rechaza una clave que falte o sobre). Las rutas del
// borrador (phases[P0].steps[…], evidence_pack, output_contains) son las del YAML y no se traducen.
import type { ImportWordsCatalogue } from './import-words-en';

export const importWordsEs: ImportWordsCatalogue = {
  'import.to.leadIn': 'frase introductoria: la lista de debajo pasa a ser {what}',
  'import.to.list.steps': 'pasos',
  'import.to.list.expectations': 'expectativas',
  'import.to.list.abortGates': 'compuertas de aborto',
  'import.to.list.attestSteps': 'pasos attest',
  'import.to.step': '{where} (paso {kind})',
  'import.to.expect': '{where}.expect (output_contains)',
  'import.to.patternTodo': '{where}.abort_on (patrón TODO)',
  'import.to.passwordRemoved': '{where} (contraseña quitada: indíquela mediante secret_env)',
  'import.to.phaseAt': 'phases[{id}] en {at}',
  'import.to.attestProducing': '{where} (paso attest que produce {file})',
  'import.outIsSource': '--out {out} es el propio archivo Markdown: indique otra ruta para el borrador YAML',
  'import.cannotWrite': 'no se puede escribir {path}: {code}: indique una ruta con permiso de escritura para el borrador YAML',
};
