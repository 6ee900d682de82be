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
};
