// Parte B de help-text-es.ts (véase allí).
export const helpTextEsCommandsB: Readonly<Record<string, string>> = {
  "Cutover Workstation: an encrypted, tamper-evident evidence vault for governance-gated database cutovers.":
    "Cutover Workstation: una bóveda de evidencias cifrada y a prueba de manipulación para cutovers de bases de datos sujetos a gobernanza.",
  "output the version number":
    "muestra el número de versión",
  "the language of the human output (en or es) where the run's runbook names none; a runbook's language: wins; JSON is never translated":
    "el idioma de la salida para personas (en o es) cuando el runbook de la ejecución no indica ninguno; manda el language: del runbook; el JSON nunca se traduce",
  "display help for command":
    "muestra la ayuda de la orden",
  "\nExit codes:\n  0  ok\n  1  a check or verification failed (the vault verified with problems)\n  2  bad input or usage, wrong passphrase, not a vault, vault damaged or busy\n  70 internal error (a bug; the message says what happened)\n\nEnvironment:\n  CUTOVER_PASSPHRASE      the vault passphrase (otherwise asked on the terminal; never an argument)\n  CUTOVER_NEW_PASSPHRASE  the new passphrase for `vault passwd`\n  CUTOVER_ACTOR           who acts: an identity name (default: your user name); acts are signed with their key\n  CUTOVER_KEY_PASSPHRASE  the passphrase of an SSH key file (otherwise asked on the terminal)\n  CUTOVER_SECRET_VALUE    the value for `secret set` (otherwise asked on the terminal)\n  SSH_AUTH_SOCK           the ssh-agent for `identity add --agent`, signing and SSH targets\n  PGURL                   the PostgreSQL server `demo` makes its throwaway database on\n  CUTOVER_LANG            the language of the human output where the run's runbook names none (en, es), as --lang\n":
    "\nCódigos de salida:\n  0  correcto\n  1  falló una comprobación o verificación (la bóveda se verificó con problemas)\n  2  entrada o uso incorrectos, frase de contraseña errónea, no es una bóveda, bóveda dañada u ocupada\n  70 error interno (un fallo del programa; el mensaje dice qué ocurrió)\n\nEntorno:\n  CUTOVER_PASSPHRASE      la frase de contraseña de la bóveda (si no, se pide en el terminal; nunca como argumento)\n  CUTOVER_NEW_PASSPHRASE  la nueva frase de contraseña para `vault passwd`\n  CUTOVER_ACTOR           quién actúa: un nombre de identidad (por omisión: su nombre de usuario); los actos se firman con su clave\n  CUTOVER_KEY_PASSPHRASE  la frase de contraseña de un archivo de clave SSH (si no, se pide en el terminal)\n  CUTOVER_SECRET_VALUE    el valor para `secret set` (si no, se pide en el terminal)\n  SSH_AUTH_SOCK           el ssh-agent para `identity add --agent`, las firmas y los destinos SSH\n  PGURL                   el servidor PostgreSQL en el que `demo` crea su base de datos desechable\n  CUTOVER_LANG            el idioma de la salida para personas cuando el runbook de la ejecución no indica ninguno (en, es), como --lang\n",
  "read-only Alembic checks: revision graph, upgrade path, alembic_version, offline SQL":
    "comprobaciones de Alembic de solo lectura: grafo de revisiones, ruta de actualización, alembic_version, SQL sin conexión",
  "read the scripts (and alembic_version, read-only) and report heads, the upgrade path and findings (exit 1 on any error finding)":
    "lee los scripts (y alembic_version, en solo lectura) e informa de las cabezas, la ruta de actualización y los hallazgos (sale con 1 ante cualquier hallazgo de error)",
  "the folder holding alembic.ini (or the ini file, or the script directory)":
    "la carpeta que contiene alembic.ini (o el archivo ini, o el directorio de scripts)",
  "postgresql:// URL of the database (password from PGPASSWORD)":
    "URL postgresql:// de la base de datos (contraseña desde PGPASSWORD)",
  "without --db: the revision(s) the database is at, comma-separated (default: the base)":
    "sin --db: la(s) revisión(es) en la que está la base de datos, separadas por comas (por omisión: la base)",
  "head, heads, or a revision id":
    "head, heads o un id de revisión",
  "the runbook's expected upgrade path, comma-separated, checked against Alembic's order":
    "la ruta de actualización que espera el runbook, separada por comas, contrastada con el orden de Alembic",
  "Alembic's version_table":
    "el version_table de Alembic",
  "Alembic's version_table_schema (default: search_path)":
    "el version_table_schema de Alembic (por omisión: search_path)",
  "load order of revision files: directory (Alembic 1.8) or name (newer Alembic)":
    "orden de carga de los archivos de revisión: directory (Alembic 1.8) o name (Alembic más reciente)",
  "preview: run the real `alembic upgrade FROM:TO --sql` and print the script (exit 1 when it cannot be rendered offline)":
    "vista previa: ejecuta el `alembic upgrade FROM:TO --sql` real e imprime el script (sale con 1 si no se puede generar sin conexión)",
  "the folder holding alembic.ini (or the ini file)":
    "la carpeta que contiene alembic.ini (o el archivo ini)",
  "read the starting revision(s) from this database (read-only)":
    "lee la(s) revisión(es) de partida de esta base de datos (en solo lectura)",
  "the starting revision(s), comma-separated (default: the base)":
    "la(s) revisión(es) de partida, separadas por comas (por omisión: la base)",
  "head, heads or a revision id":
    "head, heads o un id de revisión",
  "how to run Alembic":
    "cómo ejecutar Alembic",
  "also write the script to this file":
    "escribe además el script en este archivo",
  "also store the script in this vault as evidence of a run (with --run; it goes in that run's decision pack)":
    "guarda además el script en esta bóveda como evidencia de una ejecución (con --run; va en el paquete de decisión de esa ejecución)",
  "with --vault: the run the preview is evidence of":
    "con --vault: la ejecución de la que la vista previa es evidencia",
  "with --vault: the stored file is <label>.sql (default upgrade-<from>-to-<to>)":
    "con --vault: el archivo guardado es <label>.sql (por omisión upgrade-<from>-to-<to>)",
  "read-only PostgreSQL checks: preflight, schema fingerprint, structural diff (the DSN carries no password: use PGPASSWORD or ~/.pgpass)":
    "comprobaciones de PostgreSQL de solo lectura: comprobación previa, huella de esquema, diferencia estructural (el DSN no lleva contraseña: use PGPASSWORD o ~/.pgpass)",
  "read-only checks before a cutover: version and settings, size, connections, long and idle-in-transaction sessions, blocking locks, replication, WAL archiving, invalid indexes, required objects (exit 1 if any FAIL)":
    "comprobaciones de solo lectura antes de un cutover: versión y parámetros, tamaño, conexiones, sesiones largas e inactivas en transacción, bloqueos que bloquean, replicación, archivado de WAL, índices no válidos, objetos requeridos (sale con 1 si hay algún FAIL)",
  "postgresql://user@host:port/dbname?sslmode=… (no password)":
    "postgresql://usuario@host:puerto/basededatos?sslmode=… (sin contraseña)",
  "tables that must exist (comma-separated; schema.name or name; repeatable)":
    "tablas que deben existir (separadas por comas; esquema.nombre o nombre; repetible)",
  "views that must exist":
    "vistas que deben existir",
  "indexes that must exist":
    "índices que deben existir",
  "enum types that must exist":
    "tipos enum que deben existir",
  "types (enum, domain, composite, range) that must exist":
    "tipos (enum, domain, composite, range) que deben existir",
  "foreign keys that must exist (name, table.name or schema.table.name)":
    "claves foráneas que deben existir (nombre, tabla.nombre o esquema.tabla.nombre)",
  "report active queries running longer than this (default 5m)":
    "informa de las consultas activas que duran más que esto (por omisión 5m)",
  "report sessions idle in a transaction longer than this (default 60s)":
    "informa de las sesiones inactivas en una transacción durante más que esto (por omisión 60s)",
  "WARN when a replica replays further behind than this (default 60s)":
    "WARN cuando una réplica reproduce con un retraso mayor que esto (por omisión 60s)",
  "WARN when the last archived WAL segment is older than this (default 1h)":
    "WARN cuando el último segmento de WAL archivado es más antiguo que esto (por omisión 1h)",
  "statement_timeout of each check (default 5s)":
    "statement_timeout de cada comprobación (por omisión 5s)",
  "a deterministic fingerprint of the schema from pg_catalog (tables, columns, constraints, indexes, foreign keys, enums, sequences, views)":
    "una huella determinista del esquema a partir de pg_catalog (tablas, columnas, restricciones, índices, claves foráneas, enums, secuencias, vistas)",
  "only these schemas (default: every non-system schema)":
    "solo estos esquemas (por omisión: todos los esquemas que no son del sistema)",
  "write the fingerprint document to this file":
    "escribe el documento de la huella en este archivo",
  "also store it in this vault (with --label)":
    "la guarda además en esta bóveda (con --label)",
  "the name it is stored under, e.g. rehearsal-0019 or prod":
    "el nombre con el que se guarda, p. ej. rehearsal-0019 o prod",
  "with --vault: the run it is evidence of (it goes in that run's decision pack)":
    "con --vault: la ejecución de la que es evidencia (va en el paquete de decisión de esa ejecución)",
  "statement_timeout of each catalog query (default 60s)":
    "statement_timeout de cada consulta al catálogo (por omisión 60s)",
  "read-only connections reading side by side on one snapshot (default 4; 1 for a single session)":
    "conexiones de solo lectura que leen en paralelo sobre una misma instantánea (por omisión 4; 1 para una sola sesión)",
  "print JSON (the summary and the whole document)":
    "imprime JSON (el resumen y el documento completo)",
  "compare two fingerprints, A the reference (e.g. the rehearsal clone) and B (e.g. prod): files, or vault:LABEL with --vault (exit 1 on drift; naming-equivalent foreign keys are not drift)":
    "compara dos huellas, A la de referencia (p. ej. el clon de ensayo) y B (p. ej. prod): archivos, o vault:LABEL con --vault (sale con 1 si hay deriva; las claves foráneas equivalentes salvo el nombre no son deriva)",
  "the vault holding vault:LABEL fingerprints":
    "la bóveda que guarda las huellas vault:LABEL",
  "a fingerprint file, or vault:LABEL":
    "un archivo de huella, o vault:LABEL",
  "the signed decision pack: export it, sign it offline, verify it with stock tools, import signatures":
    "el paquete de decisión firmado: expórtelo, fírmelo sin conexión, verifíquelo con herramientas estándar, importe las firmas",
  "export a run as a pack folder and a deterministic zip: evidence, the signed plan and its approvals, the chain, the signed acts, and every verdict the vault holds on it (only reads the vault; same vault state, same bytes)":
    "exporta una ejecución como una carpeta de paquete y un zip determinista: la evidencia, el plan firmado y sus aprobaciones, la cadena, los actos firmados y cada veredicto que la bóveda guarda sobre ella (solo lee la bóveda; mismo estado de la bóveda, mismos bytes)",
  "folder to write decision-pack-<run>/ and decision-pack-<run>.zip into":
    "carpeta en la que escribir decision-pack-<run>/ y decision-pack-<run>.zip",
  "check every hash, the manifest, each signature and the approval policy; says VERIFIED, AWAITING SIGNATURES or FAILED and names what fails":
    "comprueba cada hash, el manifiesto, cada firma y la política de aprobación; dice VERIFICADO, A LA ESPERA DE FIRMAS o FALLÓ y nombra lo que falla",
  "your organisation's allowed_signers roster: only its keys count (namespaces, valid-after, valid-before honoured as ssh-keygen does; cert-authority lines refused)":
    "la lista allowed_signers de su organización: solo cuentan sus claves (namespaces, valid-after y valid-before se respetan como lo hace ssh-keygen; las líneas cert-authority se rechazan)",
  "pack folder or zip":
    "carpeta o zip del paquete",
  "\nExit codes:\n  0  VERIFIED: intact and the approval policy met\n  3  AWAITING SIGNATURES: intact, no broken or rejected signature, the policy not met yet (a pack as exported)\n  1  FAILED: a file, the manifest, SHA256SUMS or the zip broken; a bad or untrusted signature; a rejection\n  2  bad input: no such pack, not a pack, an unreadable or unusable --allowed-signers file\n\nWithout --allowed-signers the signatures are checked against the pack's own allowed_signers:\nthat proves the pack is intact and self-consistent, not who signed it (the signers are \"claimed\").":
    "\nCódigos de salida:\n  0  VERIFICADO: intacto y cumplida la política de aprobación\n  3  A LA ESPERA DE FIRMAS: intacto, sin firmas rotas ni rechazadas, la política aún no se cumple (un paquete tal como se exporta)\n  1  FALLÓ: un archivo, el manifiesto, SHA256SUMS o el zip están rotos; una firma incorrecta o no fiable; un rechazo\n  2  entrada incorrecta: no existe el paquete, no es un paquete, un archivo de --allowed-signers ilegible o inutilizable\n\nSin --allowed-signers, las firmas se comprueban frente al propio allowed_signers del paquete:\neso prueba que el paquete está intacto y es coherente, no quién lo firmó (los firmantes son \"declarados\").",
  "sign a pack with your verdict (approve, or reject with a reason); needs only the pack and your key, no vault":
    "firma un paquete con su veredicto (aprobar, o rechazar con un motivo); solo necesita el paquete y su clave, no la bóveda",
  "who you are in the pack (your allowed_signers principal)":
    "quién es usted en el paquete (su principal en allowed_signers)",
  "OpenSSH private key file; its passphrase from CUTOVER_KEY_PASSPHRASE or the terminal":
    "archivo de clave privada de OpenSSH; su frase de contraseña desde CUTOVER_KEY_PASSPHRASE o el terminal",
  "sign with a key held by ssh-agent (SSH_AUTH_SOCK); hardware keys work":
    "firma con una clave que guarda ssh-agent (SSH_AUTH_SOCK); funcionan las claves de hardware",
  "with --agent: which key (default: the one the pack names for --identity)":
    "con --agent: qué clave (por omisión: la que el paquete indica para --identity)",
  "sign a rejection (needs --reason)":
    "firma un rechazo (necesita --reason)",
  "why (required with --reject; a comment with an approval)":
    "por qué (obligatorio con --reject; un comentario con una aprobación)",
  "pack folder, or zip (the signature is added into the zip, rewritten in place)":
    "carpeta del paquete, o zip (la firma se añade al zip, que se reescribe en su sitio)",
  "bring an identity's signature and verdict from a pack into the vault, checked against the vault's key for them and against the manifest this vault exports for the run now":
    "trae a la bóveda la firma y el veredicto de una identidad desde un paquete, comprobados frente a la clave que la bóveda tiene para ella y frente al manifiesto que esta bóveda exporta ahora para la ejecución",
  "pack folder or zip holding the signature":
    "carpeta o zip del paquete que contiene la firma",
  "whose signature":
    "de quién es la firma",
  "run the bundled alembic-governance example end to end on this machine (a throwaway database on the local PostgreSQL, PGURL overrides): the operator owns the vault; two approvers each hold their own key in OUT/machines/NAME and sign with plain ssh-keygen -Y sign":
    "ejecuta en esta máquina, de principio a fin, el ejemplo alembic-governance incluido (una base de datos desechable en el PostgreSQL local; PGURL lo cambia): el operador es dueño de la bóveda; dos aprobadores tienen cada uno su propia clave en OUT/machines/NAME y firman con un simple ssh-keygen -Y sign",
  "a new or empty folder for the vault, the signed pack and the PDF":
    "una carpeta nueva o vacía para la bóveda, el paquete firmado y el PDF",
  "run the variant that hits the DuplicateTable abort gate and write the incident report":
    "ejecuta la variante que choca con la compuerta de aborte DuplicateTable y escribe el informe de incidente",
  "rehearse another shipped example end to end: alembic-governance (the default), incremental-sync (a throwaway MariaDB source too; MYSQL_URL overrides mysql://root@127.0.0.1:3306/), go-live or postgres-primary; each host API runs as a child process on a free loopback port and is stopped after":
    "ensaya de principio a fin otro de los ejemplos incluidos: alembic-governance (el de por omisión), incremental-sync (también con un origen MariaDB desechable; MYSQL_URL cambia mysql://root@127.0.0.1:3306/), go-live o postgres-primary; cada API de host se ejecuta como proceso hijo en un puerto de loopback libre y se detiene al acabar",
  "rehearse the alembic-governance example, export its pack, then run production on a second throwaway database bound to that rehearsal, compared step by step":
    "ensaya el ejemplo alembic-governance, exporta su paquete y luego ejecuta la producción en una segunda base de datos desechable ligada a ese ensayo, comparada paso a paso",
  "with --production: production's checkout has one extra pending revision, so P3 deviates and BLOCKS until both approvers accept the diff":
    "con --production: el checkout de producción tiene una revisión pendiente de más, así que P3 se desvía y la ejecución queda BLOQUEADA hasta que ambos aprobadores aceptan la diferencia",
  "three people and the operator on four workstations through the team ledger at --db: separate vaults in OUT, each person acting in their own CLI processes (the operator's run play receives the approvals, the attestation and the incident commander's GO as they arrive); ends with a verified, signed pack carrying ledger checkpoints":
    "tres personas y el operador en cuatro estaciones de trabajo a través del libro mayor del equipo en --db: bóvedas separadas en OUT, cada persona actuando en sus propios procesos de la CLI (el run play del operador recibe las aprobaciones, la atestación y el GO del responsable del incidente según llegan); termina con un paquete firmado y verificado que lleva puntos de control del libro mayor",
  "with --team: the team ledger's PostgreSQL URL (made with `ledger init` if it is not there)":
    "con --team: la URL PostgreSQL del libro mayor del equipo (se crea con `ledger init` si no existe)",
  "the team ledger on PostgreSQL: workstations publish their signed chains; every reader checks what it reads (the DSN carries no password: use PGPASSWORD or ~/.pgpass)":
    "el libro mayor del equipo en PostgreSQL: las estaciones de trabajo publican sus cadenas firmadas; cada lector comprueba lo que lee (el DSN no lleva contraseña: use PGPASSWORD o ~/.pgpass)",
  "create the ledger in a database: its append-only tables (triggers refuse UPDATE, DELETE and TRUNCATE) and a role that may only INSERT and SELECT; idempotent":
    "crea el libro mayor en una base de datos: sus tablas de solo anexado (los triggers rechazan UPDATE, DELETE y TRUNCATE) y un rol que solo puede hacer INSERT y SELECT; idempotente",
  "postgresql://user@host:port/dbname (a role that may create schemas and roles)":
    "postgresql://usuario@host:puerto/basededatos (un rol que pueda crear esquemas y roles)",
  "the INSERT-and-SELECT role to create":
    "el rol de INSERT y SELECT que se crea",
  "make this vault a workstation of the ledger: its owner's key (proven in the vault) signs the membership and every event it publishes; records ledger.joined in the vault":
    "hace de esta bóveda una estación de trabajo del libro mayor: la clave de su dueño (probada en la bóveda) firma la pertenencia y cada evento que publica; registra ledger.joined en la bóveda",
  "the ledger: postgresql://user@host:port/dbname":
    "el libro mayor: postgresql://usuario@host:puerto/basededatos",
  "this workstation's name in the ledger (letters, digits, . _ -)":
    "el nombre de esta estación de trabajo en el libro mayor (letras, dígitos, . _ -)",
  "push the vault's events the ledger does not hold yet, in order, each signed by the owner's key; safe to repeat and to interrupt (it goes on from the ledger's head); exit 1 if the vault no longer holds what it published":
    "envía los eventos de la bóveda que el libro mayor aún no tiene, en orden, cada uno firmado con la clave del dueño; se puede repetir e interrumpir sin riesgo (sigue desde la cabeza del libro mayor); sale con 1 si la bóveda ya no contiene lo que publicó",
  "the ledger URL (default: the one the vault joined)":
    "la URL del libro mayor (por omisión: aquella a la que se unió la bóveda)",
  "events per transaction (1-1000)":
    "eventos por transacción (1-1000)",
  "keep publishing as the vault grows (run it beside the window or the CLI during the cutover); a lost ledger is retried, nothing is lost or duplicated; stop with Ctrl-C":
    "sigue publicando a medida que crece la bóveda (ejecútelo junto a la ventana o la CLI durante el cutover); si se pierde el libro mayor se reintenta, nada se pierde ni se duplica; deténgalo con Ctrl-C",
  "with --follow: how often to look for new events even when the vault's folder does not say it changed (a change wakes it at once)":
    "con --follow: cada cuánto buscar eventos nuevos aunque la carpeta de la bóveda no indique cambios (un cambio lo despierta al instante)",
  "with --follow: also receive what the team sends this vault through the ledger (approvals of its plans, signed acts, decisions) as it arrives, checked and recorded as `ledger receive` does; refusals are said once on stderr and append nothing":
    "con --follow: recibe también lo que el equipo envía a esta bóveda a través del libro mayor (aprobaciones de sus planes, actos firmados, decisiones) según llega, comprobado y registrado como lo hace `ledger receive`; los rechazos se dicen una vez en stderr y no añaden nada",
  "offer a run's plan to the team: its exact bytes go into this vault's chain (ledger.plan_offered) and out to the ledger, for approvers to sign on their own workstations with `cutover ledger approve`":
    "ofrece al equipo el plan de una ejecución: sus bytes exactos entran en la cadena de esta bóveda (ledger.plan_offered) y salen al libro mayor, para que los aprobadores lo firmen en sus propias estaciones de trabajo con `cutover ledger approve`",
  "the operator's vault (joined to the ledger)":
    "la bóveda del operador (unida al libro mayor)",
  "sign, on your own workstation, the plan the operator offered through the ledger: read from the operator's checked chain, signed with your vault owner's key, sent as an event of your own chain; the operator's `ledger receive` records it":
    "firma, en su propia estación de trabajo, el plan que el operador ofreció a través del libro mayor: leído de la cadena comprobada del operador, firmado con la clave del dueño de su bóveda, enviado como un evento de su propia cadena; el `ledger receive` del operador lo registra",
  "your own vault (joined to the same ledger; its owner is you, the approver)":
    "su propia bóveda (unida al mismo libro mayor; su dueño es usted, el aprobador)",
  "show the plan that would be signed; sign and send nothing":
    "muestra el plan que se firmaría; no firma ni envía nada",
  "sign, on your own workstation, a decision on a run the ledger holds: the formal decision (the GO / NO-GO: --authorization Approved|Rejected, --root-cause, --risk-tier, --drift) or --decision rollback|stop|retry; sent to the operator's workstation, whose `ledger receive` checks and records it":
    "firma, en su propia estación de trabajo, una decisión sobre una ejecución que contiene el libro mayor: la decisión formal (el GO / NO-GO: --authorization Approved|Rejected, --root-cause, --risk-tier, --drift) o --decision rollback|stop|retry; se envía a la estación de trabajo del operador, cuyo `ledger receive` la comprueba y la registra",
  "your own vault (joined to the same ledger)":
    "su propia bóveda (unida al mismo libro mayor)",
  "your name in the operator's vault (default: the identity its chain holds for your key)":
    "su nombre en la bóveda del operador (por omisión: la identidad que su cadena tiene para su clave)",
  "the production cutover authorization: Approved (GO) or Rejected (NO-GO)":
    "la autorización del cutover en producción: Approved (GO) o Rejected (NO-GO)",
  "a note with the authorization":
    "una nota con la autorización",
  "risk tier":
    "nivel de riesgo",
  "drift detected":
    "deriva detectada",
  "rollback, stop or retry (with --reason; retry with --step)":
    "rollback, stop o retry (con --reason; retry con --step)",
  "why (with --decision)":
    "por qué (con --decision)",
  "the step to retry (with --decision retry)":
    "el paso que se reintenta (con --decision retry)",
  "confirm, on your own workstation, an attest step of a run the ledger holds: the statement is read from your copy of the runbook (the exact runbook the run follows, checked by its sha256), shown, signed with your own key and sent to the operator's workstation, which records it (by itself while its run waits, or `ledger receive`)":
    "confirma, en su propia estación de trabajo, un paso attest de una ejecución que contiene el libro mayor: la declaración se lee de su copia del runbook (el runbook exacto que sigue la ejecución, comprobado por su sha256), se muestra, se firma con su propia clave y se envía a la estación de trabajo del operador, que la registra (por sí misma mientras su ejecución espera, o con `ledger receive`)",
  "the runbook the run follows":
    "el runbook que sigue la ejecución",
  "the attest step":
    "el paso attest",
  "record, on your own workstation, the values of a record step of a run the ledger holds (the scribe's snapshot id, a release SHA): checked against the runbook (your copy, the exact one the run follows by its sha256) and the run's state as the operator's chain holds it, signed with your own key and sent to the operator's workstation, which checks it again and records it (by itself while its run waits, or `ledger receive`)":
    "registra, en su propia estación de trabajo, los valores de un paso record de una ejecución que contiene el libro mayor (el id de instantánea del escriba, un SHA de versión): comprobados frente al runbook (su copia, la exacta que sigue la ejecución según su sha256) y el estado de la ejecución tal como lo contiene la cadena del operador, firmados con su propia clave y enviados a la estación de trabajo del operador, que los comprueba de nuevo y los registra (por sí misma mientras su ejecución espera, o con `ledger receive`)",
  "a field value (each field once)":
    "el valor de un campo (cada campo una vez)",
  "the record step":
    "el paso record",
  "mark, on your own workstation, a manual step of a run the ledger holds done (the DB owner's manual step): checked, signed and sent like `ledger record`":
    "marca como hecho, en su propia estación de trabajo, un paso manual de una ejecución que contiene el libro mayor (el paso manual del dueño de la base de datos): comprobado, firmado y enviado como con `ledger record`",
  "the manual step":
    "el paso manual",
  "skip, on your own workstation, a step of a run the ledger holds, with the reason (a role the runbook lets skip, never while the run is BLOCKED): checked, signed and sent like `ledger record`":
    "omite, en su propia estación de trabajo, un paso de una ejecución que contiene el libro mayor, con el motivo (un rol al que el runbook permite omitir, nunca mientras la ejecución está BLOQUEADA): comprobado, firmado y enviado como con `ledger record`",
  "why it is skipped (kept as evidence)":
    "por qué se omite (se guarda como evidencia)",
  "the step":
    "el paso",
  "ask the ledger for the row it holds at the vault's head (or, with RUN, at the event a pack of that run is anchored at), check it against the vault, and record it in the chain (ledger.checkpoint); the run's pack carries it as ledger/checkpoints.json: record it before exporting the pack for signatures":
    "pide al libro mayor la fila que tiene en la cabeza de la bóveda (o, con RUN, en el evento en el que está anclado un paquete de esa ejecución), la comprueba frente a la bóveda y la registra en la cadena (ledger.checkpoint); el paquete de la ejecución la lleva como ledger/checkpoints.json: regístrela antes de exportar el paquete para las firmas",
  "vault file (joined to the ledger)":
    "archivo de la bóveda (unida al libro mayor)",
  "the run whose pack anchor to witness":
    "la ejecución cuyo anclaje del paquete se atestigua",
  "what this vault sent through the ledger (approvals, signed acts) and what became of each: recorded (the addressee's checked chain holds it), refused (with the reason the addressee signed), or waiting; exit 1 when any was refused":
    "lo que esta bóveda envió a través del libro mayor (aprobaciones, actos firmados) y qué fue de cada cosa: registrado (la cadena comprobada del destinatario lo contiene), rechazado (con el motivo que firmó el destinatario) o en espera; sale con 1 si alguno se rechazó",
  "your own vault (joined to the ledger)":
    "su propia bóveda (unida al libro mayor)",
  "take what the team sent this vault through the ledger (approvals of its plans, signed acts, decisions) and record each through the engine, checked like a file signed elsewhere; refusals append nothing, are named (exit 1) and go back to their senders signed with the owner's key (they see them with `ledger sent`). Reads only what was published after the heads this vault received up to (kept in <vault>.ledger-heads/), checking the row at each head is unchanged":
    "toma lo que el equipo envió a esta bóveda a través del libro mayor (aprobaciones de sus planes, actos firmados, decisiones) y registra cada cosa mediante el motor, comprobada como un archivo firmado en otro lugar; los rechazos no añaden nada, se nombran (sale con 1) y vuelven a sus remitentes firmados con la clave del dueño (los ven con `ledger sent`). Solo lee lo publicado después de las cabezas hasta las que esta bóveda ha recibido (guardadas en <vault>.ledger-heads/), comprobando que la fila de cada cabeza no ha cambiado",
  "read every chain from its first event again (earlier refusals are named again; nothing is recorded twice)":
    "lee cada cadena de nuevo desde su primer evento (los rechazos anteriores se nombran otra vez; nada se registra dos veces)",
  "print a step's transcript as it follows through the ledger by chunk (already redacted; a runbook with share_transcripts: false keeps its transcripts home): each chunk's signature by the workstation's key, hash and place checked, and the whole against the completion its chain records; exit 1 naming a forged, altered, missing or reordered chunk":
    "imprime la transcripción de un paso a medida que llega por el libro mayor en fragmentos (con los secretos ya ocultados; un runbook con share_transcripts: false guarda sus transcripciones en casa): de cada fragmento se comprueban la firma con la clave de la estación de trabajo, el hash y la posición, y el conjunto frente a la finalización que registra su cadena; sale con 1 nombrando un fragmento falsificado, alterado, ausente o reordenado",
  "keep printing as chunks arrive (NOTIFY wakes it; it polls anyway) until the transcript is complete; stop with Ctrl-C":
    "sigue imprimiendo a medida que llegan fragmentos (NOTIFY lo despierta; sondea de todos modos) hasta que la transcripción está completa; deténgalo con Ctrl-C",
  "with --follow: read at least this often":
    "con --follow: lee al menos con esta frecuencia",
  "print one JSON object per chunk ({n, offset, size, text}), then one with the state":
    "imprime un objeto JSON por fragmento ({n, offset, size, text}) y luego uno con el estado",
  "the workstation that ran the step (as `ledger watch` names it)":
    "la estación de trabajo que ejecutó el paso (tal como la nombra `ledger watch`)",
  "the transcript's artifact id (step.started's transcript, shown by `ledger watch --transcripts`)":
    "el id de artefacto de la transcripción (la transcripción de step.started, que muestra `ledger watch --transcripts`)",
  "check every chain in the ledger: memberships, seq contiguous from 1, links, hashes recomputed from the canonical bytes, each signature by its workstation's key (exit 1 naming the first bad event)":
    "comprueba cada cadena del libro mayor: pertenencias, seq contiguo desde 1, enlaces, hashes recalculados a partir de los bytes canónicos, cada firma con la clave de su estación de trabajo (sale con 1 nombrando el primer evento incorrecto)",
  "follow the ledger: print each run event as a timeline line as it arrives (NOTIFY wakes it; it reads by seq, so nothing depends on a notification); checks each read against the heads it has seen and exits 1 naming an edited, deleted or reordered event or a ledger that went backwards; reconnects when the connection is lost":
    "sigue el libro mayor: imprime cada evento de ejecución como una línea de la cronología según llega (NOTIFY lo despierta; lee por seq, así que nada depende de una notificación); comprueba cada lectura frente a las cabezas que ha visto y sale con 1 nombrando un evento editado, borrado o reordenado o un libro mayor que ha retrocedido; se reconecta cuando se pierde la conexión",
  "where this follower keeps the heads it has seen (default: ~/.local/state/cutover/ledger-heads/HOST_PORT_DB.json)":
    "dónde guarda este seguidor las cabezas que ha visto (por omisión: ~/.local/state/cutover/ledger-heads/HOST_PORT_DB.json)",
  "read what is there now, print it and exit":
    "lee lo que hay ahora, lo imprime y sale",
  "read at least this often even without a notification":
    "lee al menos con esta frecuencia aunque no haya notificación",
  "under each step started, its transcript's text as it follows through the ledger by chunk (lines `    STEP | text`), each chunk checked as `ledger transcript` checks it, then a line saying it verified or why there is no text (share_transcripts: false); a transcript that does not hold stops the watch (exit 1). With --json, the step.started line carries the artifact id and each chunk is a {transcript: …} line":
    "bajo cada paso iniciado, el texto de su transcripción a medida que llega por el libro mayor en fragmentos (líneas `    STEP | text`), cada fragmento comprobado como lo comprueba `ledger transcript`, y luego una línea que dice que se verificó o por qué no hay texto (share_transcripts: false); una transcripción que no se sostiene detiene el seguimiento (sale con 1). Con --json, la línea de step.started lleva el id de artefacto y cada fragmento es una línea {transcript: …}",
  "print one JSON object per line":
    "imprime un objeto JSON por línea",
  "only this run's events":
    "solo los eventos de esta ejecución",
};
