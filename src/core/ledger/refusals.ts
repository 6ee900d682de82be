// A refused act's reason, back to its sender. The receiving workstation (the operator's) that
// refuses an act or approval another workstation sent it writes one row to `refusals`, signed by
// its own workstation key over {ledger, workstation, about: {workstation, seq, hash}, message};
// its chain does not move. The sender's `ledger sent` lists what it sent and, for each, whether
// the addressee's checked chain recorded it, a refusal signed by the addressee says why not, or
// nothing came back yet. An unsigned, mis-signed or misaddressed refusal row is not believed.
import { actDigest, parseAct } from '../acts';
import { planDigest } from '../engine/plan';
import { sshsigSign, sshsigVerify, type Signer } from '../signing';
import { canonicalJson, type Vault } from '../vault';
import { joinedOrRefuse, teamOf } from './approve';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { LEDGER_REFUSAL_NAMESPACE, LEDGER_SCHEMA as S, MAX_REFUSAL_MESSAGE_BYTES } from './limits';
import type { Membership } from './membership';
import { ACT_SENT, APPROVAL_SENT } from './messages';

export interface Refusal {
  /** The event refused: the sender's workstation, seq and hash. */
  about: { workstation: string; seq: number; hash: string };
  message: string;
}

export function refusalStatement(ledger: string, workstation: string, r: Refusal): Buffer {
  return Buffer.from(canonicalJson({ format: LEDGER_REFUSAL_NAMESPACE, ledger, workstation, about: r.about, message: r.message }), 'utf8');
}

function bounded(message: string): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= MAX_REFUSAL_MESSAGE_BYTES) return message;
  return `${bytes.subarray(0, MAX_REFUSAL_MESSAGE_BYTES - 8).toString('utf8').replace(/\uFFFD$/, '')}…`;
}

export type TellOutcome = { state: 'told'; rows: number } | { state: 'needs-init' } | { state: 'failed'; reason: string };

/** Writes the refusals (each once: a later receive refusing it again adds nothing). Never throws: the receive stands. */
export async function tellRefusals(membership: Membership, signer: Signer, refused: Refusal[], db?: string): Promise<TellOutcome> {
  if (refused.length === 0) return { state: 'told', rows: 0 };
  let connection: Awaited<ReturnType<typeof connectLedger>> | null = null;
  try {
    connection = await connectLedger(db ?? membership.db, 'cutover-ledger-refusals', { timeoutMs: 5_000 });
    const { client } = connection;
    const exists = await client.query(`SELECT to_regclass('${S}.refusals') IS NOT NULL AS ok`);
    if (!(exists.rows[0] as { ok: boolean }).ok) return { state: 'needs-init' };
    let rows = 0;
    for (const r of refused) {
      const message = bounded(r.message);
      const signature = await sshsigSign(signer, refusalStatement(membership.ledger, membership.workstation, { ...r, message }), LEDGER_REFUSAL_NAMESPACE);
      const result = await client.query(
        `INSERT INTO ${S}.refusals (workstation, about_workstation, about_seq, about_hash, ledger_id, message, signature) VALUES ($1, $2, $3, $4, $5::uuid, $6, $7) ON CONFLICT DO NOTHING`,
        [membership.workstation, r.about.workstation, r.about.seq, r.about.hash, membership.ledger, message, signature],
      );
      rows += result.rowCount ?? 0;
    }
    return { state: 'told', rows };
  } catch (error) {
    return { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (connection) await closeLedger(connection);
  }
}

export interface SentItem {
  seq: number;
  runId: string;
  /** "approval", or the act's kind. */
  kind: string;
  step: string | null;
  to: string;
  status: 'recorded' | 'refused' | 'waiting';
  /** The addressee's event that recorded it, or the refusal's reason. */
  detail: string;
}

interface RefusalRow { workstation: string; about_seq: string; about_hash: string; message: string; signature: string; ledger_id: string }

/** What this vault sent through the ledger, and what became of each, as the addressees' checked chains and signed refusals say. */
export async function sentStatus(vault: Vault, input: { db?: string } = {}): Promise<{ workstation: string; items: SentItem[] }> {
  const membership = joinedOrRefuse(vault);
  const team = await teamOf(membership, input.db);
  const connection = await connectLedger(input.db ?? membership.db, 'cutover-ledger-sent');
  let rows: RefusalRow[] = [];
  try {
    const exists = await connection.client.query(`SELECT to_regclass('${S}.refusals') IS NOT NULL AS ok`);
    if ((exists.rows[0] as { ok: boolean }).ok) {
      rows = (await connection.client.query<RefusalRow>(`SELECT workstation, about_seq::text AS about_seq, about_hash, message, signature, ledger_id::text AS ledger_id FROM ${S}.refusals WHERE about_workstation = $1 ORDER BY refused_at`, [membership.workstation])).rows;
    }
  } catch (error) {
    throw ledgerErrorFrom(error, connection.label, 'reading the refusals');
  } finally {
    await closeLedger(connection);
  }
  const items: SentItem[] = [];
  for (const e of vault.events()) {
    if (e.type !== ACT_SENT && e.type !== APPROVAL_SENT) continue;
    const p = e.payload as { runId: string; to: { workstation: string }; act?: string; text?: string; plan?: string; fingerprint: string };
    const addressee = team.workstations.get(p.to.workstation);
    const act = e.type === ACT_SENT && typeof p.text === 'string' ? { digest: actDigest(p.text), step: parseAct(p.text).step ?? null } : null;
    const digest = e.type === APPROVAL_SENT && typeof p.plan === 'string' ? planDigest(Buffer.from(p.plan, 'utf8')) : null;
    const base = { seq: e.seq, runId: p.runId, kind: act ? p.act ?? 'act' : 'approval', step: act?.step ?? null, to: p.to.workstation };
    const recorded = addressee?.events.find((x) => {
      const q = x.payload as { act?: { digest?: unknown }; planDigest?: unknown; fingerprint?: unknown } | null;
      return act ? q?.act?.digest === act.digest : x.type === 'approval.added' && q?.planDigest === digest && q?.fingerprint === p.fingerprint;
    });
    if (recorded) {
      items.push({ ...base, status: 'recorded', detail: `${p.to.workstation} recorded it as event #${recorded.seq} (${recorded.type})` });
      continue;
    }
    const believed = addressee && rows.find((r) => r.workstation === p.to.workstation && Number(r.about_seq) === e.seq && r.about_hash === e.hash && r.ledger_id === membership.ledger
      && sshsigVerify(r.signature, refusalStatement(membership.ledger, r.workstation, { about: { workstation: membership.workstation, seq: e.seq, hash: e.hash }, message: r.message }), LEDGER_REFUSAL_NAMESPACE, addressee.member.publicKey).ok);
    if (believed) items.push({ ...base, status: 'refused', detail: believed.message });
    else items.push({ ...base, status: 'waiting', detail: `${p.to.workstation} has neither recorded nor refused it yet` });
  }
  return { workstation: membership.workstation, items };
}
