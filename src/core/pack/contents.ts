// What a pack carries beyond the evidence, taken from the vault's chain so that an auditor with
// stock tools can check every claim: the plan texts the approvers signed with each approval's
// SSHSIG (plan/), the chain itself up to the pack's anchor as the exact bytes each event's hash
// covers (chain/events.jsonl), every signed act of the run as the bytes its person signed
// (acts/), and the verdicts the vault holds for a manifest (signatures/). Everything here is a
// pure function of the chain, so the same vault state gives the same files.
import { createHash } from 'node:crypto';
import type { RunState } from '../engine/types';
import { GENESIS_HASH, canonicalJson } from '../vault/chain';
import type { VaultEvent } from '../vault/types';
import { CHECKPOINTS_FILE, checkpointsFile } from '../ledger/checkpoints-file';
import { PackExportError } from './errors';
import { IDENTITY_NAME, signaturePaths } from './layout';
import type { PackActEntry, PackChainEntry, PackPlanVersion, SubjectKind } from './manifest';

export const PLAN_DIR = 'plan';
export const CHAIN_EVENTS = 'chain/events.jsonl';
export const ACTS_DIR = 'acts';
/** The event that records a verdict imported into the vault (sign.ts appends it). */
export const PACK_SIGNED_EVENT = 'pack.signed';

/** plan/plan.json and plan/approvals/NAME.sig, or plan/vN/… when approvers signed several plan texts. */
export function planPaths(version: number | null): { plan: string; approval: (signer: string) => string } {
  const dir = version === null ? PLAN_DIR : `${PLAN_DIR}/v${version}`;
  return { plan: `${dir}/plan.json`, approval: (signer) => `${dir}/approvals/${signer}.sig` };
}

/** acts/SEQ-KIND-NAME.json and its .sig (SEQ zero-padded to 6 digits). */
export function actPaths(seq: number, kind: string, signer: string): { act: string; signature: string } {
  const act = `${ACTS_DIR}/${String(seq).padStart(6, '0')}-${kind}-${signer}.json`;
  return { act, signature: `${act}.sig` };
}

/** The exact bytes whose SHA-256 is the event's hash: RFC 8785 JSON of its chained fields. */
export function chainLine(e: Pick<VaultEvent, 'prevHash' | 'seq' | 'at' | 'actor' | 'type' | 'payload'>): string {
  return canonicalJson({ prevHash: e.prevHash, seq: e.seq, at: e.at, actor: e.actor, type: e.type, payload: e.payload });
}

export interface ContentFile {
  path: string;
  bytes: Buffer;
  kind: SubjectKind;
  mediaType: string;
}

export interface PackContents {
  files: ContentFile[];
  chain: PackChainEntry;
  plans: PackPlanVersion[];
  acts: PackActEntry[];
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function broken(what: string): never {
  throw new PackExportError(`${what}. Nothing was exported; run \`cutover vault verify\`.`);
}

/** A name that becomes part of a file name in the pack; the vault allows no other. */
function safeName(name: string, where: string): string {
  if (!IDENTITY_NAME.test(name)) broken(`${where} names "${name}", which is not an identity name`);
  return name;
}

/** The chain from its first event to the anchor, each line the bytes its hash covers. */
function chainFile(events: VaultEvent[], anchor: { seq: number; hash: string }): { file: ContentFile; entry: PackChainEntry } {
  const upTo = events.filter((e) => e.seq <= anchor.seq);
  let prevHash = GENESIS_HASH;
  const lines: string[] = [];
  for (const [i, e] of upTo.entries()) {
    if (e.seq !== i + 1) broken(`The vault's chain has no event #${i + 1} (the next one is #${e.seq})`);
    const line = chainLine(e);
    if (e.prevHash !== prevHash || sha256(line) !== e.hash) broken(`Event #${e.seq} of the vault's chain does not hash to what the chain records`);
    lines.push(`${line}\n`);
    prevHash = e.hash;
  }
  if (upTo.length !== anchor.seq || prevHash !== anchor.hash) broken(`The pack's anchor, event #${anchor.seq}, is not the end of the vault's chain read up to it`);
  return {
    file: { path: CHAIN_EVENTS, bytes: Buffer.from(lines.join('')), kind: 'chain', mediaType: 'application/x-ndjson' },
    entry: { path: CHAIN_EVENTS, firstSeq: 1, firstPrevHash: GENESIS_HASH, headSeq: anchor.seq, headHash: anchor.hash, events: upTo.length },
  };
}

/**
 * Each plan text the run's approvers signed, numbered in the order of its first approval, with
 * every approver's signature over it (a person who approved the same text twice: the latest).
 */
function planFiles(state: RunState): { files: ContentFile[]; plans: PackPlanVersion[] } {
  const texts: string[] = [];
  const latest = new Map<string, Map<string, RunState['approvals'][number]>>();
  for (const a of [...state.approvals].sort((x, y) => x.seq - y.seq)) {
    if (!latest.has(a.plan)) {
      texts.push(a.plan);
      latest.set(a.plan, new Map());
    }
    latest.get(a.plan)!.set(safeName(a.signer, `Approval #${a.seq}`), a);
  }
  const files: ContentFile[] = [];
  const plans: PackPlanVersion[] = [];
  texts.forEach((text, i) => {
    const version = i + 1;
    const paths = planPaths(texts.length === 1 ? null : version);
    const bytes = Buffer.from(text, 'utf8');
    files.push({ path: paths.plan, bytes, kind: 'plan', mediaType: 'application/json' });
    const approvals = [...latest.get(text)!.values()].sort((x, y) => x.seq - y.seq).map((a) => {
      if (a.planDigest !== sha256(bytes)) broken(`Approval #${a.seq} by ${a.signer} names the plan digest ${a.planDigest}, not the sha256 of the plan it carries`);
      const path = paths.approval(a.signer);
      files.push({ path, bytes: Buffer.from(a.signature, 'utf8'), kind: 'plan-approval', mediaType: 'text/plain' });
      return { signer: a.signer, fingerprint: a.fingerprint, path, seq: a.seq };
    });
    plans.push({ version, path: paths.plan, sha256: sha256(bytes), approvals });
  });
  return { files, plans };
}

interface StoredAct {
  text: string;
  signature: string;
  digest: string;
}

function storedAct(e: VaultEvent): StoredAct | null {
  const act = (e.payload as { act?: Partial<StoredAct> } | null)?.act;
  if (!act || typeof act !== 'object') return null;
  if (typeof act.text !== 'string' || typeof act.signature !== 'string' || typeof act.digest !== 'string') broken(`Event #${e.seq} (${e.type}) carries an act without its text, signature and digest`);
  return act as StoredAct;
}

/** What the signed bytes say about themselves: the run, the kind of act, who signed. */
function actHeader(e: VaultEvent, text: string): { run: unknown; kind: string; signer: string; fingerprint: string } {
  let doc: { run?: unknown; act?: unknown; by?: { name?: unknown; fingerprint?: unknown } };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    broken(`The act of event #${e.seq} (${e.type}) is not JSON`);
  }
  const kind = doc?.act;
  const name = doc?.by?.name;
  const fingerprint = doc?.by?.fingerprint;
  if (typeof kind !== 'string' || !/^[a-z]+\.[a-z]+$/.test(kind) || typeof name !== 'string' || typeof fingerprint !== 'string') broken(`The act of event #${e.seq} (${e.type}) does not say its kind and signer`);
  return { run: doc.run, kind, signer: safeName(name, `The act of event #${e.seq}`), fingerprint };
}

/** Every signed act of the run up to the anchor: its event names the run, or its signed bytes do. */
function actFiles(events: VaultEvent[], runId: string, anchorSeq: number): { files: ContentFile[]; acts: PackActEntry[] } {
  const files: ContentFile[] = [];
  const acts: PackActEntry[] = [];
  for (const e of events) {
    if (e.seq > anchorSeq) break;
    const act = storedAct(e);
    if (!act) continue;
    const header = actHeader(e, act.text);
    if ((e.payload as { runId?: unknown }).runId !== runId && header.run !== runId) continue;
    const bytes = Buffer.from(act.text, 'utf8');
    if (sha256(bytes) !== act.digest) broken(`The act of event #${e.seq} (${e.type}) does not hash to its recorded digest`);
    const paths = actPaths(e.seq, header.kind, header.signer);
    files.push({ path: paths.act, bytes, kind: 'act', mediaType: 'application/json' });
    files.push({ path: paths.signature, bytes: Buffer.from(act.signature, 'utf8'), kind: 'act-signature', mediaType: 'text/plain' });
    acts.push({ seq: e.seq, kind: header.kind, signer: header.signer, fingerprint: header.fingerprint, path: paths.act, signaturePath: paths.signature, digest: act.digest });
  }
  return { files, acts };
}

/** plan/, chain/events.jsonl and acts/ for a run's pack anchored at `anchor`. */
export function gatherContents(events: VaultEvent[], state: RunState, anchor: { seq: number; hash: string }): PackContents {
  const chain = chainFile(events, anchor);
  const plan = planFiles(state);
  const acts = actFiles(events, state.runId, anchor.seq);
  // The team ledger's checkpoints of the chain up to the anchor (none: no file, as before).
  const checkpoints = checkpointsFile(events, anchor);
  const ledger: ContentFile[] = checkpoints ? [{ path: CHECKPOINTS_FILE, bytes: checkpoints, kind: 'ledger-checkpoints', mediaType: 'application/json' }] : [];
  return { files: [chain.file, ...plan.files, ...acts.files, ...ledger], chain: chain.entry, plans: plan.plans, acts: acts.acts };
}

/**
 * The verdicts the vault holds for exactly this manifest (pack.signed events), as the three
 * files each signer's `pack sign` wrote: the latest verdict of each identity.
 */
export function verdictFiles(events: VaultEvent[], runId: string, manifestSha256: string): { path: string; bytes: Buffer }[] {
  const latest = new Map<string, { signature: string; verdict: string; verdictSignature: string }>();
  for (const e of events) {
    if (e.type !== PACK_SIGNED_EVENT) continue;
    const p = e.payload as { runId?: unknown; identity?: unknown; manifestSha256?: unknown; signature?: unknown; verdict?: unknown; verdictSignature?: unknown };
    if (p.runId !== runId || p.manifestSha256 !== manifestSha256) continue;
    if (typeof p.identity !== 'string' || typeof p.signature !== 'string' || typeof p.verdict !== 'string' || typeof p.verdictSignature !== 'string') broken(`Event #${e.seq} (${e.type}) records a verdict without its signatures`);
    latest.set(safeName(p.identity, `Event #${e.seq}`), { signature: p.signature, verdict: p.verdict, verdictSignature: p.verdictSignature });
  }
  return [...latest.entries()].flatMap(([identity, v]) => {
    const paths = signaturePaths(identity);
    return [
      { path: paths.sig, bytes: Buffer.from(v.signature, 'utf8') },
      { path: paths.verdict, bytes: Buffer.from(v.verdict, 'utf8') },
      { path: paths.verdictSig, bytes: Buffer.from(v.verdictSignature, 'utf8') },
    ];
  });
}
