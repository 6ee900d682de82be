// Lo que main mismo dice al rechazar una llamada o no poder hacerla, en español: las mismas
// claves que main-en.ts (el compilador rechaza una clave que falte o sobre).
import type { MainCatalogue } from './main-en';

export const mainEs: MainCatalogue = {
  // ---- la sesión del vault ------------------------------------------------------------------
  'main.vault.lockedIdle': 'La bóveda se bloqueó sola tras un rato sin actividad. Desbloquéela de nuevo para continuar.',
  'main.vault.noneOpen': 'No hay ninguna bóveda desbloqueada. Cree o desbloquee una bóveda primero.',
  'main.vault.stepRunning': 'Hay un paso en ejecución. Cancélelo o espere a que termine antes de bloquear o cambiar de bóveda.',
  'main.vault.notFound': 'No hay ninguna bóveda en {path}. Compruebe la ruta, o cree una con `cutover vault init --vault {path}`.',
  'main.vault.exists': '{path} ya existe; una bóveda nueva nunca se escribe sobre un archivo que existe. Elija otra ruta.',
  'main.vault.keyslotsMissing': 'Falta el archivo de claves {keyslots} que desbloquea {path}. Una bóveda son dos archivos: mantenga {keyslots} a su lado (restáurelo de la misma copia de seguridad que la bóveda).',
  'main.vault.notAVault': '{path} no es una bóveda de Cutover. Elija un archivo creado por Cutover Workstation (o con `cutover vault init`).',
  'main.vault.wrongPassphrase': 'Frase de contraseña incorrecta: no desbloquea esta bóveda. No se cambió nada; inténtelo de nuevo.',
  'main.vault.corrupt': '{path} está dañado. No se escribió nada; restaure la bóveda de una copia de seguridad, o guarde esta copia para el análisis forense.',
  'main.vault.tooNew': '{path} lo escribió una versión más reciente de Cutover Workstation. Actualice la aplicación para abrirlo; la bóveda no se tocó.',
  'main.vault.busy': '{path} está ocupado: otro proceso de Cutover está escribiendo en él. Espere a que termine, o cierre la otra ventana, y vuelva a intentarlo.',
  'main.vault.readOnly': '{path} no se puede escribir aquí (solo lectura). Abra una copia en la que pueda escribir, o corrija los permisos del archivo.',
  'main.vault.diskFull': 'El disco donde está {path} está lleno. Libere espacio y vuelva a intentarlo; no se dañó nada de lo guardado.',
  'main.vault.keychainCannot': 'El llavero del sistema no puede desbloquear esta bóveda. Desbloquéela con la frase de contraseña.',
  'main.keychain.unavailable': 'Esta máquina no ofrece a Cutover Workstation ningún llavero del sistema (Electron safeStorage no está disponible), así que una bóveda no puede recordarse ni desbloquearse con él. Use la frase de contraseña.',

  // ---- personas, claves y archivos ----------------------------------------------------------
  'main.identity.notFound': 'No hay ninguna identidad llamada "{name}" en esta bóveda.',
  'main.key.notInVault': 'La clave {fingerprint} de {path} no es la clave de ninguna identidad de esta bóveda; añada primero a su persona en la pantalla de Personas (por clave pública). La clave no se guardó.',
  'main.key.custodialFile': 'La clave {fingerprint} es de {name}, cuya clave guardó antes esta bóveda (custodia); nunca firma. Regístrelo de nuevo por clave pública con otro nombre.',
  'main.key.noIdentity': 'No hay ninguna identidad llamada "{name}" en esta bóveda; no se hizo nada.',
  'main.key.custodial': 'La clave de {name} la guardaba esta bóveda antes de que cada persona tuviera la suya (custodia); nunca firma. Regístrelo de nuevo por clave pública con otro nombre.',
  'main.key.notProven': '{name} aún no ha demostrado su clave (Personas: importe su declaración de identidad firmada); sus actos no cuentan, así que no se hizo nada.',
  'main.key.notUsable': 'La clave de {name} ({fingerprint}) no se puede usar en esta estación de trabajo, así que no se hizo nada en su nombre. Traiga su archivo de clave para esta sesión (Personas: "Traer un archivo de clave"), o exporte el acto para que {name} lo firme en su propia máquina e impórtelo.',
  'main.file.notChosen': 'Ese {what} no se eligió en el diálogo de archivos de esta ventana. Pulse «Examinar…» y elija allí el archivo: la ventana solo lee y escribe archivos elegidos en el diálogo del sistema.',
  'main.file.purpose.plan': 'archivo de plan',
  'main.file.purpose.markdown': 'runbook en Markdown',
  'main.file.purpose.draft': 'archivo donde guardar el borrador',
  'main.file.purpose.runbook': 'runbook',
  'main.file.purpose.key': 'archivo de clave',
  'main.file.purpose.pack': 'paquete',
  'main.file.purpose.act': 'acto',
  'main.file.purpose.signature': 'archivo de firma',
  'main.pack.notFound': 'No hay ningún paquete en {path}: indique una carpeta de paquete o un .zip de paquete.',
  'main.pack.unreadable': 'No se puede leer el paquete de {path} ({code}). Compruebe la ruta y que esta aplicación pueda leerlo, e impórtelo de nuevo; no se registró nada.',
  'main.draft.isSource': '{file} es el propio runbook en Markdown: elija otro archivo para el borrador YAML (por ejemplo {example}.yaml).',
  'main.draft.changed': '{file} cambió desde que se importó: el borrador que se muestra no es lo que da ahora. Impórtelo de nuevo, revise el borrador y guárdelo.',
  'main.draft.notAFile': '{path} no es un archivo normal: elija un nombre de archivo para el borrador YAML.',
  'main.draft.exists': '{path} ya existe. Sustitúyalo por el borrador, o elija otro nombre.',
  'main.draft.cannotWrite': 'No se puede escribir {path} ({why}): elija una carpeta en la que pueda escribir.',
  'main.file.notOpenable': 'Desde aquí solo se puede abrir un PDF que haya escrito esta ventana (el decision.pdf de un paquete, un informe de incidente).',

  // ---- ejecuciones y destinos ---------------------------------------------------------------
  'main.run.notFound': 'No hay ninguna ejecución {runId} en esta bóveda; véala con `cutover run list`.',
  'main.run.stepRunning': 'El paso {step} ya se está ejecutando.',
  'main.run.actOtherRun': 'Este acto es de la ejecución {run}, no de la que está abierta aquí ({runId}); no se registró nada.',
  'main.target.notFound': 'No hay ningún destino guardado llamado "{name}". Añádalo primero en la pantalla de Destinos.',
  'main.target.notPostgres': 'El destino "{name}" es de tipo {kind}; esto necesita un destino PostgreSQL.',

  // ---- el War room ----------------------------------------------------------------------------
  'main.warRoom.noLedger': 'El War room no sigue ningún libro mayor para esta bóveda: conéctese primero al libro mayor del equipo.',
  'main.warRoom.stopped': 'El War room dejó de seguir este libro mayor: sígalo de nuevo.',
  'main.warRoom.notJoined': 'Esta bóveda no se ha unido al libro mayor que sigue ({ledger}), así que nada de lo que firma llega al operador: únalo primero (`cutover ledger join --vault {vault} --db {url} --name WORKSTATION`).',
  'main.warRoom.keyLocked': 'La clave de {name} no está desbloqueada en esta sesión (pantalla de Personas, claves de la sesión): no se firmó nada.',

  // ---- el contrato mismo --------------------------------------------------------------------
  'main.channel.unknown': '"{channel}" no es un canal del contrato de esta aplicación.',
  'main.input.field': '{path}: {problem}',
  'main.input.whole': '{problem}',
  'main.input.invalidType': 'el valor falta o no es del tipo esperado (se esperaba {expected}). Envíelo como pide el formulario.',
  'main.input.type.string': 'un texto',
  'main.input.type.number': 'un número',
  'main.input.type.boolean': 'verdadero o falso',
  'main.input.type.object': 'un objeto',
  'main.input.type.array': 'una lista',
  'main.input.tooSmall': 'el valor es demasiado corto o pequeño (como mínimo {minimum}). Rellénelo de nuevo.',
  'main.input.tooBig': 'el valor es demasiado largo o grande (como máximo {maximum}). Acórtelo y vuelva a intentarlo.',
  'main.input.invalidFormat': 'el valor no tiene el formato esperado ({format}). Corríjalo y vuelva a intentarlo.',
  'main.input.invalidValue': 'el valor no es uno de los permitidos ({values}). Elija uno de ellos.',
  'main.input.unrecognizedKeys': 'campos que esta llamada no admite: {keys}. Quítelos.',
  'main.input.other': 'el valor no es válido aquí. Corríjalo y vuelva a intentarlo.',
};
