// Lo mismo que cli-words-en.ts, en español (usted): las mismas claves (el compilador rechaza una
// clave que falte o sobre).
import type { CliWordsCatalogue } from './cli-words-en';

export const cliWordsEs: CliWordsCatalogue = {
  'cli.usage.missingArgument': 'error: falta el argumento obligatorio \'{name}\'',
  'cli.usage.optionMissingArgument': 'error: a la opción \'{flags}\' le falta su valor',
  'cli.usage.missingMandatoryOptionValue': 'error: no se indicó la opción obligatoria \'{flags}\'',
  'cli.usage.unknownOption': 'error: opción desconocida \'{flag}\'{suggestion}',
  'cli.usage.unknownCommand': 'error: orden desconocida \'{name}\'{suggestion}',
  'cli.usage.excessArguments.one': 'error: demasiados argumentos{where}: se esperaba {n} y se recibieron {got}.',
  'cli.usage.excessArguments.other': 'error: demasiados argumentos{where}: se esperaban {n} y se recibieron {got}.',
  'cli.usage.excessWhere': ' para \'{command}\'',
  'cli.usage.didYouMean': '\n(¿Quiso decir {candidate}?)',
  'cli.usage.didYouMeanOneOf': '\n(¿Quiso decir una de estas: {candidates}?)',
  'cli.usage.help': '(ejecute con --help para ver cómo se usa)',
  'cli.internal': 'error interno (por favor, notifíquelo con este mensaje): {detail}',
  'cli.fs.ENOENT': 'No existe el archivo o la carpeta: {path}. Revise la ruta{writing}.',
  'cli.fs.ENOENT.writing': ' (para escribir un archivo, su carpeta debe existir)',
  'cli.fs.EISDIR': '{path} es una carpeta, donde hace falta un archivo: indique un nombre de archivo.',
  'cli.fs.ENOTDIR': 'Una parte de {path} es un archivo, donde hace falta una carpeta: indique una carpeta (nueva o existente).',
  'cli.fs.EEXIST': '{path} ya existe{notFolder}: indique otro nombre o apártelo primero.',
  'cli.fs.EEXIST.notFolder': ' y no es una carpeta',
  'cli.fs.EACCES': 'Permiso denegado en {path}: revise de quién es y sus permisos.',
  'cli.fs.EROFS': '{path} está en un sistema de archivos de solo lectura: escriba en otro lugar.',
  'cli.fs.ENOSPC': 'El disco que contiene {path} está lleno (o sin cuota): no se pudo escribir nada más allí. Libere espacio y ejecute la orden de nuevo; los archivos que ya había terminado están intactos.',
  'cli.fs.ENAMETOOLONG': 'El nombre {path} es demasiado largo para este sistema de archivos.',
  'cli.fs.ELOOP': '{path} es un bucle de enlaces simbólicos.',
  'cli.fs.aPath': 'una ruta',
};
