// What `pack verify` checks natively about the chain, the signed plan and the acts a pack
// carries, the same claims VERIFY.txt has an auditor check with sh, sha256sum and ssh-keygen:
// chain/events.jsonl links from the manifest's first prevHash, line by line, to its head hash;
// each plan approval is a good SSHSIG (cutover-plan-v1) over its plan.json by the key the
// trusted roster holds for its signer, and the approval event at its seq names that plan's
// sha256; each act's bytes hash to the digest its chain line records and carry a good SSHSIG
// (cutover-act-v1) by their signer's key; nothing listed is missing and nothing is extra.
// Every problem names the file, the line or the event. Nothing here loads the vault.
import { createHash } from 'node:crypto';
import { sshsigVerify } from '../signing/sshsig';
import { canonicalJson } from '../vault/chain';
import { ACTS_DIR, CHAIN_EVENTS, PLAN_DIR } from './contents';
import { PackInputError, printable } from './errors';
import { ACT_SIGNATURE_NAMESPACE, MAX_MANIFEST_BYTES, MAX_SMALL_FILE_BYTES, PLAN_SIGNATURE_NAMESPACE } from './layout';
import type { ParsedManifest } from './manifest';
import type { PackProblem } from './report';
import { allowsNamespace, namesIdentity, outsideValidity } from './roster';
import type { Trust } from './signatures';
import type { PackSource } from './source';

/**
 * valid: good, by a key the trusted roster holds for the signer in this namespace.
 * not-in-roster: good, by the key the pack names for the signer, but the organisation's roster
 * does not list that signer for this namespace (it may list only approvers, or only decisions).
 * failed: broken, by another key than the pack names, or by a key the roster holds otherwise.
 */
export type SignedFileStatus = 'valid' | 'not-in-roster' | 'failed';

export interface SignedFileCheck {
  /** The signed file (plan.json, or the act). */
  path: string;
  signaturePath: string;
  signer: string;
  /** The event that recorded it. */
  seq: number;
  status: SignedFileStatus;
  message: string;
}

export interface ContentsReport {
  /** null: the pack carries no chain (exported before packs did). */
  chain: { path: string; events: number; headSeq: number; headHash: string; ok: boolean } | null;
  plans: { version: number; path: string; sha256: string; approvals: SignedFileCheck[] }[];
  acts: (SignedFileCheck & { kind: string })[];
  /** Things a reader should know that are not problems (an old pack, signers outside the roster). */
  notes: string[];
}

type Area = 'chain' | 'plan' | 'act';

/** What the chain says at a seq the plan approvals and acts are checked against. */
interface ChainRecord {
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
}

/** Chain lines the acts and approvals of this run are checked against, and whether the links held. */
interface ReadChain {
  ok: boolean;
  events: number;
  records: Map<number, ChainRecord>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const MAX_LINE_PROBLEMS = 10;
const MAX_LINE_BYTES = 16 * 1024 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The run an act's signed text names, or undefined. */
function actRun(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    const doc = JSON.parse(text) as unknown;
    return isRecord(doc) ? doc.run : undefined;
  } catch {
    return undefined;
  }
}

/** Lines of a streamed file, each without its "\n"; `last` tells whether the file ended with one. */
async function* linesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ text: string; terminated: boolean }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, i));
      yield { text: Buffer.concat(pending).toString('utf8'), terminated: true };
      pending = [];
      pendingBytes = 0;
      start = i + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw new PackInputError(`a line longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
  if (pendingBytes > 0) yield { text: Buffer.concat(pending).toString('utf8'), terminated: false };
}

class Problems {
  private readonly counts = new Map<Area, number>();

  constructor(private readonly list: PackProblem[]) {}

  add(area: PackProblem['area'], subject: string | null, message: string): void {
    this.list.push({ area, subject, message: printable(message) });
  }

  /** A per-line problem of the chain: the first few are named, the rest counted. */
  line(subject: string, message: string): void {
    const n = (this.counts.get('chain') ?? 0) + 1;
    this.counts.set('chain', n);
    if (n <= MAX_LINE_PROBLEMS) this.add('chain', subject, message);
  }

  flushLines(path: string): void {
    const n = this.counts.get('chain') ?? 0;
    if (n > MAX_LINE_PROBLEMS) this.add('chain', path, `${path}: … and ${n - MAX_LINE_PROBLEMS} more broken line(s)`);
  }
}

/** Walks chain/events.jsonl: each line's seq, its prevHash against the hash of the line before, and the head. */
async function checkChain(source: PackSource, manifest: ParsedManifest, problems: Problems): Promise<ReadChain> {
  const chain = manifest.predicate.chain!;
  const head = manifest.predicate.chainHead;
  const path = chain.path;
  const records = new Map<number, ChainRecord>();
  let ok = true;
  const fail = (message: string) => {
    ok = false;
    problems.add('chain', path, message);
  };
  if (chain.headSeq !== head.seq || chain.headHash !== head.hash) fail(`${path}: the manifest's chain ends at event #${chain.headSeq} (${chain.headHash}), not at the pack's anchor #${head.seq} (${head.hash})`);
  if (!source.has(path)) {
    fail(`${path} is missing: the manifest lists the chain there`);
    return { ok: false, events: 0, records };
  }
  let expectedSeq = chain.firstSeq;
  let prevHash = chain.firstPrevHash;
  let count = 0;
  let lastSeq: number | null = null;
  let terminated = true;
  try {
    for await (const line of linesOf(source.stream(path))) {
      count += 1;
      terminated = line.terminated;
      const where = `${path} line ${count}`;
      const lineFail = (message: string) => {
        ok = false;
        problems.line(path, `${where}: ${message}`);
      };
      let event: unknown;
      try {
        event = JSON.parse(line.text);
      } catch {
        event = undefined;
      }
      const hash = sha256(line.text);
      if (!isRecord(event)) {
        lineFail('is not an event (a JSON object)');
      } else {
        if (canonicalJson(event) !== line.text) lineFail('is not RFC 8785 canonical JSON, so it is not the bytes the event\'s hash was computed over');
        if (event.seq !== expectedSeq) lineFail(`is event #${String(event.seq)}, not #${expectedSeq}: an event is missing, added or out of order`);
        if (event.prevHash !== prevHash) {
          lineFail(count === 1
            ? `its prevHash ${String(event.prevHash)} is not the chain's first prevHash ${chain.firstPrevHash} that manifest.json states`
            : `its prevHash ${String(event.prevHash)} is not the sha256 of line ${count - 1} (${prevHash}): line ${count - 1} was changed, or an event was removed between them`);
        }
        if (typeof event.seq === 'number' && typeof event.at === 'string' && typeof event.type === 'string' && isRecord(event.payload)) {
          records.set(event.seq, { seq: event.seq, at: event.at, actor: String(event.actor), type: event.type, payload: event.payload });
          lastSeq = event.seq;
        }
      }
      prevHash = hash;
      expectedSeq = isRecord(event) && typeof event.seq === 'number' ? event.seq + 1 : expectedSeq + 1;
    }
  } catch (error) {
    if (!(error instanceof PackInputError)) throw error;
    fail(`${path} cannot be read: ${error.message}`);
    return { ok: false, events: count, records };
  }
  problems.flushLines(path);
  if (!terminated) fail(`${path}: the last line does not end with a newline (the file was cut short or edited)`);
  if (count !== chain.events) fail(`${path} has ${count} line(s); the manifest says ${chain.events}`);
  if (lastSeq !== null && lastSeq !== chain.headSeq) fail(`${path} ends at event #${lastSeq}, not at the head #${chain.headSeq}`);
  if (prevHash !== chain.headHash) fail(`${path}: its last line hashes to ${prevHash}, not to the head hash ${chain.headHash} the manifest states (the chain was cut, extended or changed)`);
  return { ok, events: count, records };
}

/** A file the predicate lists, read whole; null (and a problem) when it is not in the pack or cannot be read. */
async function readListed(source: PackSource, path: string, max: number, area: Area, what: string, problems: Problems): Promise<Buffer | null> {
  if (!source.has(path)) {
    problems.add(area, path, `${path} is missing: ${what}`);
    return null;
  }
  try {
    return await source.read(path, max);
  } catch (error) {
    if (!(error instanceof PackInputError)) throw error;
    problems.add(area, path, `${path} cannot be read: ${error.message}`);
    return null;
  }
}

interface Claimed {
  /** The signed file and its signature file. */
  path: string;
  signaturePath: string;
  signer: string;
  fingerprint: string;
  /** When the chain says it was signed (the roster's validity is judged then), or null. */
  at: string | null;
}

/**
 * One SSHSIG judged as `ssh-keygen -Y verify -f ROSTER -I SIGNER -n NAMESPACE` would, plus: the
 * key that signed is the one the manifest names for the signer. A signer the organisation's
 * roster does not list for this namespace is a note, not a failure: a roster often lists only
 * the approvers (not the operator), or lets keys sign only decisions. A roster that holds
 * another key for the signer, or bounds this key's validity to exclude the event, fails it.
 */
function judgeSignature(armored: Buffer, message: Buffer, namespace: string, claimed: Claimed, area: Area, manifest: ParsedManifest, trust: Trust, problems: Problems): { status: SignedFileStatus; message: string } {
  const failed = (problemArea: PackProblem['area'], text: string) => {
    problems.add(problemArea, claimed.signaturePath, `${claimed.signaturePath}: ${text}`);
    return { status: 'failed' as const, message: text };
  };
  const result = sshsigVerify(armored.toString('utf8'), message, namespace);
  if (!result.ok) return failed(area, `not a good ${namespace} signature over ${claimed.path} (${result.reason}: ${result.message})`);
  const key = result.fingerprint;
  if (key !== claimed.fingerprint) return failed(area, `signed by the key ${key}, not by ${claimed.signer}'s key ${claimed.fingerprint} that the manifest names`);
  const identity = manifest.predicate.identities.find((i) => i.name === claimed.signer);
  if (!identity) return failed(area, `${claimed.signer} is not an identity of the manifest`);
  if (identity.fingerprint !== key) return failed(area, `signed by ${key}, but the manifest's key for ${claimed.signer} is ${identity.fingerprint}`);
  const own = trust.signers.filter((s) => namesIdentity(s, claimed.signer));
  const usable = own.filter((s) => s.fingerprint === key && allowsNamespace(s, namespace));
  const at = claimed.at ? new Date(claimed.at) : new Date();
  if (usable.some((s) => outsideValidity(s, at) === null)) return { status: 'valid', message: `good ${namespace} signature by ${claimed.signer}'s key ${key}` };
  const roster = trust.source === 'file' ? `your roster ${trust.path}` : `the pack's ${trust.path}`;
  if (usable.length) return failed('trust', `${claimed.signer}'s key ${key} is not valid at ${at.toISOString()} in ${roster} (${usable.map((s) => `line ${s.line}: ${outsideValidity(s, at)}`).join('; ')})`);
  if (trust.source === 'file' && own.length === 0) return { status: 'not-in-roster', message: `good ${namespace} signature by the key the pack names for ${claimed.signer} (${key}); ${claimed.signer} is not in your roster ${trust.path}` };
  if (own.some((s) => s.fingerprint === key)) {
    if (trust.source === 'file') return { status: 'not-in-roster', message: `good ${namespace} signature by ${claimed.signer}'s key ${key}, which your roster ${trust.path} does not let sign in namespace ${namespace}` };
    return failed(area, `${roster} does not let ${claimed.signer}'s key ${key} sign in namespace ${namespace}`);
  }
  return failed(trust.source === 'file' ? 'trust' : area, `${roster} lists ${claimed.signer} with ${own.length ? `another key (${own.map((s) => s.fingerprint).join(', ')})` : 'no key at all'}, not ${key}`);
}

function checkPlans(manifest: ParsedManifest, chain: ReadChain | null, files: Map<string, Buffer | null>, trust: Trust, problems: Problems): ContentsReport['plans'] {
  const runId = manifest.predicate.run.runId;
  const out: ContentsReport['plans'] = [];
  for (const plan of manifest.predicate.plans ?? []) {
    const bytes = files.get(plan.path) ?? null;
    if (bytes && sha256(bytes) !== plan.sha256) problems.add('plan', plan.path, `${plan.path}: sha256 ${sha256(bytes)} is not the plan digest ${plan.sha256} the manifest lists for plan version ${plan.version}`);
    const approvals: SignedFileCheck[] = [];
    for (const a of plan.approvals) {
      const base = { path: plan.path, signaturePath: a.path, signer: a.signer, seq: a.seq };
      const sig = files.get(a.path) ?? null;
      const record = chain?.records.get(a.seq);
      const problem = (message: string): SignedFileCheck => {
        problems.add('plan', a.path, `${a.path}: ${message}`);
        return { ...base, status: 'failed', message };
      };
      if (!bytes || !sig) {
        approvals.push({ ...base, status: 'failed', message: 'not in the pack' });
        continue;
      }
      if (chain) {
        const p = record?.payload;
        if (!record || record.type !== 'approval.added' || !p) {
          approvals.push(problem(`the manifest names event #${a.seq} for ${a.signer}'s approval, but line ${a.seq} of ${CHAIN_EVENTS} is ${record ? `a ${record.type} event` : 'not there'}`));
          continue;
        }
        const wrong: string[] = [];
        if (p.runId !== runId) wrong.push(`it approves run ${String(p.runId)}`);
        if (p.signer !== a.signer) wrong.push(`its signer is ${String(p.signer)}`);
        if (p.fingerprint !== a.fingerprint) wrong.push(`its key is ${String(p.fingerprint)}`);
        if (p.planDigest !== plan.sha256) wrong.push(`its planDigest is ${String(p.planDigest)}, not the sha256 of ${plan.path} (${plan.sha256})`);
        if (p.signature !== sig.toString('utf8')) wrong.push(`the signature it records is not ${a.path}`);
        if (wrong.length) {
          approvals.push(problem(`does not match approval event #${a.seq} in ${CHAIN_EVENTS}: ${wrong.join('; ')}`));
          continue;
        }
      }
      const judged = judgeSignature(sig, bytes, PLAN_SIGNATURE_NAMESPACE, { path: plan.path, signaturePath: a.path, signer: a.signer, fingerprint: a.fingerprint, at: record?.at ?? null }, 'plan', manifest, trust, problems);
      approvals.push({ ...base, ...judged });
    }
    out.push({ version: plan.version, path: plan.path, sha256: plan.sha256, approvals });
  }
  // Every approval of the run the chain holds is carried (a repeat of the same plan by the same
  // person only as its latest).
  if (chain) {
    const listed = new Set((manifest.predicate.plans ?? []).flatMap((p) => p.approvals.map((a) => a.seq)));
    const approvals = [...chain.records.values()].filter((r) => r.type === 'approval.added' && r.payload.runId === runId);
    for (const r of approvals) {
      if (listed.has(r.seq)) continue;
      const later = approvals.some((o) => o.seq > r.seq && listed.has(o.seq) && o.payload.signer === r.payload.signer && o.payload.planDigest === r.payload.planDigest);
      if (!later) problems.add('plan', CHAIN_EVENTS, `${CHAIN_EVENTS} holds ${String(r.payload.signer)}'s approval of this run at event #${r.seq}, which the pack's plan/ does not carry`);
    }
  }
  return out;
}

function checkActs(manifest: ParsedManifest, chain: ReadChain | null, files: Map<string, Buffer | null>, trust: Trust, problems: Problems): ContentsReport['acts'] {
  const runId = manifest.predicate.run.runId;
  const out: ContentsReport['acts'] = [];
  for (const act of manifest.predicate.acts ?? []) {
    const base = { path: act.path, signaturePath: act.signaturePath, signer: act.signer, seq: act.seq, kind: act.kind };
    const bytes = files.get(act.path) ?? null;
    const sig = files.get(act.signaturePath) ?? null;
    const problem = (message: string) => {
      problems.add('act', act.path, `${act.path}: ${message}`);
      out.push({ ...base, status: 'failed', message });
    };
    if (!bytes || !sig) {
      out.push({ ...base, status: 'failed', message: 'not in the pack' });
      continue;
    }
    if (sha256(bytes) !== act.digest) {
      problem(`sha256 ${sha256(bytes)} is not the act's digest ${act.digest}: its bytes were changed`);
      continue;
    }
    const record = chain?.records.get(act.seq);
    if (chain) {
      const stored = record?.payload.act;
      if (!record || !isRecord(stored)) {
        problem(`the manifest names event #${act.seq}, but line ${act.seq} of ${CHAIN_EVENTS} ${record ? `(a ${record.type} event) carries no act` : 'is not there'}`);
        continue;
      }
      if (stored.digest !== act.digest) {
        problem(`its digest ${act.digest} is not the one event #${act.seq} records ("digest":"${String(stored.digest)}")`);
        continue;
      }
      if (stored.signature !== sig.toString('utf8')) {
        problem(`${act.signaturePath} is not the signature event #${act.seq} records`);
        continue;
      }
    }
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      doc = undefined;
    }
    const by = isRecord(doc) && isRecord(doc.by) ? doc.by : {};
    const wrong: string[] = [];
    if (!isRecord(doc)) wrong.push('it is not a JSON act');
    else {
      if (doc.act !== act.kind) wrong.push(`it is a ${String(doc.act)} act, not ${act.kind}`);
      if (by.name !== act.signer || by.fingerprint !== act.fingerprint) wrong.push(`it is signed as ${String(by.name)} (${String(by.fingerprint)}), not ${act.signer} (${act.fingerprint})`);
      if (doc.run !== runId) wrong.push(`it names run ${String(doc.run)}`);
    }
    if (wrong.length) {
      problem(`does not say what the manifest lists: ${wrong.join('; ')}`);
      continue;
    }
    const judged = judgeSignature(sig, bytes, ACT_SIGNATURE_NAMESPACE, { path: act.path, signaturePath: act.signaturePath, signer: act.signer, fingerprint: act.fingerprint, at: record?.at ?? null }, 'act', manifest, trust, problems);
    out.push({ ...base, ...judged });
  }
  // Every act of the run the chain holds is carried.
  if (chain) {
    const listed = new Set((manifest.predicate.acts ?? []).map((a) => a.seq));
    for (const r of chain.records.values()) {
      const stored = r.payload.act;
      if (!isRecord(stored) || listed.has(r.seq)) continue;
      if (r.payload.runId !== runId && actRun(stored.text) !== runId) continue;
      problems.add('act', CHAIN_EVENTS, `${CHAIN_EVENTS} holds an act of this run at event #${r.seq} (${r.type} by ${r.actor}), which the pack's ${ACTS_DIR}/ does not carry`);
    }
  }
  return out;
}

/** The pack's files under plan/, chain/ and acts/ that the predicate does not list: they do not belong. */
function extraFiles(source: PackSource, listed: Set<string>, problems: Problems): void {
  const chainDir = CHAIN_EVENTS.split('/')[0]!;
  for (const f of source.files) {
    const area: Area | null = f.path.startsWith(`${PLAN_DIR}/`) ? 'plan' : f.path.startsWith(`${ACTS_DIR}/`) ? 'act' : f.path.startsWith(`${chainDir}/`) ? 'chain' : null;
    if (area && !listed.has(f.path)) problems.add(area, f.path, `${f.path} is in the pack, but the manifest's ${area === 'plan' ? 'plans' : area === 'act' ? 'acts' : 'chain'} do not list it`);
  }
}

/** Duplicate seqs or paths in the predicate: each listed once. */
function duplicates(manifest: ParsedManifest, problems: Problems): void {
  const seen = new Set<string>();
  const paths = [
    ...(manifest.predicate.plans ?? []).flatMap((p) => [p.path, ...p.approvals.map((a) => a.path)]),
    ...(manifest.predicate.acts ?? []).flatMap((a) => [a.path, a.signaturePath]),
  ];
  for (const path of paths) {
    if (seen.has(path)) problems.add(path.startsWith(`${ACTS_DIR}/`) ? 'act' : 'plan', path, `manifest.json lists ${path} twice`);
    seen.add(path);
  }
}

/**
 * Checks the chain, plan approvals and acts a pack carries. Problems go into `problems` with
 * areas chain, plan, act (and trust, for a roster that does not accept a key); a pack exported
 * before packs carried them gets a note instead.
 */
export async function checkContents(source: PackSource, manifest: ParsedManifest | null, trust: Trust, list: PackProblem[]): Promise<ContentsReport | null> {
  if (!manifest) return null;
  const problems = new Problems(list);
  const { chain, plans, acts } = manifest.predicate;
  if (!chain && !plans && !acts) {
    return { chain: null, plans: [], acts: [], notes: ['This pack carries no chain, signed plan or signed acts (it was exported before packs did): its events, plan approvals and acts cannot be checked from it.'] };
  }
  if (!chain) problems.add('chain', null, 'manifest.json lists plans or acts but no chain: they cannot be tied to the chain\'s events');
  if (!plans) problems.add('plan', null, 'manifest.json lists a chain but no plans: the plan approvals cannot be checked');
  if (!acts) problems.add('act', null, 'manifest.json lists a chain but no acts: the signed acts cannot be checked');
  const subjects = new Set(manifest.subject.map((s) => s.name));
  const listed = new Set<string>([...(chain ? [chain.path] : [])]);
  const files = new Map<string, Buffer | null>();
  for (const plan of plans ?? []) {
    listed.add(plan.path);
    files.set(plan.path, await readListed(source, plan.path, MAX_MANIFEST_BYTES, 'plan', `the manifest lists plan version ${plan.version} there`, problems));
    for (const a of plan.approvals) {
      listed.add(a.path);
      files.set(a.path, await readListed(source, a.path, MAX_SMALL_FILE_BYTES, 'plan', `the manifest lists ${a.signer}'s approval of plan version ${plan.version} there`, problems));
    }
  }
  for (const act of acts ?? []) {
    listed.add(act.path);
    listed.add(act.signaturePath);
    files.set(act.path, await readListed(source, act.path, MAX_SMALL_FILE_BYTES, 'act', `the manifest lists ${act.signer}'s ${act.kind} act #${act.seq} there`, problems));
    files.set(act.signaturePath, await readListed(source, act.signaturePath, MAX_SMALL_FILE_BYTES, 'act', `the manifest lists the signature of act #${act.seq} there`, problems));
  }
  for (const path of listed) {
    if (!subjects.has(path)) problems.add(path.startsWith(`${ACTS_DIR}/`) ? 'act' : path.startsWith(`${PLAN_DIR}/`) ? 'plan' : 'chain', path, `${path} is not a subject of manifest.json, so neither the manifest nor SHA256SUMS covers its bytes`);
  }
  duplicates(manifest, problems);
  extraFiles(source, listed, problems);
  const read = chain ? await checkChain(source, manifest, problems) : null;
  const report: ContentsReport = {
    chain: chain && read ? { path: chain.path, events: read.events, headSeq: chain.headSeq, headHash: chain.headHash, ok: read.ok } : null,
    plans: checkPlans(manifest, read, files, trust, problems),
    acts: checkActs(manifest, read, files, trust, problems),
    notes: [],
  };
  const outside = [...new Set([...report.plans.flatMap((p) => p.approvals), ...report.acts].filter((c) => c.status === 'not-in-roster').map((c) => c.signer))];
  if (outside.length) report.notes.push(`Plan approvals or acts signed by people your roster ${trust.path} does not list for that kind of signature (checked against the keys the pack names for them only): ${outside.join(', ')}.`);
  return report;
}
