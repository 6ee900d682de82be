// What a decision pack, its PDF, the incident report and the broadcasts are made from: one
// plain snapshot of a run, taken from the vault's chain at export time.
import { getIdentity, listIdentities, type IdentityInfo, type Vault } from '../vault';
import type { RunState, StepState } from '../engine/types';
import type { GateResult } from '../engine/gates';
import { allSteps, targetAddress } from '../engine/plan';
import { RUN_EVENT_TYPES } from '../engine/state';

export interface PackStep {
  phaseId: string;
  phaseTitle: string;
  /** The phase's or step's time offset ("T-60"), if the runbook gives one. */
  at: string | null;
  stepId: string;
  kind: string;
  title: string;
  status: StepState['status'];
  actor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  target: string | null;
  command: string | null;
  readOnly: 'enforced' | 'declared' | null;
  exitCode: number | null;
  failure: { kind: string; message: string; sqlState?: string } | null;
  gates: GateResult[];
  /** The evidence file this step produced (path inside the pack: evidence/<name>). */
  evidence: { artifactId: string; name: string; sha256: string | null; size: number } | null;
  /** record steps: the values; attest steps: the statement. */
  values: Record<string, string> | null;
  statement: string | null;
}

export interface PackArtifact {
  artifactId: string;
  /** Path inside the pack, e.g. "evidence/prod_upgrade_0019_to_head.log". */
  path: string;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
  state: 'complete' | 'incomplete';
  stepId: string | null;
}

export interface PackModel {
  run: {
    runId: string;
    status: RunState['status'];
    environment: RunState['environment'];
    operator: string;
    startedAt: string;
    blockedBy: RunState['blockedBy'];
    decisions: RunState['decisions'];
  };
  runbook: { id: string; version: string; title: string; hash: string; decisionTemplate: 'governance' | 'go-no-go'; decisionTarget: string | null; rollbackTriggers: string[] };
  targets: { name: string; kind: string; address: string; hostKey: string | null }[];
  steps: PackStep[];
  artifacts: PackArtifact[];
  approvals: { signer: string; fingerprint: string; planDigest: string; seq: number }[];
  /** Everyone who acted or signed in this run, with their keys (for allowed_signers). */
  identities: IdentityInfo[];
  /** The last event of this run in the vault's chain: the pack is anchored there. */
  chainHead: { seq: number; hash: string };
  exportedAt: string;
}

function phaseInfo(state: RunState): Map<string, { title: string; at: string | null }> {
  const map = new Map<string, { title: string; at: string | null }>();
  map.set('preconditions', { title: 'Preconditions', at: null });
  for (const p of state.runbook.phases) map.set(p.id, { title: p.title, at: p.at ?? null });
  map.set('rollback', { title: 'Rollback', at: null });
  return map;
}

/** Snapshot of a run for export. `exportedAt` is the time of the chain head, so the same run exports the same bytes. */
export function buildPackModel(vault: Vault, state: RunState): PackModel {
  const phases = phaseInfo(state);
  const artifactsById = new Map(vault.artifacts().map((a) => [a.id, a]));
  const steps: PackStep[] = allSteps(state).map(({ step, phaseId }) => {
    const s = state.steps.get(step.id)!;
    const phase = phases.get(phaseId)!;
    const info = s.transcript ? artifactsById.get(s.transcript.artifactId) : undefined;
    return {
      phaseId,
      phaseTitle: phase.title,
      at: step.at ?? phase.at,
      stepId: step.id,
      kind: step.kind,
      title: step.title,
      status: s.status,
      actor: s.actor ?? null,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      target: s.target ?? ('target' in step ? step.target : null),
      command: s.command ?? null,
      readOnly: s.readOnly ?? null,
      exitCode: s.exitCode ?? null,
      failure: s.failure ?? null,
      gates: s.gates ?? [],
      evidence: info ? { artifactId: info.id, name: info.name, sha256: info.sha256, size: info.size } : null,
      values: s.values ?? null,
      statement: step.kind === 'attest' ? step.statement : null,
    };
  });
  const stepOfArtifact = new Map(steps.filter((s) => s.evidence).map((s) => [s.evidence!.artifactId, s.stepId]));
  const artifacts: PackArtifact[] = [];
  const runbookArtifact = artifactsById.get(state.runbookArtifactId);
  for (const a of [runbookArtifact, ...steps.map((s) => (s.evidence ? artifactsById.get(s.evidence.artifactId) : undefined))]) {
    if (!a || a.state === 'open' || !a.sha256) continue;
    artifacts.push({ artifactId: a.id, path: `evidence/${a.name}`, name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size, state: a.state, stepId: stepOfArtifact.get(a.id) ?? null });
  }
  const people = new Set<string>([state.operator, ...steps.map((s) => s.actor).filter((a): a is string => Boolean(a)), ...state.approvals.map((a) => a.signer)]);
  const identities = listIdentities(vault).filter((i) => people.has(i.name) || i.roles.includes('approver'));
  // The chain head of the run itself (its last run event), not the vault's: exporting or
  // signing later appends events, and the same run must export the same bytes.
  const headEvent = vault.events().filter((e) => RUN_EVENT_TYPES.includes(e.type) && (e.payload as { runId?: string }).runId === state.runId).at(-1);
  const head = headEvent ? { seq: headEvent.seq, hash: headEvent.hash } : vault.head();
  return {
    run: { runId: state.runId, status: state.status, environment: state.environment, operator: state.operator, startedAt: state.startedAt, blockedBy: state.blockedBy, decisions: state.decisions },
    runbook: { id: state.runbook.id, version: state.runbook.version, title: state.runbook.title, hash: state.runbookHash, decisionTemplate: state.runbook.decision?.template ?? 'governance', decisionTarget: state.runbook.decision?.target ?? null, rollbackTriggers: state.runbook.rollback?.triggers ?? [] },
    targets: Object.entries(state.targets).map(([name, t]) => ({ name, kind: t.kind, address: targetAddress(t), hostKey: t.kind === 'ssh' ? (state.hostKeys[name] ?? t.host_key ?? null) : null })),
    steps,
    artifacts,
    approvals: state.approvals.map((a) => ({ signer: a.signer, fingerprint: a.fingerprint, planDigest: a.planDigest, seq: a.seq })),
    identities: identities.length ? identities : [getIdentity(vault, state.operator)!].filter(Boolean),
    chainHead: head,
    exportedAt: headEvent?.at ?? new Date(0).toISOString(),
  };
}
