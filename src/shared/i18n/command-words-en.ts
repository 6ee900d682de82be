// What the workstation says about the CLI commands' own refusals and lines (alembic, record/artifact, demo, ledger, pg, report, act, lang), in English. Part of the core's catalogue
// (en.ts spreads it in); command-words-es.ts has every key. English is kept byte for byte as before.

export const commandWordsEn = {
  // ---- --lang / CUTOVER_LANG (src/cli/lang.ts) -------------------------------------------
  'cmd.lang.wrong': '{where} is the language of the output: {languages}, got "{value}".',
  'cmd.lang.or': ' or ',

  // ---- note add, artifact add|list|cat (src/cli/commands/record.ts) -----------------------
  'cmd.note.giveText': 'Give --text "..." or --lines (notes from standard input).',
  'cmd.note.appended.one': '{n} notes appended; chain head #{seq}',
  'cmd.note.appended.other': '{n} notes appended; chain head #{seq}',
  'cmd.artifact.noFile': 'No file at {file}.',
  'cmd.artifact.folder': '{file} is a folder: add its files one by one (or a tar of it), nothing was stored.',
  'cmd.artifact.nameStdin': 'Name the artifact with --name when reading standard input.',
  'cmd.artifact.added': '{name}: {size}, sha256 {sha256} (artifact {id})',
  'cmd.artifact.beingWritten': '(being written)',
  'cmd.artifact.unknown': 'No artifact {id} in this vault; see `cutover artifact list`.',

  // ---- demo (src/cli/commands/demo.ts) ---------------------------------------------------
  'cmd.demo.deviation': '--deviation goes with --production.',
  'cmd.demo.db': '--db goes with --team.',
  'cmd.demo.teamAlone': '--team runs the alembic-governance example through the team ledger; it does not go with --blocked, --example or --production.',
  'cmd.demo.teamDb': '--team needs the team ledger\'s URL: --db postgresql://USER@HOST:5432/DATABASE.',
  'cmd.demo.productionAlone': '--production runs the alembic-governance example\'s rehearsal and production; it does not go with --blocked or --example.',
  'cmd.demo.team.run': 'Run {runId}: {status}. What each person did, each in their own processes on their own vault:',
  'cmd.demo.team.person': '{name} ({roles}) {part}; workstation {workstation}, vault {vault}',
  'cmd.demo.team.passphrase': 'Vault passphrase (all four): {passphrase}',
  'cmd.demo.team.passphraseGiven': 'as given in CUTOVER_PASSPHRASE',
  'cmd.demo.team.runbook': 'Runbook: {runbook} (the reference with policy.decide: incident_commander)',
  'cmd.demo.team.pack': 'Signed pack: {folder}\n             {zip}',
  'cmd.demo.team.packVerify': 'Pack verification: {summary}',
  'cmd.demo.team.ledgerVerify': 'Ledger verification: {summary}',
  'cmd.demo.team.verifyYourself': 'Verify it yourself:',

  // ---- alembic inspect|sql (src/cli/commands/alembic.ts) ---------------------------------
  'cmd.alembic.idList': '{flag} takes a comma-separated list of revision ids, got "{value}".',
  'cmd.alembic.fileOrder': '--file-order takes "directory" (Alembic 1.8: os.listdir order) or "name" (newer Alembic: sorted), got "{value}".',
  'cmd.alembic.dsn': '--db takes a postgresql:// URL (the password from PGPASSWORD), got "{dsn}".',
  'cmd.alembic.inspect.dbOrFrom': 'Give --db (read the revision from the database) or --from (say it), not both.',
  'cmd.alembic.sql.dbOrFrom': 'Give --db or --from, not both.',
  'cmd.alembic.sql.vaultRun': '--vault and --run go together: the preview is stored in the vault as evidence of that run.',
  'cmd.alembic.sql.label': '--label goes with --vault and --run: it names the stored preview.',
  'cmd.alembic.sql.noIni': '{scripts} has no alembic.ini; the real alembic CLI needs one.',
  'cmd.alembic.sql.noCommand': '--alembic needs a command, e.g. "/usr/bin/python3 -m alembic".',
  'cmd.alembic.sql.noVersion': 'could not read alembic_version from {db}: {message}',
  'cmd.alembic.sql.stored': 'stored in {vault} as {name} (sha256 {sha256}, event #{seq}), evidence of run {run}',
  'cmd.alembic.sql.notStored': 'the preview is incomplete and was not stored in {vault}',
  'cmd.alembic.inspect.project': 'Alembic project {project}: {n} revision(s)',
  'cmd.alembic.inspect.heads': '  heads:  {list}',
  'cmd.alembic.inspect.bases': '  bases:  {list}',
  'cmd.alembic.inspect.none': '(none)',
  'cmd.alembic.inspect.branchPoint': '  branch point {revision} -> {next}',
  'cmd.alembic.inspect.mergePoint': '  merge point  {revision} <- {down}',
  'cmd.alembic.inspect.noTable': 'Database {database} (as {user}): no {table} table; {n} other table(s)',
  'cmd.alembic.inspect.table': 'Database {database} (as {user}): {schema}.{table}, version_num {type}, {n} row(s){rows}',
  'cmd.alembic.inspect.upgrade': 'Upgrade {from} -> {target}: {n} revision(s)',
  'cmd.alembic.inspect.noPath': 'Upgrade path: not computed (see the findings)',
  'cmd.alembic.inspect.findings': 'Findings:',
  'cmd.alembic.inspect.noFindings': 'Findings: none',
  'cmd.alembic.inspect.error': 'ERROR  ',
  'cmd.alembic.inspect.warning': 'WARNING',
  'cmd.alembic.inspect.info': 'info   ',
  'cmd.alembic.inspect.ok': 'Result: OK (no error findings)',
  'cmd.alembic.inspect.failed': 'Result: FAILED ({n} error finding(s))',
} as const;

/** What command-words-es.ts (and any other language) fills: every key above. */
export type CommandWordsCatalogue = { readonly [K in keyof typeof commandWordsEn]: string };
