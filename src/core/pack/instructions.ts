// VERIFY.txt: how an auditor checks every claim of the pack with coreutils, unzip and OpenSSH
// alone. It is a manifest subject (the approvers sign it), so it states the expected values
// literally: the chain's first prevHash, length and head, each plan version's sha256 and its
// approvers, each act. Each step is one block of POSIX sh (no sed, grep, awk or python) between
// BEGIN/END marker lines, to paste into sh in the unpacked folder; it prints "OK: …" or
// "FAILED: …" lines and ends with the step's result.
import { ACT_NAMESPACE } from '../acts/document';
import { PLAN_NAMESPACE } from '../engine/plan';
import { ALLOWED_SIGNERS, DECISION_NAMESPACE, MANIFEST, SIGNATURES_DIR, SUMS, VERDICT_FORMAT, VERIFY_TXT, signaturePaths } from './layout';
import type { PackIdentity, PackPolicy } from './manifest';
import { actsStep, chainStep, filesStep, plansStep, quorumStep, signingBlock, verdictsStep, type InstructionsAct, type InstructionsChain, type InstructionsPlan } from './verify-steps';

export type { InstructionsAct, InstructionsChain, InstructionsPlan } from './verify-steps';

export interface InstructionsInput {
  runId: string;
  runbook: { id: string; version: string; hash: string };
  environment: string;
  chainHead: { seq: number; hash: string; at: string };
  policy: PackPolicy;
  identities: PackIdentity[];
  /** How many subjects manifest.json lists (every file but manifest.json, SHA256SUMS and signatures/). */
  subjectCount?: number;
  /** chain/events.jsonl, as the manifest's predicate.chain describes it. */
  chain?: InstructionsChain;
  /** plan/…: each plan text approvers signed, as predicate.plans. */
  plans?: InstructionsPlan[];
  /** acts/…: each signed act of the run, as predicate.acts. */
  acts?: InstructionsAct[];
}

/** The approvers the policy counts: the role, never the operator. */
function countingApprovers(input: InstructionsInput): PackIdentity[] {
  const { policy } = input;
  return input.identities.filter((i) => i.roles.includes(policy.role) && i.name !== policy.operator && i.fingerprint !== policy.operatorFingerprint);
}

function header(input: InstructionsInput): string[] {
  const { policy } = input;
  return [
    'DECISION PACK: HOW TO VERIFY IT',
    '',
    `Run          ${input.runId}`,
    `Runbook      ${input.runbook.id} v${input.runbook.version} (sha256 ${input.runbook.hash})`,
    `Environment  ${input.environment}`,
    `Operator     ${policy.operator}`,
    `Anchored at  vault chain event #${input.chainHead.seq}, hash ${input.chainHead.hash}, ${input.chainHead.at}`,
    '',
    'You need only sh, GNU coreutils (sha256sum, head, tail, cat, tr, cut, sort, uniq), unzip and',
    'ssh-keygen (OpenSSH 8.2 or newer). Nothing here needs node, python or Cutover Workstation.',
    'If you received a zip, unpack it into a new folder and work there:',
    '',
    '    unzip PACK.zip -d PACK && cd PACK',
    '',
    'Each step below is one block of POSIX sh between a "# ---- BEGIN STEP n" line and a',
    '"# ---- END STEP n" line. Paste a whole block into sh (or bash) in the pack folder. It prints',
    '"OK: …" for what holds and "FAILED: …" naming what does not, and ends with a line',
    '"== STEP n (…): OK ==", or FAILED (the block\'s exit status is then 1; step 6 also has',
    '3, AWAITING SIGNATURES). The blocks run in a subshell: they change nothing in your shell.',
    '',
    'Why the values written below can be trusted: step 1 ties every file, this one included, to',
    `${MANIFEST}; steps 5 and 6 tie ${MANIFEST} to the approvers' keys. When every step is OK, the`,
    'expected values this file states are the ones the approvers signed.',
    '',
    'To run all six steps one after another, read them first (they are what you rely on), set',
    'ROSTER for step 6 (see there), and paste this line; it feeds the six blocks of this file to sh:',
    '',
    `    ${RUN_ALL_STEPS}`,
    '',
  ];
}

/** The blocks of steps 1 to 6 of VERIFY.txt, taken out of it by sh alone and run in order. */
const RUN_ALL_STEPS = `( on=; while IFS= read -r l; do case $l in '    # ---- BEGIN STEP '*) on=1 ;; esac; [ -n "$on" ] && printf '%s\\n' "\${l#    }"; case $l in '    # ---- END STEP '*) on= ;; esac; done < ${VERIFY_TXT} ) | ROSTER="$ROSTER" sh`;

function stepHeading(n: number, title: string, prose: string[], block: string[]): string[] {
  return [`${n}. ${title}`, '', ...prose.map((l) => (l ? `   ${l}` : '')), ...(prose.length ? [''] : []), ...block.map((l) => (l ? `    ${l}` : '')), ''];
}

function filesProse(input: InstructionsInput): string[] {
  return [
    `${SUMS} gives the sha256 of every file except itself and ${SIGNATURES_DIR}/ (so it covers`,
    `${MANIFEST}). ${MANIFEST} is an in-toto Statement v1; its "subject" list gives each file's`,
    `sha256 too, and it is what the approvers sign. This step runs \`sha256sum -c ${SUMS}\`, then`,
    `checks that each line of ${SUMS} is a subject of ${MANIFEST}${input.subjectCount === undefined ? '' : `, and that there are ${input.subjectCount} of them`}.`,
    `A file that is not in ${MANIFEST} (outside ${SIGNATURES_DIR}/) does not belong to the pack.`,
  ];
}

function chainProse(chain: InstructionsChain): string[] {
  return [
    `${chain.path} holds the vault's events seq ${chain.firstSeq} to ${chain.headSeq}, one per line (line N is seq ${chain.firstSeq === 1 ? 'N' : `N+${chain.firstSeq - 1}`}).`,
    'Each line is exactly the RFC 8785 canonical JSON of {prevHash, seq, at, actor, type, payload},',
    'and its SHA-256 is the event\'s hash. Each line\'s prevHash must be the hash of the line before',
    'it; the top-level prevHash is the last "prevHash" of a line (canonical key order: actor, at,',
    'payload, prevHash, seq, type). Expected:',
    '',
    `  first prevHash  ${chain.firstPrevHash}`,
    `  lines           ${chain.events}`,
    `  head            seq ${chain.headSeq}, hash ${chain.headHash}`,
    '',
    'Any edited, removed, added or reordered line is named by its line number.',
  ];
}

function plansProse(plans: InstructionsPlan[]): string[] {
  if (plans.length === 0) return ['No approver signed a plan for this run: there is nothing to check here.'];
  const lines = [
    'Each plan file is the exact text the approvers signed (what ran, where, for this run). Each',
    `approval is an SSH signature in namespace "${PLAN_NAMESPACE}", checked with:`,
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${PLAN_NAMESPACE} -s plan/approvals/NAME.sig < plan/plan.json`,
    '',
    'and the plan\'s sha256 must be the "planDigest" of NAME\'s approval.added event in the chain.',
    '',
  ];
  for (const p of plans) {
    lines.push(`  plan version ${p.version}: ${p.path}, sha256 ${p.sha256}`);
    for (const a of p.approvals) lines.push(`    approved by ${a.signer} (${a.fingerprint}), chain event #${a.seq}: ${a.path}`);
  }
  return lines;
}

function actsProse(acts: InstructionsAct[]): string[] {
  if (acts.length === 0) return ['No signed act belongs to this run: there is nothing to check here.'];
  return [
    'Every act a person did in this run (start, attest, record, execute, done, skip, decide, the',
    'formal decision) is the exact JSON they signed, in acts/SEQ-KIND-NAME.json, with its SSH',
    `signature in namespace "${ACT_NAMESPACE}" beside it (.json.sig):`,
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${ACT_NAMESPACE} -s acts/X.json.sig < acts/X.json`,
    '',
    'Its sha256 must be the "digest" in chain line SEQ (head -n SEQ chain/events.jsonl | tail -n 1),',
    'and the act must name its signer\'s key and this run.',
    '',
    ...acts.map((a) => `  #${a.seq} ${a.kind} by ${a.signer}: ${a.path}`),
  ];
}

function verdictsProse(input: InstructionsInput): string[] {
  const perApprover = countingApprovers(input).flatMap((a) => {
    const p = signaturePaths(a.name);
    return [
      `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.sig} < ${MANIFEST}`,
      `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.verdictSig} < ${p.verdict}`,
    ];
  });
  return [
    `Each approver signs twice, with namespace "${DECISION_NAMESPACE}": ${SIGNATURES_DIR}/NAME.sig over the exact`,
    `bytes of ${MANIFEST}, and ${SIGNATURES_DIR}/NAME.json.sig over their verdict ${SIGNATURES_DIR}/NAME.json (approve or`,
    `reject, about this manifest's sha256; see "THE VERDICT" below). For a signer NAME:`,
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${DECISION_NAMESPACE} -s ${SIGNATURES_DIR}/NAME.sig < ${MANIFEST}`,
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${DECISION_NAMESPACE} -s ${SIGNATURES_DIR}/NAME.json.sig < ${SIGNATURES_DIR}/NAME.json`,
    `  sha256sum ${MANIFEST}      # must equal "manifestSha256" in ${SIGNATURES_DIR}/NAME.json`,
    '',
    ...(perApprover.length ? ['For the approvers of this run, one by one:', '', ...perApprover, ''] : []),
    'Signatures are added after export, so this step checks whatever is in signatures/. A',
    'signature without its signed verdict counts as neither approval nor rejection.',
  ];
}

function quorumProse(input: InstructionsInput): string[] {
  const { policy } = input;
  const approvers = countingApprovers(input);
  return [
    `The decision is approved when at least ${policy.quorum} distinct identit${policy.quorum === 1 ? 'y' : 'ies'} with the role "${policy.role}" have a good`,
    `signature over ${MANIFEST} and a good verdict "approve" for it, and none of them signed "reject"`,
    '(a rejection is a veto; its reason is in its verdict). One key counts once.',
    `The run's operator (${policy.operator}${policy.operatorFingerprint ? `, key ${policy.operatorFingerprint}` : ''}) never counts, whatever they sign.`,
    `Who may count (role "${policy.role}", from ${MANIFEST} predicate.identities): ${approvers.length ? approvers.map((a) => a.name).join(', ') : 'nobody'}.`,
    '',
    `WARNING: ${ALLOWED_SIGNERS} in this pack comes from the vault that exported it. It proves the`,
    'pack is intact, not who signed: a pack re-made end to end with other keys passes steps 1 to',
    '5 against its own file. This step uses YOUR organisation\'s allowed_signers (its keys, and any',
    'valid-after / valid-before / namespaces options in it). Set ROSTER to it first, e.g.',
    '',
    '  ROSTER=/etc/ssh/our_allowed_signers',
    '',
    `To check steps 3 to 5 against it too, run them with -f ${ALLOWED_SIGNERS} replaced by -f "$ROSTER"`,
    `(its lines then need namespaces that include ${PLAN_NAMESPACE} and ${ACT_NAMESPACE}, or none).`,
    'Exit status: 0 approved, 3 AWAITING SIGNATURES, 1 FAILED (rejected, or a signature is broken).',
  ];
}

function claimsSection(): string[] {
  return [
    `WHERE EACH CLAIM OF decision.pdf IS CHECKED`,
    '',
    '  the runbook, its version and hash    evidence/runbook-*.yaml and predicate.runbook in manifest.json (step 1)',
    '  each step\'s status, gates, exit code  evidence/results/STEP.json and the transcript it names (step 1);',
    '                                       the step\'s events in chain/events.jsonl (step 2)',
    '  the commands and targets approved,   plan/ (step 3): the plan text is plain JSON, read it with cat',
    '  and who approved them',
    '  who attested, recorded, executed,    acts/ (step 4): each act names its person, key, run, step and what',
    '  skipped, decided; the formal         they attested, recorded or decided (decision.record acts)',
    '  decision (GO / NO-GO)',
    '  the order and time of everything     chain/events.jsonl (step 2): "at" and "seq" of each line',
    '  who signed this pack, and how        signatures/ (steps 5 and 6); the PDF, made before anyone signed,',
    '                                       states the policy and where the signatures are, never who signed',
    '',
  ];
}

function verdictDoc(input: InstructionsInput): string[] {
  const example = `{"decision":"approve","fingerprint":"SHA256:…","format":"${VERDICT_FORMAT}","manifestSha256":"<sha256 of ${MANIFEST}>","reason":null,"runId":"${input.runId}","signedAt":"2026-01-31T09:30:00Z","signer":"NAME"}`;
  return [
    `THE VERDICT (${VERDICT_FORMAT}) AND SIGNING BY HAND`,
    '',
    `${SIGNATURES_DIR}/NAME.json is one line of JSON ending in a newline, with exactly these fields (no`,
    'others), written with keys in this order and no spaces so that the steps above can read it:',
    '',
    `  ${example}`,
    '',
    '  decision        "approve" or "reject"',
    '  fingerprint     your key\'s fingerprint as `ssh-keygen -lf KEY` prints it: "SHA256:" and 43 characters',
    `  format          "${VERDICT_FORMAT}"`,
    `  manifestSha256  the sha256 of ${MANIFEST} (64 lowercase hex digits, as sha256sum prints it)`,
    '  reason          null, or a JSON string of up to 4000 characters (write \\" for " and \\\\ for \\);',
    '                  required for "reject"',
    `  runId           "${input.runId}"`,
    '  signedAt        your clock, ISO 8601 in UTC, e.g. "2026-01-31T09:30:00Z" (your claim, not a timestamp)',
    '  signer          your identity name in this pack (your principal in allowed_signers)',
    '',
    `Then sign it, and ${MANIFEST}, with plain ssh-keygen and namespace "${DECISION_NAMESPACE}":`,
    '',
    `  ssh-keygen -Y sign -f KEY -n ${DECISION_NAMESPACE} ${SIGNATURES_DIR}/NAME.json     (writes ${SIGNATURES_DIR}/NAME.json.sig)`,
    `  ssh-keygen -Y sign -f KEY -n ${DECISION_NAMESPACE} ${MANIFEST}               (writes ${MANIFEST}.sig)`,
    `  mv ${MANIFEST}.sig ${SIGNATURES_DIR}/NAME.sig`,
    '',
    `So signatures/ holds, for each signer: NAME.sig (over ${MANIFEST}), NAME.json (the verdict) and`,
    'NAME.json.sig (over the verdict). No other file may be in signatures/, nor left beside',
    `${MANIFEST}. The block below does all of it: set NAME, KEY (your private key file), DECISION`,
    '(approve or reject) and REASON (null, or a quoted JSON string such as \'"transcripts reviewed"\')',
    'first, run step 1 to be sure you sign the pack that was exported, then paste it in the pack',
    'folder. Send the pack (or just the three files) back; `cutover pack import-signature` takes them.',
    '',
    ...signingBlock(input.runId).map((l) => (l ? `    ${l}` : '')),
    '',
  ];
}

export function verifyInstructions(input: InstructionsInput): string {
  const chain = input.chain;
  const plans = input.plans ?? [];
  const acts = input.acts ?? [];
  const context = { runId: input.runId, chain };
  const lines = [
    ...header(input),
    ...stepHeading(1, 'The files are the ones the manifest lists', filesProse(input), filesStep(input.subjectCount)),
    ...(chain
      ? stepHeading(2, 'The chain of events: every link and the head', chainProse(chain), chainStep(chain))
      : stepHeading(2, 'The chain of events', ['This pack has no chain/events.jsonl: nothing to check here.'], [])),
    ...stepHeading(3, 'Each plan approval', plansProse(plans), plansStep(plans, context)),
    ...stepHeading(4, 'Each signed act', actsProse(acts), actsStep(acts, context)),
    ...stepHeading(5, 'Each pack verdict', verdictsProse(input), verdictsStep(input.runId)),
    ...stepHeading(6, 'The quorum, against your own allowed_signers', quorumProse(input), quorumStep({ runId: input.runId, policy: input.policy, approvers: countingApprovers(input).map((a) => a.name) })),
    ...claimsSection(),
    ...verdictDoc(input),
    'With Cutover Workstation installed, one command checks all of the above and names what fails',
    '(exit 0 approved, 3 awaiting signatures, 1 failed, 2 bad input):',
    '',
    `    cutover pack verify PACK --allowed-signers YOUR_allowed_signers [--json]`,
    '',
  ];
  return lines.join('\n');
}
