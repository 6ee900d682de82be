// Lo mismo que alembic-words-en.ts, en español (usted): las mismas claves (el compilador
// rechaza una clave que falte o sobre). Lo que Alembic y PostgreSQL imprimen ("Multiple head
// revisions are present", StringDataRightTruncation, ...) se cita tal como lo imprimen.
import type { AlembicWordsCatalogue } from './alembic-words-en';

export const alembicWordsEs: AlembicWordsCatalogue = {
  // ---- el grafo (graph.ts) -----------------------------------------------------------------
  'alembic.graph.illegalId': 'El identificador de revisión "{revision}" ({path}) contiene {characters}, que Alembic no admite en los identificadores de revisión (indican pasos relativos y ramas). Cambie el nombre de la revisión.',
  'alembic.graph.selfLoop': 'La revisión {revision} ({path}) se nombra a sí misma en su {field}. Alembic se detiene con "Self-loop is detected"; hágala apuntar a la revisión a la que realmente sigue.',
  'alembic.graph.duplicate': 'El identificador de revisión {revision} lo definen {n} archivos: {paths}. Alembic solo avisa y se queda con el último que carga ({kept}), así que la migración que se ejecuta depende del orden de los archivos. Dé a cada archivo su propio identificador de revisión.',
  'alembic.graph.duplicateLabel': 'La etiqueta de rama "{label}" de la revisión {revision} ya la usa {owner}. Alembic se detiene con "Branch name \'{label}\' ... already used"; cambie el nombre de una de las dos.',
  'alembic.graph.danglingDependsOn': 'La revisión {revision} ({path}) tiene depends_on "{dependency}", pero ninguna revisión ni etiqueta de rama se llama así. Alembic no puede cargar los scripts (KeyError). Corrija el identificador o restaure el archivo de revisión que falta.',
  'alembic.graph.downIsLabel': 'La revisión {revision} ({path}) tiene down_revision "{down}", que es una etiqueta de rama (de {label}), no un identificador de revisión. Alembic no puede recorrer eso; use el identificador de revisión {label}.',
  'alembic.graph.danglingDown': 'La revisión {revision} ({path}) tiene down_revision "{down}", pero ningún archivo de revisión la define. Alembic no puede cargar los scripts ("Revision {down} referenced from ... is not present"), así que no se puede ejecutar ninguna actualización. Restaure el archivo de revisión que falta o corrija el identificador.',
  'alembic.graph.cycle': 'Las revisiones {cycle} forman un ciclo a través de su down_revision. Alembic se detiene con "Cycle is detected in revisions"; no se puede ejecutar ninguna actualización hasta que una de ellas apunte a la revisión a la que realmente sigue.',
  'alembic.graph.dependencyCycle': 'Las revisiones {cycle} forman un ciclo al contar depends_on. Alembic se detiene con "Dependency cycle is detected in revisions"; quite el depends_on que cierra el ciclo.',

  // ---- el plan de la actualización (plan.ts) -----------------------------------------------
  'alembic.plan.headAmbiguous': '"head" es ambiguo: los scripts tienen {n} cabezas ({heads}). Alembic se detiene con "Multiple head revisions are present"; fusiónelas o nombre una revisión (o "heads").',
  'alembic.plan.unsupported': '"{identifier}" usa la sintaxis rama@ o relativa (+n/-n), que este lector no resuelve. Nombre un identificador de revisión, una etiqueta de rama, "head" o "heads".',
  'alembic.plan.ambiguous': '"{identifier}" coincide con varias revisiones ({matches}). Indique más caracteres del identificador.',
  'alembic.plan.unknown': 'Ninguna revisión ni etiqueta de rama se llama "{identifier}" en los scripts.',
  'alembic.plan.unknownShort': 'Ninguna revisión ni etiqueta de rama se llama "{identifier}" en los scripts (un identificador parcial necesita al menos cuatro caracteres).',
  'alembic.plan.notLoadable': 'Alembic no puede cargar estos scripts ({codes}), así que no hay ruta de actualización hasta que eso se corrija.',
  'alembic.plan.overlapCurrent': 'Las revisiones actuales se solapan: {revision} y {others} están en una misma línea (una es antecesora de la otra). Alembic se detiene con "Requested revision {revision} overlaps with other requested revisions". La tabla alembic_version tiene una fila de más; quite la fila de la antecesora (con aprobación) para que cada rama tenga una sola fila.',
  'alembic.plan.overlapTarget': 'Las revisiones de destino se solapan: {revision} y {others} están en una misma línea (una es antecesora de la otra). Alembic se detiene con "Requested revision {revision} overlaps with other requested revisions".',
  'alembic.plan.notDag': 'No se pudo ordenar {revisions} (el grafo no es acíclico).',

  // ---- los hallazgos (findings.ts) ---------------------------------------------------------
  'alembic.heads.refused': 'Los scripts tienen {n} cabezas ({heads}). `alembic upgrade head` se niega a ejecutarse ("Multiple head revisions are present"). Un runbook que espera una sola cabeza no cumple su precondición: cree una revisión de fusión (`alembic merge heads`) y vuelva a aprobarlo, o nombre explícitamente la revisión de destino.',
  'alembic.heads.several': 'Los scripts tienen {n} cabezas ({heads}). Un runbook que espera una sola cabeza no cumple su precondición: cree una revisión de fusión (`alembic merge heads`) y vuelva a aprobarlo, o nombre explícitamente la revisión de destino.',
  'alembic.db.widthNote': 'Nota: Alembic crea version_num como VARCHAR({width}), y {n} identificador(es) de revisión de aquí son más largos (hasta {longest} caracteres: {ids}); cree alembic_version con un version_num más ancho antes de sellar con alguno de ellos, o el propio sellado falla con StringDataRightTruncation.',
  'alembic.db.noTable': 'La base de datos {database} tiene {n} tabla(s) pero ninguna tabla {table}: no tiene linaje de Alembic. `alembic upgrade` empezaría desde la base y volvería a ejecutar todas las migraciones sobre el esquema existente (DuplicateTable). Primero hace falta sellarla en la revisión ancla aprobada (`alembic stamp <revision>`, con aprobación).',
  'alembic.db.empty': 'La base de datos {database} está vacía (sin {table} ni otras tablas): una actualización la construye desde la revisión base.',
  'alembic.db.noRowsTables': '{where}: {table} existe pero no tiene filas, así que Alembic considera que la base de datos está en la base aunque contiene {n} tabla(s) más: una actualización volvería a ejecutar todas las migraciones (DuplicateTable). Selle primero la revisión ancla aprobada.',
  'alembic.db.noRows': '{where}: {table} existe pero no tiene filas, así que Alembic considera que la base de datos está en la base; una actualización ejecuta todas las migraciones.',
  'alembic.db.multipleRows': '{where}: {table} tiene {n} filas ({revisions}): la base de datos está en {n} ramas, y Alembic actualiza cada una de ellas.',
  'alembic.db.unknownRevision': '{where} está sellada en la revisión {revision}, que ningún archivo de revisión define. Alembic se detiene con "Can\'t locate revision identified by \'{revision}\'". La base de datos se migró con otro código (otra rama o versión), o el archivo de revisión se renombró o se borró: use el código con el que se migró la base de datos o, con aprobación, séllela en la revisión que corresponde a su esquema.',
  'alembic.width.table': 'alembic_version.version_num es {type}, pero la ruta de actualización escribe identificadores de revisión de hasta {needed} caracteres ({longest}); {n} de los {total} identificadores pendientes tienen más de {width} caracteres.',
  'alembic.width.assumed': 'No se leyó ninguna base de datos, así que se supone que version_num es {type}, pero la ruta de actualización escribe identificadores de revisión de hasta {needed} caracteres ({longest}); {n} de los {total} identificadores pendientes tienen más de {width} caracteres.',
  'alembic.width.created': 'La tabla alembic_version que creará Alembic tiene version_num de tipo {type}, pero la ruta de actualización escribe identificadores de revisión de hasta {needed} caracteres ({longest}); {n} de los {total} identificadores pendientes tienen más de {width} caracteres.',
  'alembic.width.fix': 'p. ej. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR({width}) (la ruta necesita al menos {needed})',
  'alembic.width.fails': 'PostgreSQL lanzará StringDataRightTruncation ("value too long for type character varying({width})") cuando Alembic registre {revision}, paso {step} de {total}, después de que su upgrade() ya se haya ejecutado: la actualización falla a medias (en una sola transacción todo se revierte; con transaction_per_migration los pasos anteriores quedan aplicados). Ensanche primero la columna, {fix}.',
  'alembic.width.widened': 'La revisión {revision} (paso {step}) parece ensanchar version_num a {type} antes de que se registre el primer identificador largo, así que la actualización debería completarse. Eso se lee de su código fuente, no se ejecuta: confírmelo, o ensanche la columna antes de la actualización como un paso aprobado, {fix}.',
  'alembic.pending.theBase': 'la base',
  'alembic.pending.upToDate': 'Nada que aplicar: la base de datos ({from}) ya está en {target} ({revisions}).',
  'alembic.pending.revisions': '{n} revisión(es) que aplicar desde {from} hasta {target}, en el orden en que Alembic las ejecuta: {numbered}.',
  'alembic.pending.rowsAfter': 'Después, alembic_version tendrá {n} filas ({rows}): `alembic current` mostrará varias revisiones, no una.',
  'alembic.pending.bookkeepingMissing': 'El propio registro que lleva Alembic en alembic_version falla en el paso {step} de {total} ({revision}): tras ejecutar su upgrade(), Alembic intenta actualizar o borrar la fila {missing}, que la tabla no tendrá en ese momento, y se detiene con un KeyError a mitad de la actualización. Se debe a un depends_on que enlaza ramas; actualice en pasos más pequeños (una rama cada vez, hasta una revisión explícita), o sustituya el depends_on por una revisión de fusión.',
  'alembic.pending.bookkeepingNoRow': 'El propio registro que lleva Alembic en alembic_version falla en el paso {step} de {total} ({revision}): tras ejecutar su upgrade(), Alembic no encuentra ninguna fila que actualizar para esta fusión, y se detiene con un IndexError a mitad de la actualización. Se debe a un depends_on que enlaza ramas; actualice en pasos más pequeños (una rama cada vez, hasta una revisión explícita), o sustituya el depends_on por una revisión de fusión.',
  'alembic.pending.hashOrder': 'La revisión {revision} depende de {n} revisiones que sus antecesoras no implican ya ({dependencies}). Alembic las guarda en un set de Python, así que el orden de las ramas que tienen debajo puede cambiar de una ejecución a otra (el hash de las cadenas es aleatorio en cada proceso). El orden mostrado es uno de los que Alembic puede elegir; haga que una dependencia implique la otra, o ejecute alembic con un PYTHONHASHSEED fijo.',
  'alembic.expected.at': 'la posición {position}: se esperaba {expected}, Alembic ejecuta {computed}',
  'alembic.expected.endOfPath': '(fin de la ruta)',
  'alembic.expected.nothingMore': '(nada más)',
  'alembic.expected.order': 'La ruta esperada del runbook tiene las revisiones correctas, pero en un orden distinto del que aplica Alembic (primera diferencia en {at}). Alembic ejecutaría: {computed}. Cualquier desviación de la transcripción aprobada necesita una nueva aprobación: corrija la lista del runbook (o los scripts) y vuelva a aprobarlo.',
  'alembic.expected.differs': 'La ruta esperada del runbook difiere de lo que aplicaría Alembic (primera diferencia en {at}).',
  'alembic.expected.missing': 'No están en el runbook: {revisions}.',
  'alembic.expected.extra': 'Están en el runbook pero no en la ruta: {revisions}.',
  'alembic.expected.differsEnd': 'Alembic ejecutaría: {computed}. Corrija el runbook o los scripts y vuelva a aprobarlo.',

  // ---- la inspección (inspect.ts) ----------------------------------------------------------
  'alembic.inspect.targetUnresolved': 'No se puede planificar la actualización a "{target}": {message}',
  'alembic.inspect.dbError': 'No se pudo leer alembic_version de {db}: {message}',
  'alembic.inspect.noPath': 'La ruta esperada del runbook ({expected}) no se puede confirmar: no se pudo calcular ninguna ruta de actualización (vea los demás hallazgos).',

  // ---- la lectura de alembic_version (version-table.ts) ------------------------------------
  'alembic.read.connecting': 'se conectaba',
  'alembic.read.starting': 'se iniciaba una transacción de solo lectura',
  'alembic.read.looking': 'se buscaba la tabla alembic_version',
  'alembic.read.counting': 'se contaban las demás tablas',
  'alembic.read.width': 'se leía el ancho declarado de alembic_version.version_num',
  'alembic.read.rows': 'se leían las filas de alembic_version',
  'alembic.read.connectFailed': 'No se puede conectar con la base de datos ({message}). Compruebe el host, el puerto y que PostgreSQL está en marcha y es accesible desde aquí.',
  'alembic.read.lost': 'Se perdió la conexión con la base de datos mientras {where} ({message}). Puede que el servidor se haya reiniciado o que un administrador haya terminado la sesión (pg_terminate_backend). No se cambió nada (la sesión era de solo lectura); vuelva a ejecutar la inspección.',
  'alembic.read.timeout': 'La lectura de la base de datos superó el tiempo límite mientras {where} ({message}). Puede que otra sesión tenga un bloqueo sobre alembic_version (¿una actualización en curso?); revise pg_locks y vuelva a intentarlo.',
  'alembic.read.authFailed': 'La base de datos rechazó el inicio de sesión ({message}). Compruebe el usuario de la DSN y la contraseña (PGPASSWORD; nunca la ponga en la línea de comandos).',
  'alembic.read.databaseMissing': '{message}. Compruebe el nombre de la base de datos en la DSN.',
  'alembic.read.noConnect': 'El rol no puede conectarse a esta base de datos ({message}). Pida CONNECT sobre la base de datos o use un rol que lo tenga.',
  'alembic.read.permission': 'Permiso denegado mientras {where} ({message}). El rol necesita SELECT sobre alembic_version y acceso de lectura a los catálogos (pg_class, pg_attribute o information_schema.columns); concédalos o use un rol que los tenga.',
  'alembic.read.sqlError': 'La base de datos respondió con un error mientras {where}: {message}.',
  'alembic.read.sqlErrorState': 'La base de datos respondió con un error mientras {where}: {message} (SQLSTATE {code}).',
  'alembic.read.noPassword': '{label} pide una contraseña para "{user}" y no se dio ninguna: defina PGPASSWORD o añada una línea para ella en ~/.pgpass (nunca la ponga en la línea de comandos).',
};
