// Lo que dice `cutover demo` mientras avanza, y lo que escriben sus personas (sus registros,
// motivos y decisiones), en español: las mismas claves que demo-words-en.ts (el compilador
// rechaza una clave que falte o sobre).
import type { DemoWordsCatalogue } from './demo-words-en';

export const demoWordsEs: DemoWordsCatalogue = {
  // ---- rechazos ------------------------------------------------------------------------------
  'demo.refuse.notEmpty': '{out} no está vacía; indique en --out una carpeta nueva o vacía.',
  'demo.refuse.unknownExample': 'No hay ningún ejemplo "{name}": indique uno de {names}.',
  'demo.refuse.noHost': 'El ejemplo "{name}" aún no tiene un host de sustitución donde ensayarlo; `cutover runbook validate examples/{name}-cutover.yaml` lo comprueba.',
  'demo.refuse.blockedOnly': '--blocked solo va con el ejemplo alembic-governance.',
  // ---- la preparación ------------------------------------------------------------------------
  'demo.db.anchor': 'Base de datos desechable {db} en {host}, en el esquema ancla 0019 sin linaje de Alembic.',
  'demo.db.postgres': 'Base de datos PostgreSQL desechable {db} en {host}.',
  'demo.db.postgresCopy': 'Base de datos PostgreSQL desechable {db} en {host} (una copia de {template}).',
  'demo.db.mariadb': 'Base de datos MariaDB desechable {db} (usuario {user}), con datos iniciales y reforzada con scripts/mysql_incremental_indexes.sql.',
  'demo.db.previousRelease': 'Versión anterior: cada dominio sincronizado por la ruta de copia completa en 0011_sync_baseline.',
  'demo.api.started': 'API del host iniciada: {url} (pid {pid}; registro {log}).',
  'demo.cleanup': 'limpieza: {message}',
  'demo.identity.owner': 'Identidad operator: la dueña de la bóveda, clave Ed25519 {fingerprint} generada dentro de la bóveda (la única clave privada que guarda).',
  'demo.identity.ownerRoles': 'Identidad operator ({roles}): la dueña de la bóveda, clave {fingerprint}.',
  'demo.identity.approver': 'Identidad {name} (aprobador): solo la clave pública; probada con ssh-keygen -Y sign en {dir}.',
  'demo.identity.person': 'Identidad {name} ({roles}): solo la clave pública, probada con ssh-keygen en {dir}.',
  // ---- la ejecución --------------------------------------------------------------------------
  'demo.run.started': 'Ejecución {runId} de {title} ({environment}).',
  'demo.attested': '  {step}: atestiguado por {name} (acto firmado con ssh-keygen en su máquina)',
  'demo.attestedRole': '  {step}: atestiguado por {name} ({role}; acto firmado con ssh-keygen en su máquina)',
  'demo.planApproved': '  plan aprobado por {name} (ssh-keygen -Y sign -n {ns} en su máquina)',
  'demo.gate.warning': '    aviso: {gate} ({detail})',
  'demo.gate.failed': '    falló: {gate} ({detail})',
  'demo.decision.rollback': '  decisión: ruta de rollback',
  'demo.decision.recorded': '  decisión registrada y autorizada por {name} (comandante del incidente)',
  'demo.stopped': 'El ensayo se detuvo en {step}: {reason}. Sin decisión ni paquete.',
  // ---- lo que escriben las personas de la demo -----------------------------------------------
  'demo.says.blockedReason': 'DuplicateTable durante alembic upgrade head (compuerta de aborto)',
  'demo.says.rootCauseBlocked': 'La migración 0023 crea una tabla que ya existe (DuplicateTable)',
  'demo.says.rootCauseNone': 'Ninguna: todas las condiciones pasaron',
  'demo.says.rootCauseRehearsal': 'Ninguna: todas las condiciones pasaron en el ensayo',
  'demo.says.drift': 'Ninguna (paridad estructural 0019 PASS)',
  'demo.says.stop': 'detenido en la compuerta de aborto',
  'demo.says.preserveLogs': 'todas las transcripciones están en la bóveda',
  'demo.says.noMoreMigrations': 'no se ejecutó ningún otro comando de migración',
  'demo.says.pitr': 'la decisión sobre PITR pasó al DBA de guardia',
  'demo.says.manualDone': 'hecho (ensayo de la demo)',
  // ---- el resumen de la CLI ------------------------------------------------------------------
  'demo.summary.vault': 'Bóveda: {vault}',
  'demo.summary.passphrase': '  (frase de contraseña: {passphrase})',
  'demo.summary.machines': 'Máquinas de los aprobadores (sus propias claves; firmaron con ssh-keygen): {dir}/machines/',
  'demo.summary.pack': 'Paquete firmado: {folder}\n                 {zip}\nPDF de la decisión: {folder}/decision.pdf',
  'demo.summary.verification': 'Verificación del paquete: {summary}',
  'demo.summary.notRun': 'no se ejecutó',
  'demo.summary.verifyYourself': 'Verifíquelo usted mismo:\n  cd {folder} && sha256sum -c SHA256SUMS\n  cat VERIFY.txt   (la línea ssh-keygen -Y verify de cada firma)\n  npx cutover pack verify {zip}',
  'demo.summary.incident': 'Ejecución BLOQUEADA en la compuerta de aborto. Informe del incidente:\n  {markdown}\n  {pdf}',
  'demo.summary.seeRun': 'Vea la ejecución: CUTOVER_PASSPHRASE=… npx cutover run status --vault {vault} {runId}',
};
