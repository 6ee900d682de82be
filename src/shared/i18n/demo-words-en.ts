// What `cutover demo` says as it goes, and what its people type (their records, reasons and
// decisions), in English. Part of the core's catalogue (en.ts spreads it in, so translate() takes
// these keys); demo-words-es.ts has every key (a missing one is a compile error). English is kept
// byte for byte as the demo wrote it before.

export const demoWordsEn = {
  // ---- refusals ------------------------------------------------------------------------------
  'demo.refuse.notEmpty': '{out} is not empty; give --out a new or empty folder.',
  'demo.refuse.unknownExample': 'Unknown example "{name}": give one of {names}.',
  'demo.refuse.noHost': 'The example "{name}" has no host stand-in to rehearse on yet; `cutover runbook validate examples/{name}-cutover.yaml` checks it.',
  'demo.refuse.blockedOnly': '--blocked goes with the alembic-governance example only.',
  // ---- setting up ----------------------------------------------------------------------------
  'demo.db.anchor': 'Throwaway database {db} on {host}, at the 0019 anchor schema with no Alembic lineage.',
  'demo.db.postgres': 'Throwaway PostgreSQL database {db} on {host}.',
  'demo.db.postgresCopy': 'Throwaway PostgreSQL database {db} on {host} (a copy of {template}).',
  'demo.db.mariadb': 'Throwaway MariaDB database {db} (user {user}), seeded and hardened with scripts/mysql_incremental_indexes.sql.',
  'demo.db.previousRelease': 'Previous release: every domain synced by the full-copy path at 0011_sync_baseline.',
  'demo.api.started': 'Host API started: {url} (pid {pid}; log {log}).',
  'demo.cleanup': 'cleanup: {message}',
  'demo.identity.owner': 'Identity operator: the vault\'s owner, Ed25519 key {fingerprint} generated into the vault (the one private key it holds).',
  'demo.identity.ownerRoles': 'Identity operator ({roles}): the vault\'s owner, key {fingerprint}.',
  'demo.identity.approver': 'Identity {name} (approver): public key only; proved with ssh-keygen -Y sign on {dir}.',
  'demo.identity.person': 'Identity {name} ({roles}): public key only, proved with ssh-keygen on {dir}.',
  // ---- the run -------------------------------------------------------------------------------
  'demo.run.started': 'Run {runId} of {title} ({environment}).',
  'demo.attested': '  {step}: attested by {name} (act signed with ssh-keygen on their machine)',
  'demo.attestedRole': '  {step}: attested by {name} ({role}; act signed with ssh-keygen on their machine)',
  'demo.planApproved': '  plan approved by {name} (ssh-keygen -Y sign -n {ns} on their machine)',
  'demo.gate.warning': '    warning: {gate} ({detail})',
  'demo.gate.failed': '    failed: {gate} ({detail})',
  'demo.decision.rollback': '  decision: rollback path',
  'demo.decision.recorded': '  decision recorded and authorized by {name} (incident commander)',
  'demo.stopped': 'The rehearsal stopped at {step}: {reason}. No decision, no pack.',
  // ---- the production demo -------------------------------------------------------------------
  'demo.production.vault': 'Vault {path}: operator (its owner) and {approvers} (their own keys in {dir}).',
  'demo.production.db': 'Throwaway database {db} at the 0019 anchor, owned by {role}.',
  'demo.production.extraRevision': 'Production\'s checkout carries one more pending revision ({revision}) than the rehearsal ran.',
  'demo.production.run': 'Run {runId} ({environment}).',
  'demo.production.runBound': 'Run {runId} ({environment}), bound to rehearsal run {rehearsal}.',
  'demo.production.planApproved': '  plan approved by {names} (ssh-keygen -Y sign -n {ns})',
  'demo.production.and': ' and ',
  'demo.production.deviationAccepted': '  deviation at {step} (diff sha256 {sha}…) accepted by {name} (ssh-keygen -Y sign -n {ns})',
  'demo.production.rehearsal': 'Rehearsal:',
  'demo.production.production': 'Production, bound to {folder}:',
  'demo.production.blocked': '  BLOCKED: {reason}',
  // ---- what the demo's people type -----------------------------------------------------------
  'demo.says.blockedReason': 'DuplicateTable during alembic upgrade head (abort gate)',
  'demo.says.rootCauseBlocked': 'Migration 0023 creates a table that already exists (DuplicateTable)',
  'demo.says.rootCauseNone': 'None: all gates passed',
  'demo.says.rootCauseRehearsal': 'None: every gate passed in rehearsal',
  'demo.says.drift': 'None (0019 structural parity PASS)',
  'demo.says.stop': 'stopped at the abort gate',
  'demo.says.preserveLogs': 'all transcripts are in the vault',
  'demo.says.noMoreMigrations': 'no further migration command run',
  'demo.says.pitr': 'PITR decision path handed to the DBA on call',
  'demo.says.manualDone': 'done (demo rehearsal)',
  // ---- the CLI's summary -----------------------------------------------------------------------
  'demo.summary.vault': 'Vault: {vault}',
  'demo.summary.passphrase': '  (passphrase: {passphrase})',
  'demo.summary.machines': 'Approvers\' machines (their own keys; they signed with ssh-keygen): {dir}/machines/',
  'demo.summary.pack': 'Signed pack: {folder}\n             {zip}\nDecision PDF: {folder}/decision.pdf',
  'demo.summary.verification': 'Pack verification: {summary}',
  'demo.summary.notRun': 'not run',
  'demo.summary.verifyYourself': 'Verify it yourself:\n  cd {folder} && sha256sum -c SHA256SUMS\n  cat VERIFY.txt   (the ssh-keygen -Y verify line for each signature)\n  npx cutover pack verify {zip}',
  'demo.summary.incident': 'Run BLOCKED at the abort gate. Incident report:\n  {markdown}\n  {pdf}',
  'demo.summary.rehearsalPack': 'Rehearsal pack: {folder}',
  'demo.summary.productionPack': 'Production pack: {folder}',
  'demo.summary.noPack': '(none)',
  'demo.summary.productionFiles': '  (rehearsal/manifest.json, rehearsal/comparison.json; decision.pdf "{section}")',
  'demo.summary.seeRun': 'See the run: CUTOVER_PASSPHRASE=… npx cutover run status --vault {vault} {runId}',
} as const;

/** What demo-words-es.ts (and any other language) fills: every key above. */
export type DemoWordsCatalogue = { readonly [K in keyof typeof demoWordsEn]: string };
