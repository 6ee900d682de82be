// What the workstation says in the ledger commands' own refusals and lines (ledger, ledger team,
// ledger transcript: src/cli/commands/ledger*.ts), in English. Part of the core's catalogue (en.ts
// spreads it in); ledger-command-words-es.ts has every key. English is kept byte for byte as before.

export const ledgerCommandWordsEn = {
  // ---- options shared by the ledger commands (src/cli/commands/ledger.ts, ledger-transcript.ts)
  'ledgerCmd.batch': '--batch takes a number from 1 to 1000, got "{value}".',
  'ledgerCmd.poll': '--poll takes milliseconds from 50 to 600000, got "{value}".',
  'ledgerCmd.reconnecting': '{message}; reconnecting…',
  'ledgerCmd.problem': 'LEDGER PROBLEM: {problem}',
  'ledgerCmd.transcriptProblem': 'TRANSCRIPT PROBLEM: {problem}',

  // ---- ledger init ------------------------------------------------------------------------
  'ledgerCmd.init.created': 'Created the team ledger {ledger} on {label}.',
  'ledgerCmd.init.already': 'Already there: the team ledger {ledger} on {label}.',
  'ledgerCmd.init.role': 'Role for workstations: {role} (INSERT and SELECT only; it logs in without a password until you give it one):',
  'ledgerCmd.init.password': '  psql "{db}" -c "ALTER ROLE {role} PASSWORD \'…\'"   (or \\password {role} in psql)',
  'ledgerCmd.init.use': 'Workstations then use postgresql://{role}@HOST:PORT/DB with PGPASSWORD or ~/.pgpass.',

  // ---- ledger join ------------------------------------------------------------------------
  'ledgerCmd.join.joined': 'Joined ledger {ledger} as {workstation} (signed by {owner}, {fingerprint}).',
  'ledgerCmd.join.already': 'Already joined ledger {ledger} as {workstation} (signed by {owner}, {fingerprint}).',
  'ledgerCmd.join.publish': 'Publish with `cutover ledger publish --vault {vault}`.',

  // ---- ledger publish (once and --follow) -------------------------------------------------
  'ledgerCmd.publish.receive': '--receive goes with --follow (once: `cutover ledger receive`).',
  'ledgerCmd.publish.done.one': 'Published {n} event(s) of {workstation}; the ledger holds its chain up to #{head}.',
  'ledgerCmd.publish.done.other': 'Published {n} event(s) of {workstation}; the ledger holds its chain up to #{head}.',
  'ledgerCmd.publish.transcripts': 'Transcripts: {chunks} chunk(s), {bytes} byte(s) published; {shared} shared, {withheld} kept home (share_transcripts: false).',
  'ledgerCmd.follow.published': 'Published up to #{head}.',
  'ledgerCmd.follow.back': 'The ledger is back; it holds the chain up to #{head}.',
  'ledgerCmd.follow.lost': '{message}; the vault keeps recording, retrying…',
  'ledgerCmd.follow.transcriptsRetry': 'transcripts not published yet: {reason}; retrying',

  // ---- ledger verify ----------------------------------------------------------------------
  'ledgerCmd.verify.ok.one': 'OK: ledger {ledger} on {label}: {n} chain(s) hold.',
  'ledgerCmd.verify.ok.other': 'OK: ledger {ledger} on {label}: {n} chain(s) hold.',
  'ledgerCmd.verify.bad': 'BAD: ledger {ledger} on {label}: {problem}',
  'ledgerCmd.verify.chainOk.one': '  ok   {workstation}  {fingerprint}  {n} event(s) checked, head #{seq}',
  'ledgerCmd.verify.chainOk.other': '  ok   {workstation}  {fingerprint}  {n} event(s) checked, head #{seq}',
  'ledgerCmd.verify.chainBad.one': '  BAD  {workstation}  {fingerprint}  {n} event(s) checked; {problem}',
  'ledgerCmd.verify.chainBad.other': '  BAD  {workstation}  {fingerprint}  {n} event(s) checked; {problem}',

  // ---- ledger watch -----------------------------------------------------------------------
  'ledgerCmd.watch.reconnected': 'reconnected to {label}.',
  'ledgerCmd.watch.noTranscript': 'no transcript: {message}',
  'ledgerCmd.watch.verified': 'transcript {state}, every chunk checked',
  'ledgerCmd.watch.notShared': 'transcript not shared: its runbook says share_transcripts: false ({size} bytes stay on {workstation})',

  // ---- ledger transcript (src/cli/commands/ledger-transcript.ts) ---------------------------
  'ledgerCmd.transcript.complete': 'complete: {bytes} bytes, sha256 {sha256}… as event #{seq} ({type}) records',
  'ledgerCmd.transcript.partial': '{bytes} of {size} bytes published so far',
  'ledgerCmd.transcript.unfinished': '{bytes} bytes so far; the step has not finished',
  'ledgerCmd.transcript.state': '{workstation} transcript {artifact}: {state}.',

  // ---- ledger offer|approve|decide|attest|record|done|skip (src/cli/commands/ledger-team.ts)
  'ledgerCmd.plan.head': 'Plan of run {run}: runbook {runbook} v{version} (sha256 {hash}…), {environment}, operator {operator}, quorum {quorum}',
  'ledgerCmd.plan.step': '  {step}  {kind}  on {target} ({address}): {command}',
  'ledgerCmd.decide.both': '--decision (rollback, stop, retry) is one act and the formal decision (--authorization, --root-cause, …) another: give one of them.',
  'ledgerCmd.decide.kind': '--decision is rollback, stop or retry.',
  'ledgerCmd.decide.reason': '--decision needs --reason (it goes into the evidence).',
  'ledgerCmd.decide.reasonStep': '--reason and --step go with --decision.',
  'ledgerCmd.decide.nothing': 'Say what is decided: --authorization Approved|Rejected (the GO / NO-GO), --root-cause, --risk-tier, --drift; or --decision rollback|stop|retry with --reason.',
  'ledgerCmd.decide.authorization': '--authorization is Approved or Rejected, got "{value}".',
  'ledgerCmd.decide.signed': 'Signed {act} on run {run} as {name} ({fingerprint}): {what}; sent to {workstation} through the ledger.',
  'ledgerCmd.value.shape': '--value takes NAME=VALUE, got "{value}".',
  'ledgerCmd.value.twice': '--value {name} is given twice; give each field once.',
  'ledgerCmd.skip.reason': '--reason is empty; say why the step is skipped (it goes into the evidence).',
  'ledgerCmd.act.signed': 'Signed {act} of {step} in run {run} as {name} ({fingerprint}){detail}; sent to {workstation} through the ledger.',
  'ledgerCmd.act.already': 'Already sent {act} of {step} in run {run} as {name} ({fingerprint}){detail}; nothing new sent to {workstation} through the ledger.',
  'ledgerCmd.offer.offered': 'Offered the plan of run {run} ({n} step(s) that execute, sha256 {digest}) as event #{seq}.',
  'ledgerCmd.offer.already': 'Already offered the plan of run {run} ({n} step(s) that execute, sha256 {digest}) as event #{seq}.',
  'ledgerCmd.offer.approvers': 'Approvers sign it on their own workstations: cutover ledger approve --vault THEIR_VAULT {run}',
  'ledgerCmd.approve.dryRun': 'Not signed (--dry-run). Plan sha256 {digest}, offered by {workstation}.',
  'ledgerCmd.approve.signed': 'Signed plan sha256 {digest} with {fingerprint}; sent to {workstation} through the ledger.',
  'ledgerCmd.approve.already': 'Already signed plan sha256 {digest} with {fingerprint}; sent to {workstation} through the ledger.',
  'ledgerCmd.attest.attested': 'Attested {step} of run {run} as {name} ({fingerprint}): "{statement}"; sent to {workstation} through the ledger.',
  'ledgerCmd.attest.already': 'Already attested {step} of run {run} as {name} ({fingerprint}): "{statement}"; sent to {workstation} through the ledger.',

  // ---- ledger checkpoint|sent|receive -----------------------------------------------------
  'ledgerCmd.checkpoint.recorded': 'Checkpoint recorded as event #{seq}: ledger {ledger} holds {workstation}\'s event #{at} (hash {hash}…, published {publishedAt}).',
  'ledgerCmd.status.recorded': 'recorded',
  'ledgerCmd.status.waiting': 'waiting',
  'ledgerCmd.status.refused': 'REFUSED',
  'ledgerCmd.sent.none': 'This vault has sent nothing through the ledger.',
  'ledgerCmd.sent.item': '{status}  #{seq}  {kind}{step} of run {run} to {to}: {detail}',
  'ledgerCmd.receive.summary': '{recorded} recorded, {already} already recorded, {refused} refused.',
  'ledgerCmd.receive.item': '  {status}  {from} #{seq}  {kind} of run {run} by {by}: {message}',
  'ledgerCmd.receive.refused': 'refused {kind} from {from} event #{seq} (run {run}, by {by}): {message}',
  'ledgerCmd.receive.noKey': 'the refusals were not sent back to their senders (the owner\'s key is needed to sign them: {problem}).',
  'ledgerCmd.receive.needsInit': 'this ledger has no refusals table, so the refusals were not sent back to their senders: run `cutover ledger init` again.',
  'ledgerCmd.receive.notTold': 'the refusals were not sent back to their senders: {reason}',
} as const;

/** What ledger-command-words-es.ts (and any other language) fills: every key above. */
export type LedgerCommandWordsCatalogue = { readonly [K in keyof typeof ledgerCommandWordsEn]: string };
