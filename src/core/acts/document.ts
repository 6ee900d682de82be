// An act: one thing a person does in a run (start it, execute a step, attest, record, mark
// done, skip, decide, record the formal decision), as the exact bytes they sign. The bytes are
// RFC 8785 canonical JSON; an act whose bytes are not their own canonical form (a duplicate key,
// other spacing) is refused, so what was signed is always what is read.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../vault/chain';
import { VaultInputError } from '../vault/errors';
import { translator, type Lang } from '../../shared/i18n';
import { actIssuesText } from './issue-words';

export const ACT_NAMESPACE = 'cutover-act-v1';
export const ACT_FORMAT = 'cutover-act/v1';
/** Bounds what an act may carry: a few values, a reason, never a transcript. */
const MAX_ACT_BYTES = 64 * 1024;

export const ACT_KINDS = ['run.start', 'step.execute', 'step.attest', 'step.record', 'step.done', 'step.skip', 'run.decide', 'decision.record', 'deviation.accept'] as const;
export type ActKind = (typeof ACT_KINDS)[number];

export class ActRefusedError extends VaultInputError {
  override readonly code = 'BAD_INPUT' as const;
}

const actSchema = z.object({
  format: z.literal(ACT_FORMAT),
  /** The vault (workstation) whose chain this act extends. */
  vault: z.string().min(1).max(64),
  run: z.string().min(1).max(64),
  act: z.enum(ACT_KINDS),
  step: z.string().min(1).max(64).nullable(),
  by: z.object({ name: z.string().min(1).max(64), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict(),
  /** What is attested, recorded, skipped or decided: the act's own details. */
  what: z.record(z.string(), z.unknown()),
  /** The chain head the person saw when they signed: the act cannot be placed before it. */
  follows: z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
}).strict();

export type ActDocument = z.output<typeof actSchema>;

/** An act and its SSHSIG signature (armored, as `ssh-keygen -Y sign` writes it). */
export interface SignedAct {
  /** The exact signed bytes, as text. */
  text: string;
  signature: string;
}

export function actBytes(doc: ActDocument): Buffer {
  return Buffer.from(canonicalJson(doc));
}

export function actDigest(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Parses signed act bytes: JSON, the act shape, and exactly its own canonical form; refusals in `lang`. */
export function parseAct(bytes: Buffer | string, lang: Lang = 'en'): ActDocument {
  const tr = translator(lang);
  const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
  if (text.length > MAX_ACT_BYTES) throw new ActRefusedError(tr.t('refusal.actParse.tooBig', { size: text.length, max: MAX_ACT_BYTES }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ActRefusedError(tr.t('refusal.actParse.notJson'));
  }
  const result = actSchema.safeParse(parsed);
  // Each field's problem: zod's words in English (as always), the catalogue's in other languages.
  if (!result.success) throw new ActRefusedError(tr.t('refusal.actParse.shape', { format: ACT_FORMAT, issues: actIssuesText(tr, result.error.issues) }));
  if (canonicalJson(parsed) !== text) throw new ActRefusedError(tr.t('refusal.actParse.notCanonical'));
  return result.data;
}
