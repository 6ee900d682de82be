// The words of decision.pdf (headings, explanations, the environment, the plan approvals and
// the signatures) in one place, so they can be translated together: English only for now.
// Values are passed in; nothing here decides anything. Table column headers and the decision
// template's labels (decision.ts TEMPLATE_LABELS) are the next to move here.

export const PDF_TEXT = {
  cover: {
    governance: 'Governance decision record',
    goNoGo: 'GO / NO-GO decision record',
    subtitle: (runbook: string, runId: string, environment: string, at: string, seq: number) => `Runbook ${runbook} · run ${runId} · ${environment} · state as of ${at} (chain head #${seq})`,
    statement: 'GO / NO-GO statement',
    formal: 'Formal decision',
    goNoGoField: 'GO / NO-GO Decision',
  },
  run: {
    heading: 'Run and runbook',
    runId: 'Run ID',
    runbook: 'Runbook',
    runbookHash: 'Runbook SHA-256',
    environment: 'Environment',
    operator: 'Operator',
    started: 'Started',
    status: 'Run status',
    chainHead: 'Chain head',
    chainHeadNote: 'the last event of this run (or of evidence stored for it) in the vault\'s hash chain; this record reflects the run up to it',
    targets: 'Targets',
  },
  required: {
    heading: 'Required evidence',
    none: 'The runbook lists no required evidence (no evidence_pack): the board named no files for the final decision.',
    intro: 'The runbook\'s evidence pack: the files required for the final decision, matched by name to the evidence this run wrote. Each present file is in the pack as evidence/<file>; check it with sha256sum against the full SHA-256 under its name.',
  },
  linked: {
    heading: 'Schema fingerprints and SQL previews',
    none: 'None stored for this run (cutover pg fingerprint --run, cutover alembic sql --run).',
  },
  abortGates: {
    heading: 'Abort gates per phase',
    intro: 'Each abort gate is a pattern watched on the step\'s streaming output while it runs. MATCHED: the gate fired (on match "block": the step finishes and the run is BLOCKED; "cancel": the command is stopped at once). clear: watched over the whole output, never matched. not run: the step did not run, so the gate was never watched. not judged: the step started but ended without a result (interrupted).',
    none: 'The runbook declares no abort gates.',
  },
  preconditions: {
    heading: 'Preconditions and attestations',
    none: 'The runbook has no preconditions or attestations.',
  },
  timeline: {
    heading: 'Timeline (scribe format)',
    intro: (t0: string, label: string) => `T: the runbook's time slot where it gives one, otherwise the actual offset from T-0 = ${t0} (${label}). Timestamps are UTC, from the vault's event chain.`,
  },
  gates: {
    heading: 'Gate results per step',
    intro: 'Expectations are judged when a step ends; abort gates are watched on the streaming output and stop the run when they match.',
  },
  artifacts: {
    heading: 'Evidence artifacts',
  },
  people: {
    heading: 'People and keys',
    intro: 'Everyone who acted in this run or may sign its decision, with the key that identifies them (the pack\'s allowed_signers).',
  },
  rollback: {
    heading: 'Rollback triggers',
    none: '(the runbook names no rollback triggers)',
    action: 'STOP; rollback decision path',
    observed: (observed: string[]) => `Observed in this run:\n${observed.map((o) => `• ${o}`).join('\n')}`,
    observedNone: 'Observed in this run: none. No rollback triggers observed.',
  },
  environment: {
    production: 'PRODUCTION',
    rehearsal: 'REHEARSAL',
  },
  rehearsal: {
    /** The large diagonal mark on every page of a rehearsal. */
    mark: 'REHEARSAL',
    notice: (target: string) => `Rehearsal on ${target} — not an authorization for production`,
    productionTarget: (target: string) => `The runbook's production target is ${target}; this rehearsal did not run against it.`,
    noProductionTarget: 'The runbook names no production target (decision.target).',
    result: (goNoGo: string, status: string) => `Rehearsal result: ${goNoGo} (status ${status}). A production run is approved, run and decided on its own, with its own pack.`,
  },
  production: {
    bannerDetail: (status: string, authorization: string) => `Status ${status} · production cutover authorization: ${authorization}`,
    authorizationRecorded: (value: string, by: string | null, seq: number | null) => `${value}${by ? `, recorded by ${by}` : ''}${seq !== null ? ` (event #${seq} of the chain)` : ''}`,
    authorizationNone: 'none recorded in the run',
  },
  plan: {
    heading: 'Plan approvals',
    none: 'No approver signed the plan of this run, so none of its mutating steps could run. The pack has no plan/ folder.',
    intro: 'Before the window, approvers signed the plan (every step that executes: command, target, environment) with their own SSH keys. The exact signed bytes and each approval are files in this pack; check each approval with ssh-keygen against the pack\'s allowed_signers (or, better, your organisation\'s):',
    several: (n: number) => `The plan was approved in ${n} versions (re-approved after a change), kept as plan/v1/ … plan/v${n}/ in the order each was first approved.`,
    version: (version: number, path: string) => `Plan version ${version}: ${path}`,
    command: (dir: string) => `ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-plan-v1 -s ${dir}/approvals/NAME.sig < ${dir}/plan.json`,
    digest: 'sha256sum of the plan file equals the plan SHA-256 shown and the planDigest of the approval.added event (chain/events.jsonl, line SEQ).',
  },
  signatures: {
    heading: 'How this decision is approved',
    policy: (quorum: number, role: string, approvers: string[], operator: string, veto: boolean) =>
      `Policy: ${quorum} approving signature${quorum === 1 ? '' : 's'} from people with the ${role} role${approvers.length ? ` (in this pack's allowed_signers: ${approvers.join(', ')})` : ''}. The run's operator (${operator}) never counts toward it, whatever their roles.${veto ? ' A rejecting verdict from a counted signer vetoes the decision.' : ''}`,
    files: 'Each signature is a detached file next to this document in the pack, added after export: signatures/NAME.sig, NAME\'s SSHSIG over manifest.json (which lists this PDF with its SHA-256); signatures/NAME.json, NAME\'s verdict (approve or reject, with a reason, naming the manifest\'s SHA-256); and signatures/NAME.json.sig, NAME\'s SSHSIG over that verdict. All in the namespace cutover-decision-v1.',
    commands: 'Check them with:',
    manifestCommand: 'ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.sig < manifest.json',
    verdictCommand: 'ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.json.sig < signatures/NAME.json',
    packCommand: 'cutover pack verify PACK --allowed-signers YOUR_ORGANISATION_ALLOWED_SIGNERS',
    status: 'This document does not say who has signed it: it was rendered when the pack was exported, before anyone signed, and the signatures then cover it. Whether the pack is signed, by whom and whether the policy is met is printed by `cutover pack verify` (VERIFY.txt gives the same checks with ssh-keygen and sha256sum alone), not by this document.',
    preview: 'This is a preview rendered by `cutover report decision`, outside any pack: the decision pack (`cutover pack export`) carries the decision.pdf the approvers sign, with the files named above.',
    eligibleHeading: 'Who may sign toward the policy',
    eligibleNone: 'No identity with the approver role is in this pack\'s allowed_signers.',
  },
} as const;
