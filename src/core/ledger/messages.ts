// What workstations say to each other through the ledger, as events of their own chains (so each
// is signed by its author's workstation key, linked and witnessed like any other event):
//   ledger.plan_offered   the operator offers a run's plan for approval: its exact bytes
//   ledger.approval_sent  an approver's SSHSIG over those bytes, addressed to the operator's vault
//   ledger.act_sent       a signed act (the GO / NO-GO decision, a rollback/stop/retry) addressed likewise
// The receiving vault trusts none of it: each is checked again by the engine, as a file would be.
import { z } from 'zod';

export const PLAN_OFFERED = 'ledger.plan_offered';
export const APPROVAL_SENT = 'ledger.approval_sent';
export const ACT_SENT = 'ledger.act_sent';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const addressee = z.object({ workstation: z.string().min(1).max(64), vault: z.string().min(1).max(64) }).strict();
const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/);

export const planOfferedSchema = z.object({ runId: z.string().min(1).max(64), planDigest: sha256, plan: z.string().min(1).max(512 << 10) }).strict();
export const approvalSentSchema = z.object({ runId: z.string().min(1).max(64), to: addressee, planDigest: sha256, plan: z.string().min(1).max(512 << 10), signature: z.string().min(1).max(16 << 10), fingerprint }).strict();
export const actSentSchema = z.object({ runId: z.string().min(1).max(64), to: addressee, act: z.string().min(1).max(64), text: z.string().min(1).max(64 << 10), signature: z.string().min(1).max(16 << 10), fingerprint }).strict();

export type PlanOffered = z.infer<typeof planOfferedSchema>;
export type ApprovalSent = z.infer<typeof approvalSentSchema>;
export type ActSent = z.infer<typeof actSentSchema>;
