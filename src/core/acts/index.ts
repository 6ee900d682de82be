export { ACT_FORMAT, ACT_KINDS, ACT_NAMESPACE, ActRefusedError, actBytes, actDigest, parseAct, type ActDocument, type ActKind, type SignedAct } from './document';
export { standingRefusal, verifyAct, type ActContext, type ActIdentity, type VerifiedAct } from './verify';
export { decideRefusal, decidingRoles, executeRefusal, orderRefusal, retryTarget, roleRefusal, rolesFor, skipRefusal, type Decision } from './rules';
export { appendAct, chainContext, draftAct, inWriteTransaction, signHere, type ActRequest } from './context';
export { signAct } from './sign';
export { auditActs, type ActAudit } from './audit';
