// The team ledger: a shared, untrusted relay on PostgreSQL where each workstation publishes its
// own signed, hash-linked chain and every reader checks what it reads (DESIGN.md, issue 15).
export * from './errors';
export * from './limits';
export { initLedger, type InitResult } from './init';
export { joinLedger, type JoinResult } from './join';
export { membershipOf, JOINED_EVENT, type Membership } from './membership';
export { publishVault, publisherKey, LedgerPublisher, LedgerDivergedError, type PublishOptions, type PublishResult } from './publish';
export { VaultDoorbell } from './vault-doorbell';
export { verifyLedger, describeProblem, type LedgerVerifyReport, type LedgerProblem, type ChainReport } from './verify';
export { LedgerFollower, type FollowRead } from './follow';
export { timelineLine, timelineText, runOf } from './timeline';
export { ChainWalker, eventStatement, joinStatement, type LedgerRow, type LedgerMember, type PublishedEvent } from './record';
export { readHeads, writeHeads, HEADS_FORMAT, type SeenHeads } from './heads';
export { witnessVault, type WitnessReport } from './witness';
export { drainOutbox, behindLine, DEFAULT_DRAIN_TIMEOUT_MS, type DrainOutcome, type DrainOptions } from './outbox';
export { hasLedgerMarker, writeLedgerMarker, ledgerMarkerPath } from './marker';
export { readTeam, type TeamView, type TeamWorkstation } from './team';
export { offerPlan, type OfferResult } from './offer';
export { approveThroughLedger, type ApproveResult } from './approve';
export { decideThroughLedger, type DecideResult, type LedgerDecision } from './decide';
export { receiveFromLedger, type ReceiveResult, type ReceivedItem } from './receive';
export { LedgerInbox, type InboxOptions } from './auto-receive';
export { attestThroughLedger, type AttestResult } from './attest';
export { stepActThroughLedger, type LedgerStepAct, type StepActResult } from './step-act';
export { sentStatus, tellRefusals, type SentItem, type TellOutcome } from './refusals';
export { PLAN_OFFERED, APPROVAL_SENT, ACT_SENT } from './messages';
export { recordCheckpoint } from './checkpoint';
export { CHECKPOINT_EVENT, CHECKPOINTS_FILE, checkpointsFile, type LedgerCheckpoint } from './checkpoints-file';
