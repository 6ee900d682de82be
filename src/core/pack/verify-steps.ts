// The shell blocks of VERIFY.txt: POSIX sh that an auditor pastes in the unpacked pack, with
// only coreutils, unzip and ssh-keygen on PATH (no sed, grep, awk, python or node). Every
// expected value is written in literally (VERIFY.txt is a signed manifest subject). Each block
// runs in a subshell, prints "OK: …" / "FAILED: …" lines and ends with "== STEP n (…): OK ==" or
// FAILED (exit 1). Anything read from the pack is printed through `shown`, which replaces every
// byte outside a small safe set, so a crafted name cannot paint over the output. The words after
// OK: / FAILED: (and the quorum's and signing's own) are in the pack's language; the commands, the
// markers, OK:, FAILED: and the == STEP n (…): … == result lines never change.
import { ACT_NAMESPACE } from '../acts/document';
import { PLAN_NAMESPACE } from '../engine/plan';
import { PackExportError } from './errors';
import { ALLOWED_SIGNERS, DECISION_NAMESPACE, MANIFEST, SIGNATURES_DIR, SUMS, VERDICT_FORMAT } from './layout';
import type { PackActEntry, PackChainEntry, PackPlanVersion, PackPolicy } from './manifest';
import { translator, type Translator } from '../../shared/i18n';

const EN = translator('en');

/** What VERIFY.txt states about the chain, the plans and the acts: the manifest's own entries. */
export type InstructionsChain = PackChainEntry;
export type InstructionsPlan = PackPlanVersion;
export type InstructionsAct = PackActEntry;

/** Text from the vault that goes into a shell pattern or message unquoted must be this plain. */
function plain(value: string, what: string): string {
  if (!/^[A-Za-z0-9._@:+/=,-]+$/.test(value)) throw new PackExportError(`VERIFY.txt cannot state ${what} ${JSON.stringify(value)} in a shell block: it has characters other than letters, digits and . _ @ : + / = , -. Nothing was exported.`);
  return value;
}

const SHOWN = `shown() { printf '%s' "$1" | tr -c '[:alnum:]._/@+=:,()~ -' '?'; }`;
const DIGEST_OF = 'digest_of() { d=$(sha256sum < "$1") && printf \'%s\' "${d%% *}"; }';

function block(step: number, title: string, body: string[]): string[] {
  return [
    `# ---- BEGIN STEP ${step}: ${title} ----`,
    '(',
    ...body.map((l) => (l ? `  ${l}` : '')),
    `  if [ "$fail" = 0 ]; then echo "== STEP ${step} (${title}): OK =="; else echo "== STEP ${step} (${title}): FAILED =="; exit 1; fi`,
    ')',
    `# ---- END STEP ${step} ----`,
  ];
}

export function filesStep(subjectCount: number | undefined, tr: Translator = EN): string[] {
  const count = subjectCount === undefined
    ? []
    : [`if [ "$n" = ${subjectCount} ]; then echo "OK: ${tr.t('verify.sh.sameCount', { sums: SUMS, manifest: MANIFEST, n: subjectCount })}"; else echo "FAILED: ${tr.t('verify.sh.countDiffers', { sums: SUMS, count: '$n', manifest: MANIFEST, n: subjectCount })}"; fail=1; fi`];
  return block(1, 'files', [
    SHOWN,
    'fail=0',
    `if out=$(sha256sum -c --quiet ${SUMS} 2>&1); then`,
    `  echo "OK: ${tr.t('verify.sh.sumsOk', { sums: SUMS })}"`,
    'else',
    `  printf '%s\\n' "$out" | tr -c '[:print:]\\n' '?'`,
    `  echo "FAILED: ${tr.t('verify.sh.sumsFailed', { sums: SUMS })}"; fail=1`,
    'fi',
    `manifest=$(cat ${MANIFEST}) || fail=1`,
    'n=0',
    'while IFS= read -r line || [ -n "$line" ]; do',
    '  hash=${line%%  *}; file=${line#*  }',
    `  [ "$file" = ${MANIFEST} ] && continue`,
    '  n=$((n + 1))',
    '  case $manifest in',
    '    *"\\"digest\\":{\\"sha256\\":\\"$hash\\"},\\"name\\":\\"$file\\"}"*) ;;',
    `    *) echo "FAILED: ${tr.t('verify.sh.notListed', { manifest: MANIFEST, file: '$(shown "$file")', sums: SUMS })}"; fail=1 ;;`,
    '  esac',
    `done < ${SUMS}`,
    `if [ -n "$(cut -c 67- ${SUMS} | sort | uniq -d)" ]; then echo "FAILED: ${tr.t('verify.sh.twice', { sums: SUMS })}"; fail=1; fi`,
    ...count,
  ]);
}

export function chainStep(chain: InstructionsChain, tr: Translator = EN): string[] {
  const path = plain(chain.path, 'the chain path');
  return block(2, 'chain', [
    SHOWN,
    `fail=0; n=0; seq=${chain.firstSeq}; prev=${plain(chain.firstPrevHash, 'the first prevHash')}`,
    `while IFS= read -r line || [ -n "$line" ]; do`,
    '  n=$((n + 1))',
    '  p=${line##*\\"prevHash\\":\\"}; p=${p%%\\"*}',
    '  s=${line##*\\"seq\\":}; s=${s%%,*}',
    '  if [ "$s" != "$seq" ]; then',
    `    echo "FAILED: ${tr.t('verify.sh.seq', { path, n: '$n', s: '$(shown "$s")', seq: '$seq' })}"; fail=1`,
    '    case $s in ""|*[!0-9]*) ;; *) seq=$s ;; esac',
    '  fi',
    '  if [ "$p" != "$prev" ]; then',
    `    if [ "$n" = 1 ]; then echo "FAILED: ${tr.t('verify.sh.firstPrev', { path, prev: '$prev' })}"; else echo "FAILED: ${tr.t('verify.sh.prev', { path, n: '$n', s: '$(shown "$s")', before: '$((n - 1))' })}"; fi`,
    '    fail=1',
    '  fi',
    '  prev=$(printf \'%s\' "$line" | sha256sum); prev=${prev%% *}',
    '  seq=$((seq + 1))',
    `done < ${path}`,
    `if [ "$n" = ${chain.events} ]; then echo "OK: ${tr.t('verify.sh.lines', { path, n: chain.events })}"; else echo "FAILED: ${tr.t('verify.sh.linesNot', { path, count: '$n', n: chain.events })}"; fail=1; fi`,
    `echo "${tr.t('verify.sh.lastHash', { prev: '$prev' })}"`,
    `if [ "$prev" = ${plain(chain.headHash, 'the head hash')} ]; then echo "OK: ${tr.t('verify.sh.head', { seq: chain.headSeq })}"; else echo "FAILED: ${tr.t('verify.sh.notHead', { hash: chain.headHash, seq: chain.headSeq })}"; fail=1; fi`,
  ]);
}

interface StepContext {
  runId: string;
  chain: InstructionsChain | undefined;
}

function chainLine(context: StepContext): string {
  const chain = context.chain;
  const path = chain ? plain(chain.path, 'the chain path') : 'chain/events.jsonl';
  const offset = (chain?.firstSeq ?? 1) - 1;
  return `chain_line() { head -n "$(($1${offset ? ` - ${offset}` : ''}))" ${path} | tail -n 1; }`;
}

export function plansStep(plans: InstructionsPlan[], context: StepContext, tr: Translator = EN): string[] {
  if (plans.length === 0) return block(3, 'plan approvals', ['fail=0', `echo "OK: ${tr.t('verify.sh.noPlans')}"`]);
  const calls: string[] = [];
  for (const p of plans) {
    calls.push(`plan ${plain(p.path, 'a plan path')} ${plain(p.sha256, 'a plan sha256')}`);
    for (const a of p.approvals) calls.push(`approval ${plain(a.signer, 'a signer')} ${plain(a.fingerprint, 'a fingerprint')} ${plain(a.path, 'an approval path')} ${p.path} ${p.sha256} ${a.seq}`);
  }
  return block(3, 'plan approvals', [
    'fail=0',
    DIGEST_OF,
    chainLine(context),
    'plan() { # PLAN_FILE SHA256',
    `  if [ "$(digest_of "$1")" = "$2" ]; then echo "OK: ${tr.t('verify.sh.hasSha', { file: '$1', sha256: '$2' })}"; else echo "FAILED: ${tr.t('verify.sh.notSha', { file: '$1', sha256: '$2' })}"; fail=1; fi`,
    '}',
    'approval() { # NAME FINGERPRINT SIG_FILE PLAN_FILE SHA256 SEQ',
    '  bad=0',
    `  if ! out=$(ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I "$1" -n ${PLAN_NAMESPACE} -s "$3" < "$4" 2>/dev/null) || [ "\${out##* key }" != "$2" ]; then`,
    `    echo "FAILED: ${tr.t('verify.sh.badSig', { sig: '$3', name: '$1', key: '$2', file: '$4' })}"; bad=1`,
    '  fi',
    '  case $(chain_line "$6") in',
    '    *"\\"planDigest\\":\\"$5\\""*"\\"signer\\":\\"$1\\""*"\\"seq\\":$6,\\"type\\":\\"approval.added\\"}") ;;',
    `    *) echo "FAILED: ${tr.t('verify.sh.notApproval', { seq: '$6', name: '$1', sha256: '$5' })}"; bad=1 ;;`,
    '  esac',
    `  if [ "$bad" = 0 ]; then echo "OK: ${tr.t('verify.sh.approved', { name: '$1', file: '$4', sig: '$3', key: '$2', seq: '$6' })}"; else fail=1; fi`,
    '}',
    ...calls,
  ]);
}

export function actsStep(acts: InstructionsAct[], context: StepContext, tr: Translator = EN): string[] {
  if (acts.length === 0) return block(4, 'acts', ['fail=0', `echo "OK: ${tr.t('verify.sh.noActs')}"`]);
  return block(4, 'acts', [
    'fail=0',
    `run=${plain(context.runId, 'the run id')}`,
    DIGEST_OF,
    chainLine(context),
    'act() { # SEQ NAME FINGERPRINT ACT_FILE SIG_FILE SHA256',
    '  bad=0',
    `  if ! out=$(ssh-keygen -Y verify -f ${ALLOWED_SIGNERS} -I "$2" -n ${ACT_NAMESPACE} -s "$5" < "$4" 2>/dev/null) || [ "\${out##* key }" != "$3" ]; then`,
    `    echo "FAILED: ${tr.t('verify.sh.badSig', { sig: '$5', name: '$2', key: '$3', file: '$4' })}"; bad=1`,
    '  fi',
    `  if [ "$(digest_of "$4")" != "$6" ]; then echo "FAILED: ${tr.t('verify.sh.notSha', { file: '$4', sha256: '$6' })}"; bad=1; fi`,
    '  case $(chain_line "$1") in',
    '    *"\\"digest\\":\\"$6\\""*"\\"seq\\":$1,\\"type\\":\\""*) ;;',
    `    *) echo "FAILED: ${tr.t('verify.sh.notAct', { seq: '$1', sha256: '$6' })}"; bad=1 ;;`,
    '  esac',
    '  case $(cat "$4" 2>/dev/null) in',
    '    *"\\"by\\":{\\"fingerprint\\":\\"$3\\",\\"name\\":\\"$2\\"}"*"\\"run\\":\\"$run\\""*) ;;',
    `    *) echo "FAILED: ${tr.t('verify.sh.actNames', { file: '$4', name: '$2', key: '$3', run: '$run' })}"; bad=1 ;;`,
    '  esac',
    `  if [ "$bad" = 0 ]; then echo "OK: ${tr.t('verify.sh.actOk', { file: '$4', name: '$2', key: '$3', seq: '$1' })}"; else fail=1; fi`,
    '}',
    ...acts.map((a) => `act ${a.seq} ${plain(a.signer, 'a signer')} ${plain(a.fingerprint, 'a fingerprint')} ${plain(a.path, 'an act path')} ${plain(a.signaturePath, 'an act signature path')} ${plain(a.digest, 'an act digest')}`),
  ]);
}

/**
 * Reads one signer's verdict into $decision after checking both signatures with the roster in
 * $keys; says why not (and returns 1) otherwise. Shared by steps 5 and 6.
 */
function readVerdict(tr: Translator): string[] {
  const why = (key: Parameters<Translator['t']>[0], vars: Record<string, string> = {}) => (tr.t as (key: string, vars: Record<string, string>) => string)(key, { signatures: SIGNATURES_DIR, who: '$who', manifest: MANIFEST, ...vars });
  return [
  'verdict() { # NAME -> $fp, $decision',
  `  s=${SIGNATURES_DIR}/$1.sig; v=${SIGNATURES_DIR}/$1.json; who=$(shown "$1")`,
  `  if ! out=$(ssh-keygen -Y verify -f "$keys" -I "$1" -n ${DECISION_NAMESPACE} -s "$s" < ${MANIFEST} 2>/dev/null); then`,
  `    why="${why('verify.sh.why.manifestSig', { keys: '$keys' })}"; return 1`,
  '  fi',
  '  fp=${out##* key }',
  `  if [ ! -f "$v" ] || [ ! -f "$v.sig" ]; then why="${why('verify.sh.why.noVerdict')}"; return 1; fi`,
  `  if ! out=$(ssh-keygen -Y verify -f "$keys" -I "$1" -n ${DECISION_NAMESPACE} -s "$v.sig" < "$v" 2>/dev/null) || [ "\${out##* key }" != "$fp" ]; then`,
  `    why="${why('verify.sh.why.verdictSig', { key: '$fp' })}"; return 1`,
  '  fi',
  '  j=$(cat "$v")',
  '  d1=${j#*\\"decision\\":\\"}; d1=${d1%%\\"*}; d2=${j##*\\"decision\\":\\"}; d2=${d2%%\\"*}',
  `  case $j in *"\\"format\\":\\"${VERDICT_FORMAT}\\""*) ;; *) why="${why('verify.sh.why.format', { format: VERDICT_FORMAT })}"; return 1 ;; esac`,
  `  case $j in *"\\"manifestSha256\\":\\"$m\\""*) ;; *) why="${why('verify.sh.why.manifest', { sha256: '$m' })}"; return 1 ;; esac`,
  `  case $j in *"\\"runId\\":\\"$run\\""*) ;; *) why="${why('verify.sh.why.run', { run: '$run' })}"; return 1 ;; esac`,
  `  case $j in *"\\"signer\\":\\"$1\\""*) ;; *) why="${why('verify.sh.why.signer')}"; return 1 ;; esac`,
  `  case $j in *"\\"fingerprint\\":\\"$fp\\""*) ;; *) why="${why('verify.sh.why.key', { key: '$fp' })}"; return 1 ;; esac`,
  `  if [ "$d1" != "$d2" ]; then why="${why('verify.sh.why.twoDecisions')}"; return 1; fi`,
  `  case $d1 in approve|reject) decision=$d1 ;; *) why="${why('verify.sh.why.neither')}"; return 1 ;; esac`,
  '}',
  ];
}

const MANIFEST_SHA = `m=$(sha256sum < ${MANIFEST}); m=\${m%% *}`;

export function verdictsStep(runId: string, tr: Translator = EN): string[] {
  return block(5, 'verdicts', [
    SHOWN,
    `fail=0; found=0; keys=${ALLOWED_SIGNERS}; run=${plain(runId, 'the run id')}`,
    MANIFEST_SHA,
    ...readVerdict(tr),
    `for f in ${SIGNATURES_DIR}/*; do`,
    '  [ -e "$f" ] || continue',
    '  case $f in',
    `    *.json.sig|*.json) [ -f "\${f%.json*}.sig" ] || { echo "FAILED: ${tr.t('verify.sh.noSigBeside', { file: '$(shown "$f")', signatures: SIGNATURES_DIR })}"; fail=1; }; continue ;;`,
    '    *.sig) ;;',
    `    *) echo "FAILED: ${tr.t('verify.sh.notSigFile', { file: '$(shown "$f")', signatures: SIGNATURES_DIR })}"; fail=1; continue ;;`,
    '  esac',
    `  name=\${f#${SIGNATURES_DIR}/}; name=\${name%.sig}; found=$((found + 1))`,
    `  if verdict "$name"; then echo "OK: ${tr.t('verify.sh.signed', { name: '$(shown "$name")', key: '$fp', decision: '\\"$decision\\"' })}"; else echo "FAILED: $why"; fail=1; fi`,
    'done',
    `[ "$found" = 0 ] && echo "${tr.t('verify.sh.noSignatures', { signatures: SIGNATURES_DIR })}"`,
  ]);
}

export function quorumStep(input: { runId: string; policy: PackPolicy; approvers: string[] }, tr: Translator = EN): string[] {
  const { policy } = input;
  const role = plain(policy.role, 'the approvers\' role');
  const operator = plain(policy.operator, 'the operator');
  return [
    `# ---- BEGIN STEP 6: quorum ----`,
    '(',
    ...[
      SHOWN,
      'if [ -z "${ROSTER:-}" ] || [ ! -r "$ROSTER" ]; then',
      `  echo "FAILED: ${tr.t('verify.sh.roster')}"; exit 2`,
      'fi',
      `keys=$ROSTER; run=${plain(input.runId, 'the run id')}; quorum=${policy.quorum}; operator_key=${policy.operatorFingerprint ? plain(policy.operatorFingerprint, 'the operator fingerprint') : 'none'}`,
      MANIFEST_SHA,
      ...readVerdict(tr),
      'approved=""; rejected=""; seen=""; n=0',
      `for name in ${input.approvers.map((a) => plain(a, 'an approver')).join(' ')}; do   # role ${role}, not the operator ${operator}`,
      `  [ -e ${SIGNATURES_DIR}/$name.sig ] || { echo "${tr.t('verify.sh.notSigned', { name: '$name' })}"; continue; }`,
      `  if ! verdict "$name"; then echo "${tr.t('verify.sh.notCounted', { why: '$why' })}"; rejected="$rejected $name(broken)"; continue; fi`,
      `  if [ "$fp" = "$operator_key" ]; then echo "${tr.t('verify.sh.operatorKey', { name: '$name' })}"; continue; fi`,
      `  case " $seen " in *" $fp "*) echo "${tr.t('verify.sh.keyCounted', { name: '$name' })}"; continue ;; esac`,
      '  seen="$seen $fp"',
      `  if [ "$decision" = approve ]; then n=$((n + 1)); approved="$approved $name"; echo "${tr.t('verify.sh.approves', { name: '$name', key: '$fp' })}"`,
      `  else rejected="$rejected $name"; echo "${tr.t('verify.sh.rejects', { name: '$name', key: '$fp', signatures: SIGNATURES_DIR })}"; fi`,
      'done',
      `for f in ${SIGNATURES_DIR}/*.sig; do`,
      '  [ -e "$f" ] || continue',
      `  case $f in *.json.sig) continue ;; esac`,
      `  name=\${f#${SIGNATURES_DIR}/}; name=\${name%.sig}`,
      `  case " ${input.approvers.join(' ')} " in *" $name "*) ;; *) echo "${tr.t('verify.sh.neverCounts', { name: '$(shown "$name")', approvers: input.approvers.join(', ') || tr.t('verify.quorum.nobody'), role })}" ;; esac`,
      'done',
      'if [ -n "$rejected" ]; then echo "== STEP 6 (quorum): FAILED: rejected or broken:$rejected =="; exit 1; fi',
      'if [ "$n" -ge "$quorum" ]; then echo "== STEP 6 (quorum): OK: approved by $n of $quorum required:$approved =="; exit 0; fi',
      'echo "== STEP 6 (quorum): AWAITING SIGNATURES: $n of $quorum required approvals${approved:+:$approved} =="; exit 3',
    ].map((l) => (l ? `  ${l}` : '')),
    ')',
    '# ---- END STEP 6 ----',
  ];
}

/** The block an approver pastes to write and sign their verdict with plain ssh-keygen. */
export function signingBlock(runId: string, tr: Translator = EN): string[] {
  return [
    '# ---- BEGIN SIGNING ----',
    '(',
    ...[
      `case \${NAME:-} in ""|*[!A-Za-z0-9._@-]*) echo "FAILED: ${tr.t('verify.sh.setName')}"; exit 2 ;; esac`,
      `[ -r "\${KEY:-}" ] || { echo "FAILED: ${tr.t('verify.sh.setKey')}"; exit 2; }`,
      `case \${DECISION:-} in approve|reject) ;; *) echo "FAILED: ${tr.t('verify.sh.setDecision')}"; exit 2 ;; esac`,
      'reason=${REASON:-null}',
      `case $reason in null|\\"*\\") ;; *) echo "FAILED: ${tr.t('verify.sh.reasonForm')}"; exit 2 ;; esac`,
      `if [ "$DECISION" = reject ] && [ "$reason" = null ]; then echo "FAILED: ${tr.t('verify.sh.reasonNeeded')}"; exit 2; fi`,
      `m=$(sha256sum < ${MANIFEST}) || exit 1; m=\${m%% *}`,
      'fp=$(ssh-keygen -lf "$KEY") || exit 1; fp=${fp#* }; fp=${fp%% *}',
      `mkdir -p ${SIGNATURES_DIR}`,
      `printf '{"decision":"%s","fingerprint":"%s","format":"${VERDICT_FORMAT}","manifestSha256":"%s","reason":%s,"runId":"%s","signedAt":"%s","signer":"%s"}\\n' "$DECISION" "$fp" "$m" "$reason" ${plain(runId, 'the run id')} "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$NAME" > "${SIGNATURES_DIR}/$NAME.json"`,
      `rm -f "${SIGNATURES_DIR}/$NAME.json.sig" "${SIGNATURES_DIR}/$NAME.sig" ${MANIFEST}.sig`,
      `ssh-keygen -Y sign -f "$KEY" -n ${DECISION_NAMESPACE} "${SIGNATURES_DIR}/$NAME.json" || exit 1`,
      `ssh-keygen -Y sign -f "$KEY" -n ${DECISION_NAMESPACE} ${MANIFEST} || exit 1`,
      `mv ${MANIFEST}.sig "${SIGNATURES_DIR}/$NAME.sig"`,
      `echo "OK: ${tr.t('verify.sh.written', { name: '$NAME', decision: '\\"$DECISION\\"', files: `${SIGNATURES_DIR}/$NAME.sig, ${SIGNATURES_DIR}/$NAME.json, ${SIGNATURES_DIR}/$NAME.json.sig` })}"`,
    ].map((l) => `  ${l}`),
    ')',
    '# ---- END SIGNING ----',
  ];
}
