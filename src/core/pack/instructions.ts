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
import { translator, type Lang, type MessageKey, type Translator, type VarsOf } from '../../shared/i18n';

export type { InstructionsAct, InstructionsChain, InstructionsPlan } from './verify-steps';

export interface InstructionsInput {
  runId: string;
  /** language: the runbook's `language:`; the prose, and the words the sh blocks print, are written in it (their commands stay as they are). */
  runbook: { id: string; version: string; hash: string; language?: Lang };
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

/** A paragraph of the catalogue, one array entry per line (the catalogue keeps VERIFY.txt's line breaks). */
function lines<K extends MessageKey>(tr: Translator, key: K, vars?: VarsOf<K>): string[] {
  return (tr.t as (key: MessageKey, vars?: Record<string, string | number>) => string)(key, vars).split('\n');
}

const names = { manifest: MANIFEST, sums: SUMS, signatures: SIGNATURES_DIR, allowed: ALLOWED_SIGNERS };

function header(tr: Translator, input: InstructionsInput): string[] {
  const { policy } = input;
  return [
    tr.t('verify.title'),
    '',
    ...lines(tr, 'verify.header.fields', { runId: input.runId, runbook: input.runbook.id, version: input.runbook.version, hash: input.runbook.hash, environment: input.environment === 'production' || input.environment === 'rehearsal' ? tr.t(`env.${input.environment}`) : input.environment, operator: policy.operator, seq: input.chainHead.seq, head: input.chainHead.hash, at: input.chainHead.at }),
    '',
    ...lines(tr, 'verify.header.tools'),
    '',
    '    unzip PACK.zip -d PACK && cd PACK',
    '',
    ...lines(tr, 'verify.header.blocks'),
    '',
    ...lines(tr, 'verify.header.why', names),
    '',
    ...lines(tr, 'verify.header.runAll'),
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

function filesProse(tr: Translator, input: InstructionsInput): string[] {
  return lines(tr, 'verify.files', { ...names, count: input.subjectCount === undefined ? '' : tr.t('verify.files.count', { n: input.subjectCount }) });
}

function chainProse(tr: Translator, chain: InstructionsChain): string[] {
  return lines(tr, 'verify.chain', {
    path: chain.path, first: chain.firstSeq, head: chain.headSeq, lineN: chain.firstSeq === 1 ? 'N' : `N+${chain.firstSeq - 1}`,
    json: '{prevHash, seq, at, actor, type, payload}', firstPrevHash: chain.firstPrevHash, events: chain.events, headHash: chain.headHash,
  });
}

function plansProse(tr: Translator, plans: InstructionsPlan[]): string[] {
  if (plans.length === 0) return [tr.t('verify.plans.none')];
  const out = [
    ...lines(tr, 'verify.plans.intro', { ns: PLAN_NAMESPACE }),
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${PLAN_NAMESPACE} -s plan/approvals/NAME.sig < plan/plan.json`,
    '',
    tr.t('verify.plans.digest'),
    '',
  ];
  for (const p of plans) {
    out.push(tr.t('verify.plans.version', { version: p.version, path: p.path, sha256: p.sha256 }));
    for (const a of p.approvals) out.push(tr.t('verify.plans.approvedBy', { signer: a.signer, fingerprint: a.fingerprint, seq: a.seq, path: a.path }));
  }
  return out;
}

function actsProse(tr: Translator, acts: InstructionsAct[]): string[] {
  if (acts.length === 0) return [tr.t('verify.acts.none')];
  return [
    ...lines(tr, 'verify.acts.intro', { ns: ACT_NAMESPACE }),
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${ACT_NAMESPACE} -s acts/X.json.sig < acts/X.json`,
    '',
    ...lines(tr, 'verify.acts.digest'),
    '',
    ...acts.map((a) => tr.t('verify.acts.item', { seq: a.seq, kind: a.kind, signer: a.signer, path: a.path })),
  ];
}

function verdictsProse(tr: Translator, input: InstructionsInput): string[] {
  const perApprover = countingApprovers(input).flatMap((a) => {
    const p = signaturePaths(a.name);
    return [
      `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.sig} < ${MANIFEST}`,
      `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I ${a.name} -n ${DECISION_NAMESPACE} -s ${p.verdictSig} < ${p.verdict}`,
    ];
  });
  const ns = DECISION_NAMESPACE;
  return [
    ...lines(tr, 'verify.verdicts.intro', { ...names, ns }),
    '',
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${ns} -s ${SIGNATURES_DIR}/NAME.sig < ${MANIFEST}`,
    `  ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I NAME -n ${ns} -s ${SIGNATURES_DIR}/NAME.json.sig < ${SIGNATURES_DIR}/NAME.json`,
    tr.t('verify.verdicts.sum', names),
    '',
    ...(perApprover.length ? [tr.t('verify.verdicts.each'), '', ...perApprover, ''] : []),
    ...lines(tr, 'verify.verdicts.after'),
  ];
}

function quorumProse(tr: Translator, input: InstructionsInput): string[] {
  const { policy } = input;
  const approvers = countingApprovers(input);
  return [
    ...lines(tr, policy.quorum === 1 ? 'verify.quorum.rule.one' : 'verify.quorum.rule.other', { n: policy.quorum, role: policy.role, manifest: MANIFEST }),
    tr.t('verify.quorum.operator', { operator: `${policy.operator}${policy.operatorFingerprint ? tr.t('verify.quorum.key', { fingerprint: policy.operatorFingerprint }) : ''}` }),
    tr.t('verify.quorum.who', { role: policy.role, manifest: MANIFEST, names: approvers.length ? approvers.map((a) => a.name).join(', ') : tr.t('verify.quorum.nobody') }),
    '',
    ...lines(tr, 'verify.quorum.warning', names),
    '',
    '  ROSTER=/etc/ssh/our_allowed_signers',
    '',
    ...lines(tr, 'verify.quorum.roster', { ...names, plan: PLAN_NAMESPACE, act: ACT_NAMESPACE }),
  ];
}

function claimsSection(tr: Translator): string[] {
  return [...lines(tr, 'verify.claims'), ''];
}

function verdictDoc(tr: Translator, input: InstructionsInput): string[] {
  const example = `{"decision":"approve","fingerprint":"SHA256:…","format":"${VERDICT_FORMAT}","manifestSha256":"<sha256 of ${MANIFEST}>","reason":null,"runId":"${input.runId}","signedAt":"2026-01-31T09:30:00Z","signer":"NAME"}`;
  const ns = DECISION_NAMESPACE;
  return [
    tr.t('verify.verdict.title', { format: VERDICT_FORMAT }),
    '',
    ...lines(tr, 'verify.verdict.intro', names),
    '',
    `  ${example}`,
    '',
    ...lines(tr, 'verify.verdict.fields', { format: VERDICT_FORMAT, manifest: MANIFEST, runId: input.runId }),
    '',
    tr.t('verify.verdict.sign', { manifest: MANIFEST, ns }),
    '',
    `  ssh-keygen -Y sign -f KEY -n ${ns} ${SIGNATURES_DIR}/NAME.json     ${tr.t('verify.verdict.writes', { file: `${SIGNATURES_DIR}/NAME.json.sig` })}`,
    `  ssh-keygen -Y sign -f KEY -n ${ns} ${MANIFEST}               ${tr.t('verify.verdict.writes', { file: `${MANIFEST}.sig` })}`,
    `  mv ${MANIFEST}.sig ${SIGNATURES_DIR}/NAME.sig`,
    '',
    ...lines(tr, 'verify.verdict.holds', names),
    '',
    ...signingBlock(input.runId, tr).map((l) => (l ? `    ${l}` : '')),
    '',
  ];
}

/** VERIFY.txt, its prose in the runbook's language. */
export function verifyInstructions(input: InstructionsInput): string {
  const tr = translator(input.runbook.language);
  const chain = input.chain;
  const plans = input.plans ?? [];
  const acts = input.acts ?? [];
  const context = { runId: input.runId, chain };
  const out = [
    ...header(tr, input),
    ...stepHeading(1, tr.t('verify.step.files'), filesProse(tr, input), filesStep(input.subjectCount, tr)),
    ...(chain
      ? stepHeading(2, tr.t('verify.step.chain'), chainProse(tr, chain), chainStep(chain, tr))
      : stepHeading(2, tr.t('verify.step.chainNone'), [tr.t('verify.chain.none')], [])),
    ...stepHeading(3, tr.t('verify.step.plans'), plansProse(tr, plans), plansStep(plans, context, tr)),
    ...stepHeading(4, tr.t('verify.step.acts'), actsProse(tr, acts), actsStep(acts, context, tr)),
    ...stepHeading(5, tr.t('verify.step.verdicts'), verdictsProse(tr, input), verdictsStep(input.runId, tr)),
    ...stepHeading(6, tr.t('verify.step.quorum'), quorumProse(tr, input), quorumStep({ runId: input.runId, policy: input.policy, approvers: countingApprovers(input).map((a) => a.name) }, tr)),
    ...claimsSection(tr),
    ...verdictDoc(tr, input),
    ...lines(tr, 'verify.cli'),
    '',
    `    cutover pack verify PACK --allowed-signers YOUR_allowed_signers [--json]`,
    '',
  ];
  return out.join('\n');
}
