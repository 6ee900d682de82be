// What the workstation says in the alembic findings (src/core/alembic: findings.ts, graph.ts,
// version-table.ts, plan.ts, inspect.ts), in English. Part of the core's catalogue (en.ts
// spreads it in); alembic-words-es.ts has every key. English is kept byte for byte as before.
// Codes and severities are data; so are revision ids, paths, and what Alembic and PostgreSQL
// themselves print (quoted as they print it, in every language).

export const alembicWordsEn = {
  // ---- the graph (graph.ts) ----------------------------------------------------------------
  'alembic.graph.illegalId': 'Revision id "{revision}" ({path}) contains {characters}, which Alembic refuses in revision ids (they mean relative steps and branches). Rename the revision.',
  'alembic.graph.selfLoop': 'Revision {revision} ({path}) names itself in its {field}. Alembic stops with "Self-loop is detected"; point it at the revision it really follows.',
  'alembic.graph.duplicate': 'Revision id {revision} is defined by {n} files: {paths}. Alembic only warns and keeps the last one it loads ({kept}), so which migration runs depends on file order. Give each file its own revision id.',
  'alembic.graph.duplicateLabel': 'Branch label "{label}" of revision {revision} is already used by {owner}. Alembic stops with "Branch name \'{label}\' ... already used"; rename one of them.',
  'alembic.graph.danglingDependsOn': 'Revision {revision} ({path}) has depends_on "{dependency}", but no revision or branch label has that name. Alembic cannot load the scripts (KeyError). Fix the id, or restore the missing revision file.',
  'alembic.graph.downIsLabel': 'Revision {revision} ({path}) has down_revision "{down}", which is a branch label (of {label}), not a revision id. Alembic cannot walk that; use the revision id {label}.',
  'alembic.graph.danglingDown': 'Revision {revision} ({path}) has down_revision "{down}", but no revision file defines it. Alembic cannot load the scripts ("Revision {down} referenced from ... is not present"), so no upgrade can run. Restore the missing revision file or fix the id.',
  'alembic.graph.cycle': 'Revisions {cycle} form a cycle through their down_revision. Alembic stops with "Cycle is detected in revisions"; no upgrade can run until one of them points at the revision it really follows.',
  'alembic.graph.dependencyCycle': 'Revisions {cycle} form a cycle once depends_on is counted. Alembic stops with "Dependency cycle is detected in revisions"; remove the depends_on that closes the loop.',

  // ---- planning the upgrade (plan.ts) ------------------------------------------------------
  'alembic.plan.headAmbiguous': '"head" is ambiguous: the scripts have {n} heads ({heads}). Alembic stops with "Multiple head revisions are present"; merge them or name a revision (or "heads").',
  'alembic.plan.unsupported': '"{identifier}" uses branch@ or relative (+n/-n) syntax, which this reader does not resolve. Name a revision id, a branch label, "head" or "heads".',
  'alembic.plan.ambiguous': '"{identifier}" matches several revisions ({matches}). Give more of the id.',
  'alembic.plan.unknown': 'No revision or branch label "{identifier}" in the scripts.',
  'alembic.plan.unknownShort': 'No revision or branch label "{identifier}" in the scripts (partial ids need at least four characters).',
  'alembic.plan.notLoadable': 'Alembic cannot load these scripts ({codes}), so no upgrade path exists until that is fixed.',
  'alembic.plan.overlapCurrent': 'The current revisions overlap: {revision} and {others} lie on one line (one is an ancestor of the other). Alembic stops with "Requested revision {revision} overlaps with other requested revisions". The alembic_version table holds a row too many; remove the ancestor row (with approval) so each branch has one row.',
  'alembic.plan.overlapTarget': 'The target revisions overlap: {revision} and {others} lie on one line (one is an ancestor of the other). Alembic stops with "Requested revision {revision} overlaps with other requested revisions".',
  'alembic.plan.notDag': 'Could not order {revisions} (the graph is not a DAG).',

  // ---- the findings (findings.ts) ----------------------------------------------------------
  'alembic.heads.refused': 'The scripts have {n} heads ({heads}). `alembic upgrade head` refuses to run ("Multiple head revisions are present"). A runbook that expects a single head fails its precondition: create a merge revision (`alembic merge heads`) and re-approve, or name the target revision explicitly.',
  'alembic.heads.several': 'The scripts have {n} heads ({heads}). A runbook that expects a single head fails its precondition: create a merge revision (`alembic merge heads`) and re-approve, or name the target revision explicitly.',
  'alembic.db.widthNote': 'Note: Alembic creates version_num as VARCHAR({width}), and {n} revision id(s) here are longer (up to {longest} characters: {ids}); create alembic_version with a wider version_num before stamping one of them, or the stamp itself fails with StringDataRightTruncation.',
  'alembic.db.noTable': 'Database {database} has {n} table(s) but no {table} table: it has no Alembic lineage. `alembic upgrade` would start from the base and re-run every migration against the existing schema (DuplicateTable). A stamp at the approved anchor revision is needed first (`alembic stamp <revision>`, with approval).',
  'alembic.db.empty': 'Database {database} is empty (no {table}, no other tables): an upgrade builds it from the base revision.',
  'alembic.db.noRowsTables': '{where}: {table} exists but has no rows, so Alembic treats the database as being at the base although it holds {n} other table(s): an upgrade would re-run every migration (DuplicateTable). Stamp the approved anchor revision first.',
  'alembic.db.noRows': '{where}: {table} exists but has no rows, so Alembic treats the database as being at the base; an upgrade runs every migration.',
  'alembic.db.multipleRows': '{where}: {table} has {n} rows ({revisions}): the database sits on {n} branches, and Alembic upgrades each of them.',
  'alembic.db.unknownRevision': '{where} is stamped at revision {revision}, which no revision file defines. Alembic stops with "Can\'t locate revision identified by \'{revision}\'". The database was migrated by other code (another branch or release), or the revision file was renamed or deleted: check out the code the database was migrated with, or, with approval, stamp the revision that matches its schema.',
  'alembic.width.table': 'alembic_version.version_num is {type}, but the upgrade path writes revision ids up to {needed} characters ({longest}); {n} of the {total} pending ids are longer than {width}.',
  'alembic.width.assumed': 'No database was read, so this assumes version_num is {type}, but the upgrade path writes revision ids up to {needed} characters ({longest}); {n} of the {total} pending ids are longer than {width}.',
  'alembic.width.created': 'The alembic_version table Alembic will create has version_num is {type}, but the upgrade path writes revision ids up to {needed} characters ({longest}); {n} of the {total} pending ids are longer than {width}.',
  'alembic.width.fix': 'e.g. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR({width}) (the path needs at least {needed})',
  'alembic.width.fails': 'PostgreSQL will raise StringDataRightTruncation ("value too long for type character varying({width})") when Alembic records {revision}, step {step} of {total}, after its upgrade() has already run: the upgrade fails halfway (in one transaction everything rolls back; with transaction_per_migration the earlier steps stay applied). Widen the column first, {fix}.',
  'alembic.width.widened': 'Revision {revision} (step {step}) appears to widen version_num to {type} before the first long id is recorded, so the upgrade should get through. That is read from its source, not run: confirm it, or widen the column before the upgrade as an approved step, {fix}.',
  'alembic.pending.theBase': 'the base',
  'alembic.pending.upToDate': 'Nothing to apply: the database ({from}) is already at {target} ({revisions}).',
  'alembic.pending.revisions': '{n} revision(s) to apply from {from} to {target}, in the order Alembic runs them: {numbered}.',
  'alembic.pending.rowsAfter': 'Afterwards alembic_version holds {n} rows ({rows}): `alembic current` will show several revisions, not one.',
  'alembic.pending.bookkeepingMissing': 'Alembic\'s own bookkeeping of alembic_version breaks at step {step} of {total} ({revision}): after running its upgrade(), Alembic tries to update or delete the row {missing}, which the table will not hold at that point, and stops with a KeyError halfway through the upgrade. This comes from depends_on linking branches; upgrade in smaller steps (one branch at a time to an explicit revision), or replace the depends_on with a merge revision.',
  'alembic.pending.bookkeepingNoRow': 'Alembic\'s own bookkeeping of alembic_version breaks at step {step} of {total} ({revision}): after running its upgrade(), Alembic finds no row left to update for this merge, and stops with a IndexError halfway through the upgrade. This comes from depends_on linking branches; upgrade in smaller steps (one branch at a time to an explicit revision), or replace the depends_on with a merge revision.',
  'alembic.pending.hashOrder': 'Revision {revision} depends on {n} revisions its ancestors do not already imply ({dependencies}). Alembic keeps these in a Python set, so the order of the branches below them can change from one run to the next (string hashing is randomised per process). The order shown is one Alembic may choose; make one dependency imply the other, or run alembic with a fixed PYTHONHASHSEED.',
  'alembic.expected.at': 'position {position}: expected {expected}, Alembic runs {computed}',
  'alembic.expected.endOfPath': '(end of path)',
  'alembic.expected.nothingMore': '(nothing more)',
  'alembic.expected.order': 'The runbook\'s expected path has the right revisions in a different order than Alembic applies them (first difference at {at}). Alembic would run: {computed}. Any deviation from the approved transcript needs re-approval: correct the runbook\'s list (or the scripts) and re-approve.',
  'alembic.expected.differs': 'The runbook\'s expected path differs from what Alembic would apply (first difference at {at}).',
  'alembic.expected.missing': 'Not in the runbook: {revisions}.',
  'alembic.expected.extra': 'In the runbook but not on the path: {revisions}.',
  'alembic.expected.differsEnd': 'Alembic would run: {computed}. Correct the runbook or the scripts and re-approve.',

  // ---- the inspection (inspect.ts) ---------------------------------------------------------
  'alembic.inspect.targetUnresolved': 'Cannot plan the upgrade to "{target}": {message}',
  'alembic.inspect.dbError': 'Could not read alembic_version from {db}: {message}',
  'alembic.inspect.noPath': 'The runbook\'s expected path ({expected}) cannot be confirmed: no upgrade path could be computed (see the other findings).',

  // ---- reading alembic_version (version-table.ts) ------------------------------------------
  'alembic.read.connecting': 'connecting',
  'alembic.read.starting': 'starting a read-only transaction',
  'alembic.read.looking': 'looking for the alembic_version table',
  'alembic.read.counting': 'counting the other tables',
  'alembic.read.width': 'reading the declared width of alembic_version.version_num',
  'alembic.read.rows': 'reading the rows of alembic_version',
  'alembic.read.connectFailed': 'Cannot connect to the database ({message}). Check the host, port and that PostgreSQL is running and reachable from here.',
  'alembic.read.lost': 'The database connection was lost while {where} ({message}). The server may have restarted, or an administrator ended the session (pg_terminate_backend). Nothing was changed (the session was read-only); run the inspection again.',
  'alembic.read.timeout': 'Reading the database timed out while {where} ({message}). Another session may hold a lock on alembic_version (an upgrade in progress?); check pg_locks, then retry.',
  'alembic.read.authFailed': 'The database refused the login ({message}). Check the user in the DSN and the password (PGPASSWORD; never put it on the command line).',
  'alembic.read.databaseMissing': '{message}. Check the database name in the DSN.',
  'alembic.read.noConnect': 'The role may not connect to this database ({message}). Ask for CONNECT on the database, or use a role that has it.',
  'alembic.read.permission': 'Permission denied while {where} ({message}). The role needs SELECT on alembic_version and read access to the catalogs (pg_class, pg_attribute or information_schema.columns); grant them or use a role that has them.',
  'alembic.read.sqlError': 'The database answered with an error while {where}: {message}.',
  'alembic.read.sqlErrorState': 'The database answered with an error while {where}: {message} (SQLSTATE {code}).',
  'alembic.read.noPassword': '{label} asks for a password for "{user}", and none was given: set PGPASSWORD, or add a line for it to ~/.pgpass (never put it on the command line).',
} as const;

/** What alembic-words-es.ts (and any other language) fills: every key above. */
export type AlembicWordsCatalogue = { readonly [K in keyof typeof alembicWordsEn]: string };
