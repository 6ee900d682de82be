// What a decision pack holds and how its small text files are written and read. Fixed here,
// once, because an auditor checks them with stock tools a year later:
//
//   manifest.json              in-toto Statement v1; every file below (except signatures/) is a
//                              subject with its sha256 and size; RFC 8785 canonical JSON
//   SHA256SUMS                 "<hex>  <path>" for every file except itself and signatures/
//                              (so it covers manifest.json): `sha256sum -c SHA256SUMS`
//   allowed_signers            OpenSSH allowed_signers for the identities of the run
//   VERIFY.txt                 how to check it all with sha256sum and ssh-keygen
//   decision.pdf               the decision for people
//   evidence/<name>            every transcript, attestation and record, as the vault stored it
//   evidence/results/<step>.json  each step's result: status, gates, exit code, evidence ref
//   plan/plan.json, plan/approvals/<id>.sig   the plan text approvers signed and each approval
//                              (plan/v1/…, plan/v2/… when several texts were approved)
//   chain/events.jsonl         the vault's chain up to the anchor, one canonical event a line
//   acts/<seq>-<kind>-<id>.json(.sig)  each signed act of the run and its signature
//   signatures/<id>.sig        SSHSIG by <id> over the exact bytes of manifest.json
//   signatures/<id>.json       <id>'s verdict: approve or reject, with a reason, bound to the
//                              manifest's sha256
//   signatures/<id>.json.sig   SSHSIG by <id> over the exact bytes of signatures/<id>.json
//
// Both pack signatures use the namespace DECISION_NAMESPACE, so `ssh-keygen -Y verify -n
// cutover-decision-v1` checks each of them. The plan approvals (cutover-plan-v1) and the signed
// acts (cutover-act-v1) the pack carries are checked against the same allowed_signers, whose
// lines allow exactly PACK_NAMESPACES.
import { allowsNamespace, type AllowedSigner } from './roster';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://cutover-workstation.dev/decision-pack/v1';
export const VERDICT_FORMAT = 'cutover-verdict/v1';
/** The SSHSIG namespace of every signature in a pack (manifest and verdict). */
export const DECISION_NAMESPACE = 'cutover-decision-v1';
/** The namespace approvers sign the plan in (engine/plan.ts PLAN_NAMESPACE; not imported, so verifying stays light). */
export const PLAN_SIGNATURE_NAMESPACE = 'cutover-plan-v1';
/** The namespace of every signed act (acts/document.ts ACT_NAMESPACE). */
export const ACT_SIGNATURE_NAMESPACE = 'cutover-act-v1';
/** Every namespace a pack's allowed_signers lets its people sign in: one file checks all three kinds of signature. */
export const PACK_NAMESPACES = [DECISION_NAMESPACE, PLAN_SIGNATURE_NAMESPACE, ACT_SIGNATURE_NAMESPACE] as const;

export const MANIFEST = 'manifest.json';
export const SUMS = 'SHA256SUMS';
export const ALLOWED_SIGNERS = 'allowed_signers';
export const VERIFY_TXT = 'VERIFY.txt';
export const DECISION_PDF = 'decision.pdf';
export const EVIDENCE_DIR = 'evidence';
export const RESULTS_DIR = 'evidence/results';
export const SIGNATURES_DIR = 'signatures';

/** Files read whole into memory are capped; evidence is always streamed. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

export const signaturePaths = (identity: string) => ({
  sig: `${SIGNATURES_DIR}/${identity}.sig`,
  verdict: `${SIGNATURES_DIR}/${identity}.json`,
  verdictSig: `${SIGNATURES_DIR}/${identity}.json.sig`,
});

/** Identity names as the vault allows them; they become file names and allowed_signers principals. */
export const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Which identity and which of its three files a path under signatures/ is, or null. */
export function signatureFileOf(path: string): { identity: string; kind: 'sig' | 'verdict' | 'verdictSig' } | null {
  const m = /^signatures\/(.+?)(\.json\.sig|\.json|\.sig)$/.exec(path);
  if (!m || !IDENTITY_NAME.test(m[1]!)) return null;
  return { identity: m[1]!, kind: m[2] === '.sig' ? 'sig' : m[2] === '.json' ? 'verdict' : 'verdictSig' };
}

/**
 * Why a relative path may not be a file in a pack, or null when it may: '/'-separated, no
 * empty, '.' or '..' segment, no absolute or drive path, no backslash, no control character.
 * The same rule guards export, unzip and verify.
 */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return 'the name is empty';
  if (path.length > 1024) return 'the name is longer than 1024 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the name contains a control character';
  if (path.includes('\\')) return 'the name contains a backslash';
  if (path.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'the name starts with a drive letter';
  for (const segment of path.split('/')) {
    if (segment === '') return 'the name has an empty segment';
    if (segment === '.' || segment === '..') return `the name has a "${segment}" segment`;
    if (Buffer.byteLength(segment) > 255) return 'a segment of the name is longer than 255 bytes';
  }
  return null;
}

// ---- SHA256SUMS ------------------------------------------------------------------------------

/** `sha256sum` output for these files, sorted by path (text mode: two spaces). */
export function formatSums(entries: { path: string; sha256: string }[]): string {
  return [...entries].sort((a, b) => comparePaths(a.path, b.path)).map((e) => `${e.sha256}  ${e.path}\n`).join('');
}

export interface ParsedSums {
  entries: Map<string, string>;
  problems: string[];
}

/** Reads SHA256SUMS as `sha256sum -c` would (text or binary marker); every odd line is a problem. */
export function parseSums(text: string): ParsedSums {
  const entries = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      problems.push(`line ${i + 1} is not "<sha256>  <path>"`);
      return;
    }
    const path = m[2]!;
    if (entries.has(path)) problems.push(`line ${i + 1} lists ${path} a second time`);
    entries.set(path, m[1]!);
  });
  return { entries, problems };
}

/** Byte order of the UTF-8 names: the order of zip entries and of SHA256SUMS. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// ---- allowed_signers -------------------------------------------------------------------------

export { parseAllowedSigners, type AllowedSigner, type ParsedAllowedSigners } from './roster';

/** allowed_signers lines for the identities, each limited to the pack's namespaces (decision, plan, act). */
export function formatAllowedSigners(identities: { name: string; roles: string[]; publicKey: string }[]): string {
  const lines = [
    '# Cutover Workstation decision pack: the keys of the people of this run (OpenSSH allowed_signers),',
    '# as the vault that exported the pack holds them. Compare them with a roster you trust.',
    `# Pack verdicts: ssh-keygen -Y verify -f allowed_signers -I NAME -n ${DECISION_NAMESPACE} -s signatures/NAME.sig < manifest.json`,
    `# Plan approvals: ssh-keygen -Y verify -f allowed_signers -I NAME -n ${PLAN_SIGNATURE_NAMESPACE} -s plan/approvals/NAME.sig < plan/plan.json`,
    `# Signed acts: ssh-keygen -Y verify -f allowed_signers -I NAME -n ${ACT_SIGNATURE_NAMESPACE} -s acts/FILE.json.sig < acts/FILE.json`,
  ];
  for (const identity of [...identities].sort((a, b) => comparePaths(a.name, b.name))) {
    const key = identity.publicKey.trim().split(/\s+/).slice(0, 2).join(' ');
    lines.push(`# ${identity.name}: ${identity.roles.join(', ')}`);
    lines.push(`${identity.name} namespaces="${PACK_NAMESPACES.join(',')}" ${key}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Whether a signer line lets its key sign in the decision namespace (as ssh-keygen decides it). */
export function allowsDecisionNamespace(signer: AllowedSigner): boolean {
  return allowsNamespace(signer, DECISION_NAMESPACE);
}
