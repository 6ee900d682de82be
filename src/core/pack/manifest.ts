// manifest.json: an in-toto Statement v1 whose subjects are the pack's files and whose
// predicate is the run as the vault recorded it. Its exact bytes (RFC 8785 canonical JSON)
// are what every approver signs. The zod schemas are what a verifier relies on, checked on
// any manifest that comes back from outside.
import { z } from 'zod';
import { translate, type Lang } from '../../shared/i18n';
import { matchAgain, matchVars } from '../reports/word-again';
import { signingSay as say } from '../signing/words';
import { canonicalJson } from '../vault';
import { duplicateKey } from './json-keys';
import { DECISION_NAMESPACE, PREDICATE_TYPE, STATEMENT_TYPE, VERDICT_FORMAT } from './layout';

export type SubjectKind = 'evidence' | 'result' | 'runbook' | 'decision-pdf' | 'allowed-signers' | 'instructions' | 'plan' | 'plan-approval' | 'chain' | 'act' | 'act-signature' | 'rehearsal' | 'ledger-checkpoints';

export interface ManifestSubject {
  /** Path inside the pack. */
  name: string;
  digest: { sha256: string };
  annotations: {
    size: number;
    kind: SubjectKind;
    mediaType: string;
    /** Vault artifact, for files exported from the vault as stored. */
    artifactId?: string;
    /** "incomplete": a transcript cut short by a crash, kept as written. */
    state?: 'complete' | 'incomplete';
    stepId?: string;
    /** The artifact's own name when the pack had to use another file name. */
    originalName?: string;
  };
}

export interface PackPolicy {
  /** Distinct approvers whose signed verdict is "approve" that the decision needs. */
  quorum: number;
  /** The role an approver needs. */
  role: string;
  /** The run's operator: never counts toward the quorum. */
  operator: string;
  operatorFingerprint: string | null;
  /** Namespace of every signature in signatures/. */
  namespace: string;
  /** A signed "reject" verdict from an approver who would count vetoes the decision. */
  rejection: 'veto';
}

export interface PackIdentity {
  name: string;
  roles: string[];
  fingerprint: string;
  publicKey: string;
}

/** chain/events.jsonl: the vault's chain from its first event to the anchor, one event a line. */
export interface PackChainEntry {
  path: string;
  firstSeq: number;
  /** The first line's prevHash (64 zeros: the chain starts at its genesis). */
  firstPrevHash: string;
  /** The anchor: chainHead.seq and chainHead.hash. */
  headSeq: number;
  headHash: string;
  /** Lines in the file. */
  events: number;
}

/** One plan text the approvers signed (plan/plan.json, or plan/vN/plan.json) and its approvals. */
export interface PackPlanVersion {
  version: number;
  path: string;
  sha256: string;
  /** Each approver's SSHSIG over the plan, in namespace cutover-plan-v1; seq: its approval.added event. */
  approvals: { signer: string; fingerprint: string; path: string; seq: number }[];
}

/** One signed act (acts/SEQ-KIND-NAME.json and .json.sig, namespace cutover-act-v1); seq: its event. */
export interface PackActEntry {
  seq: number;
  kind: string;
  signer: string;
  fingerprint: string;
  path: string;
  signaturePath: string;
  /** sha256 of the act's bytes, as its event records it. */
  digest: string;
}

/** The predicate: everything a reviewer needs to know about the run, from the vault's chain. */
export interface DecisionPackPredicate {
  run: Record<string, unknown> & { runId: string; operator: string; environment: string; status: string };
  runbook: Record<string, unknown> & { id: string; version: string; hash: string };
  environment: string;
  targets: unknown[];
  /** The run's last event in the vault's hash chain: the pack is anchored there. */
  chainHead: { seq: number; hash: string; at: string };
  steps: unknown[];
  /** Approvers' signatures over the plan (the commands), as the vault holds them. */
  approvals: unknown[];
  /** The recorded decision (the runbook's template and GO/NO-GO statement), or null if none yet. */
  decision: unknown;
  policy: PackPolicy;
  identities: PackIdentity[];
  /** Absent from packs exported before the chain, plans and acts were carried. */
  chain?: PackChainEntry;
  plans?: PackPlanVersion[];
  acts?: PackActEntry[];
}

export interface PackManifest {
  _type: typeof STATEMENT_TYPE;
  subject: ManifestSubject[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: DecisionPackPredicate;
}

/** The exact bytes of manifest.json. */
export function manifestBytes(manifest: PackManifest): Buffer {
  return Buffer.from(canonicalJson(manifest));
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

const subjectSchema = z.object({
  name: z.string().min(1),
  digest: z.object({ sha256: sha256Hex }).loose(),
  annotations: z.object({ size: z.number().int().min(0) }).loose(),
}).loose();

const packPath = z.string().min(1).max(1024);
const fingerprintSchema = z.string().startsWith('SHA256:');

const chainSchema = z.object({
  path: packPath,
  firstSeq: z.number().int().min(1),
  firstPrevHash: sha256Hex,
  headSeq: z.number().int().min(0),
  headHash: sha256Hex,
  events: z.number().int().min(0),
}).loose();

const planSchema = z.object({
  version: z.number().int().min(1),
  path: packPath,
  sha256: sha256Hex,
  approvals: z.array(z.object({ signer: z.string().min(1), fingerprint: fingerprintSchema, path: packPath, seq: z.number().int().min(1) }).loose()),
}).loose();

const actSchema = z.object({
  seq: z.number().int().min(1),
  kind: z.string().min(1),
  signer: z.string().min(1),
  fingerprint: fingerprintSchema,
  path: packPath,
  signaturePath: packPath,
  digest: sha256Hex,
}).loose();

const identitySchema = z.object({
  name: z.string().min(1),
  roles: z.array(z.string()),
  fingerprint: z.string().startsWith('SHA256:'),
  publicKey: z.string().min(1),
}).loose();

export const manifestSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(subjectSchema).min(1),
  predicateType: z.literal(PREDICATE_TYPE),
  predicate: z.object({
    run: z.object({ runId: z.string().min(1), operator: z.string().min(1) }).loose(),
    runbook: z.object({ id: z.string(), version: z.string(), hash: sha256Hex }).loose(),
    environment: z.string(),
    chainHead: z.object({ seq: z.number().int(), hash: sha256Hex, at: z.iso.datetime() }).loose(),
    steps: z.array(z.unknown()),
    policy: z.object({
      quorum: z.number().int().min(1),
      role: z.string().min(1),
      operator: z.string().min(1),
      operatorFingerprint: z.string().nullable(),
      namespace: z.literal(DECISION_NAMESPACE),
    }).loose(),
    identities: z.array(identitySchema),
    chain: chainSchema.optional(),
    plans: z.array(planSchema).optional(),
    acts: z.array(actSchema).optional(),
  }).loose(),
}).loose();

export type ParsedManifest = z.output<typeof manifestSchema>;

/** Parses manifest.json bytes; every shape problem comes back as "path: what is wrong". */
export function parseManifest(bytes: Buffer): { manifest: ParsedManifest | null; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { manifest: null, problems: [`manifest.json is not JSON (${(error as Error).message})`] };
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    return { manifest: null, problems: result.error.issues.map((i) => `manifest.json ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`) };
  }
  const problems: string[] = [];
  const names = new Set<string>();
  for (const s of result.data.subject) {
    if (names.has(s.name)) problems.push(`manifest.json lists ${s.name} twice`);
    names.add(s.name);
  }
  return { manifest: problems.length ? null : result.data, problems };
}

// ---- verdicts --------------------------------------------------------------------------------

/** signatures/<identity>.json: what the signer decided about this exact manifest. */
export interface Verdict {
  format: typeof VERDICT_FORMAT;
  runId: string;
  manifestSha256: string;
  decision: 'approve' | 'reject';
  /** Required for a rejection. */
  reason: string | null;
  signer: string;
  fingerprint: string;
  /** The signer's clock when signing (their claim, not a trusted timestamp). */
  signedAt: string;
}

export const verdictSchema = z.object({
  format: z.literal(VERDICT_FORMAT),
  runId: z.string().min(1),
  manifestSha256: sha256Hex,
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(4000).nullable(),
  signer: z.string().min(1),
  fingerprint: z.string().startsWith('SHA256:'),
  signedAt: z.iso.datetime(),
}).strict().refine((v) => v.decision === 'approve' || (v.reason ?? '').trim() !== '', { message: say('signature.verdict.needsReason'), path: ['reason'] });

export function verdictBytes(verdict: Verdict): Buffer {
  return Buffer.from(`${canonicalJson(verdict)}\n`);
}

export function parseVerdict(bytes: Buffer): { verdict: Verdict | null; problem: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { verdict: null, problem: say('signature.verdict.notJson') };
  }
  const twice = duplicateKey(bytes.toString('utf8'));
  if (twice !== null) return { verdict: null, problem: say('signature.verdict.twice', { field: twice }) };
  const result = verdictSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => say('signature.verdict.issue', { path: i.path.join('.') || say('signature.verdict.topLevel'), message: i.message }));
    return { verdict: null, problem: say('signature.verdict.malformed', { issues: issues.join('; ') }) };
  }
  return { verdict: result.data, problem: null };
}

/**
 * parseVerdict's problem (English: pack verify's --json and the refusal keep it) in `lang` for a
 * person to read. A malformed verdict's issues are worded where they are parseVerdict's own (the
 * field path "top level", a rejection without a reason); zod's own words are kept as it wrote them.
 */
export function verdictProblemIn(lang: Lang, problem: string): string {
  if (lang === 'en') return problem;
  const again = matchAgain(lang, problem, ['signature.verdict.notJson', 'signature.verdict.twice']);
  if (again !== null) return again;
  const malformed = matchVars(problem, 'signature.verdict.malformed');
  if (!malformed) return problem;
  const issues = malformed.issues!.split('; ').map((issue) => {
    const parts = matchVars(issue, 'signature.verdict.issue');
    if (!parts) return issue;
    const path = parts.path === say('signature.verdict.topLevel') ? translate(lang, 'signature.verdict.topLevel') : parts.path!;
    const message = matchAgain(lang, parts.message!, ['signature.verdict.needsReason']) ?? parts.message!;
    return translate(lang, 'signature.verdict.issue', { path, message });
  });
  return translate(lang, 'signature.verdict.malformed', { issues: issues.join('; ') });
}
