export { RunEngine, RunRefusedError, skipRefusal, type ActInput, type EngineOptions, type ExecutorFactory, type StepOutcome } from './engine';
export { authorize, type Authorization, type ApprovalCheck } from './approvals';
export { buildPlan, planBytes, planDigest, PLAN_NAMESPACE, type PlanDocument, type PlanEntry } from './plan';
export { GateWatcher, type GateResult } from './gates';
export type { ProgressUpdate } from './progress';
export type * from './types';
export { parsePlannedT0 } from './t-zero';
export { autoplay, type Answer, type AutoplayOptions, type AutoplayResult, type TeamNeed } from './autoplay';
