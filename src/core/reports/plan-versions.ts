// The plan versions a run's approvers signed, and where a decision pack keeps each one: the
// layout the pack, its PDF and VERIFY.txt agree on. One version: plan/plan.json with
// plan/approvals/NAME.sig. Several (re-approval after a change): plan/v1/…, plan/v2/…,
// numbered in the order of each text's first approval event. A person who approved the same
// text twice counts once, with their latest approval.
import { createHash } from 'node:crypto';
import type { ApprovalRecord } from '../engine/types';

export interface PlanApprovalFile {
  signer: string;
  fingerprint: string;
  /** The SSHSIG file in the pack: plan/approvals/NAME.sig or plan/vN/approvals/NAME.sig. */
  path: string;
  /** The approval.added event. */
  seq: number;
}

export interface PlanVersion {
  /** 1, 2, … in the order of each text's first approval. */
  version: number;
  /** plan or plan/vN. */
  dir: string;
  /** The exact signed text in the pack: <dir>/plan.json. */
  path: string;
  /** SHA-256 of the signed text (the approvals' planDigest). */
  sha256: string;
  /** The exact text the approvers signed. */
  text: string;
  approvals: PlanApprovalFile[];
}

/** Groups a run's approvals by the exact plan text signed, in the agreed pack layout. */
export function planVersionsOf(approvals: readonly Pick<ApprovalRecord, 'seq' | 'signer' | 'fingerprint' | 'plan'>[]): PlanVersion[] {
  const byText = new Map<string, Map<string, Pick<ApprovalRecord, 'seq' | 'signer' | 'fingerprint'>>>();
  for (const a of [...approvals].sort((x, y) => x.seq - y.seq)) {
    const signers = byText.get(a.plan) ?? new Map();
    signers.set(a.signer, a);
    byText.set(a.plan, signers);
  }
  const single = byText.size === 1;
  return [...byText.entries()].map(([text, signers], i) => {
    const dir = single ? 'plan' : `plan/v${i + 1}`;
    return {
      version: i + 1,
      dir,
      path: `${dir}/plan.json`,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      text,
      approvals: [...signers.values()].sort((x, y) => x.seq - y.seq).map((a) => ({ signer: a.signer, fingerprint: a.fingerprint, path: `${dir}/approvals/${a.signer}.sig`, seq: a.seq })),
    };
  });
}
