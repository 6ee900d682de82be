// The War room's words from core, in English: the timeline lines of a shared run (as `ledger
// watch` prints them) and the follower's tamper findings. Part of the core's catalogue (en.ts
// spreads it in, so translate() takes these keys); war-room-es.ts has every key (a missing one
// is a compile error). English is kept byte for byte as the lines and findings were before.

export const warRoomEn = {
  // ---- a shared run's timeline (core/ledger/timeline.ts) ----------------------------------
  'warRoom.line.runStarted': 'run started by {actor} ({environment}), runbook {runbook} v{version}',
  'warRoom.line.stepStarted': 'step {step} started by {actor}{target}{attempt}',
  'warRoom.line.onTarget': ' on {target}',
  'warRoom.line.attempt': ' (attempt {n})',
  'warRoom.line.stepFinished': 'step {step} finished: {status}{exit}{duration}',
  'warRoom.line.exit': ' (exit {code})',
  'warRoom.line.duration': ' in {ms} ms',
  'warRoom.line.stepInterrupted': 'step {step} {status}: {reason}',
  'warRoom.line.stepAttested': 'step {step} attested by {actor}: "{statement}"',
  'warRoom.line.stepRecorded': 'step {step} recorded by {actor}: {values}',
  'warRoom.line.stepDone': 'step {step} done by {actor}{note}',
  'warRoom.line.note': ': {note}',
  'warRoom.line.stepSkipped': 'step {step} skipped by {actor}: {reason}',
  'warRoom.line.approvalAdded': 'plan approved by {signer} ({fingerprint})',
  'warRoom.line.runBlocked': 'run {status} at step {step}: {reason}',
  'warRoom.line.runDecision': 'decision by {actor}: {decision}{step}: {reason}',
  'warRoom.line.decisionStep': ' (step {step})',
  'warRoom.line.decisionRecorded': 'decision recorded by {actor}: {fields}',
  'warRoom.line.runCompleted': 'run {status}: {passed} of {steps} steps passed',
  'warRoom.line.planOffered': 'plan offered for approval by {actor} (sha256 {digest}…)',
  'warRoom.line.approvalSent': 'plan {digest}… approved by {actor} ({fingerprint}), sent to {to}',
  'warRoom.line.actSent': '{act} signed by {actor}{what}, sent to {to}',
  'warRoom.line.hostKeyPinned': 'host key of {target} pinned: {fingerprint}',

  // ---- the follower's findings (core/ledger: follow.ts, record.ts, verify.ts, team.ts) -----
  // Worded again from the English the ledger code writes (core/war-room/finding-words.ts).
  'warRoom.finding.at': '{workstation} event #{seq}: {message}',
  'warRoom.finding.of': '{workstation}: {message}',
  'warRoom.finding.notThisLedger': 'this is not the ledger this follower followed (ledger id {ledger}, its heads are of {followed}): the ledger was re-created or replaced; nothing it holds is taken as a continuation',
  'warRoom.finding.gone': 'the workstation is gone from the ledger, which this follower saw up to #{seq}: its membership was deleted, or the ledger was restored from a backup older than its joining',
  'warRoom.finding.rewritten': 'event #{seq} was rewritten after this follower read it (hash then {then}…, now {now}…)',
  'warRoom.finding.backwards': 'the ledger went backwards: it holds {name}\'s events up to #{head}, but this follower saw #{seen}: it was restored from an older backup, or its newest rows were deleted',
  'warRoom.finding.deleted': 'event #{seq}, which this follower read, was deleted',
  'warRoom.finding.membership': 'the workstation\'s membership does not hold: {why}',
  'warRoom.finding.stranger': 'it has events in the ledger but never joined (no membership row): rows were inserted around the ledger\'s rules',
  'warRoom.finding.missing': 'event #{seq} is missing: the chain jumps from #{from} to #{to} (a row was deleted)',
  'warRoom.finding.outOfSequence': 'event #{seq} is out of sequence (expected #{expected})',
  'warRoom.finding.otherLedger': 'it names another ledger ({ledger})',
  'warRoom.finding.otherKey': 'it carries a key that is not {name}\'s ({fingerprint})',
  'warRoom.finding.oversized': 'it is oversized: {bytes} bytes, more than the {max} a ledger event may carry',
  'warRoom.finding.hash': 'its bytes do not hash to its hash (stored {stored}…, recomputed {recomputed}…): the row was changed after it was published',
  'warRoom.finding.reordered': 'its content is event #{content}, not #{seq}: the rows were reordered',
  'warRoom.finding.prevHashColumn': 'its prev_hash column differs from the prevHash its bytes carry: the row was changed',
  'warRoom.finding.link': 'it does not link to event #{prev} (prev_hash {stored}…, expected {expected}…)',
  'warRoom.finding.signature': 'its signature is not by {name}\'s key {fingerprint}: {why}',
  'warRoom.finding.notJson': 'its bytes are not JSON',
  'warRoom.finding.notCanonical': 'its bytes are not canonical JSON (RFC 8785)',
  'warRoom.finding.joinNotJson': 'its join statement is not JSON',
  'warRoom.finding.joinedOther': 'it joined another ledger ({ledger})',
  'warRoom.finding.joinMismatch': 'its row does not match the join statement its owner signed',
} as const;

/** What war-room-es.ts (and any other language) fills: every key above. */
export type WarRoomCatalogue = { readonly [K in keyof typeof warRoomEn]: string };
