// VERIFY.txt: how an auditor checks the pack with sha256sum and ssh-keygen alone. It is part
// of the signed manifest, so it names the policy the approvers signed under.
import { ALLOWED_SIGNERS, DECISION_NAMESPACE, MANIFEST, SIGNATURES_DIR, SUMS, signaturePaths } from './layout';
import type { PackIdentity, PackPolicy } from './manifest';

export interface InstructionsInput {
  runId: string;
  runbook: { id: string; version: string; hash: string };
  environment: string;
  chainHead: { seq: number; hash: string; at: string };
  policy: PackPolicy;
  identities: PackIdentity[];
}

export function verifyInstructions(input: InstructionsInput): string {
  const { policy } = input;
  const approvers = input.identities.filter((i) => i.roles.includes(policy.role) && i.name !== policy.operator);
  const sig = (name: string) => signaturePaths(name);
  const lines = [
    'DECISION PACK: HOW TO VERIFY IT',
    '',
    `Run          ${input.runId}`,
    `Runbook      ${input.runbook.id} v${input.runbook.version} (sha256 ${input.runbook.hash})`,
    `Environment  ${input.environment}`,
    `Operator     ${policy.operator}`,
    `Anchored at  vault chain event #${input.chainHead.seq}, hash ${input.chainHead.hash}, ${input.chainHead.at}`,
    '',
    'You need only sha256sum (GNU coreutils) and ssh-keygen (OpenSSH 8.2 or newer).',
    'If you received a zip, unpack it into a new folder first and work there:',
    '',
    '    unzip PACK.zip -d PACK && cd PACK',
    '',
    '1. The files are the ones that were exported',
    '',
    `    sha256sum -c ${SUMS}`,
    '',
    `   Every line must end in "OK". ${SUMS} covers every file except itself and ${SIGNATURES_DIR}/`,
    `   (so it covers ${MANIFEST}). The same hashes and sizes are the "subject" list of ${MANIFEST},`,
    '   an in-toto Statement v1, which is what the approvers sign. A file that is not in the',
    `   manifest (outside ${SIGNATURES_DIR}/) does not belong to the pack.`,
    '',
    '2. Each signature is over the exact bytes of manifest.json',
    '',
    `   Every signature uses the SSH signature namespace "${DECISION_NAMESPACE}". For a signer NAME:`,
    '',
    `    ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${DECISION_NAMESPACE} -s ${SIGNATURES_DIR}/NAME.sig < ${MANIFEST}`,
    '',
    '   must print "Good signature". That says NAME reviewed this exact manifest; it does not yet',
    `   say what NAME decided. The decision is in ${SIGNATURES_DIR}/NAME.json (a verdict: "approve" or`,
    '   "reject" with a reason, the sha256 of the manifest it is about, the run id), signed by the',
    '   same key:',
    '',
    `    ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${DECISION_NAMESPACE} -s ${SIGNATURES_DIR}/NAME.json.sig < ${SIGNATURES_DIR}/NAME.json`,
    `    sha256sum ${MANIFEST}          # must equal "manifestSha256" in ${SIGNATURES_DIR}/NAME.json`,
    '',
    '   A signature without its signed verdict counts as neither approval nor rejection.',
    '',
  ];
  if (approvers.length) {
    lines.push('   For the approvers of this run:', '');
    for (const a of approvers) {
      const p = sig(a.name);
      lines.push(`    ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.sig} < ${MANIFEST}`);
      lines.push(`    ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.verdictSig} < ${p.verdict}`);
    }
    lines.push('');
  }
  lines.push(
    '3. The policy the approvers signed under',
    '',
    `   The decision is approved when at least ${policy.quorum} distinct identit${policy.quorum === 1 ? 'y' : 'ies'} with the role "${policy.role}"`,
    '   have a good manifest signature and a good verdict "approve" for this manifest, and no such',
    '   identity has signed "reject" (a rejection is a veto; its reason is in its verdict).',
    `   The run's operator (${policy.operator}${policy.operatorFingerprint ? `, key ${policy.operatorFingerprint}` : ''}) never counts, whatever they sign.`,
    `   Roles and keys are listed in ${MANIFEST} (predicate.identities) and in ${ALLOWED_SIGNERS}.`,
    '',
    '4. Whom to trust',
    '',
    `   ${ALLOWED_SIGNERS} comes from the vault that exported the pack. Compare its keys with a list`,
    '   you trust (your own allowed_signers, the approvers\' published keys): a pack re-made',
    '   end to end with other keys would pass steps 1 and 2 against its own file. Use your own:',
    '',
    `    ssh-keygen -Y verify -f YOUR_allowed_signers -I NAME -n ${DECISION_NAMESPACE} -s ${SIGNATURES_DIR}/NAME.sig < ${MANIFEST}`,
    '',
    'With Cutover Workstation installed, one command checks all of the above and names what fails:',
    '',
    '    cutover pack verify PACK [--allowed-signers YOUR_allowed_signers] [--json]',
    '',
  );
  return lines.join('\n');
}
