// Broadcasts and the timeline for a go-live style run (snapshot, deploy + smoke, canary) — a
// run snapshot written out by hand, as buildPackModel would give it, so each checkpoint kind
// and the runbook's T-offsets are covered without a deployment to run against.
import { describe, expect, it } from 'vitest';
import { broadcasts, scribeTimeline } from '../../src/core/reports/broadcasts';
import { deriveDecision, operatorDecisionOf } from '../../src/core/reports/decision';
import type { PackModel, PackStep } from '../../src/core/reports/pack-model';
import { renderDecisionPdf } from '../../src/core/reports/pdf';
import { overlappingWords, pdfText } from './runs';

const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 22, 0) + min * 60_000).toISOString();

function step(phaseId: string, phaseTitle: string, tAt: string | null, stepId: string, kind: string, title: string, min: number, extra: Partial<PackStep> = {}): PackStep {
  return {
    phaseId, phaseTitle, at: tAt, stepId, kind, title, status: 'PASS', actor: 'dba', startedAt: kind === 'check' || kind === 'command' || kind === 'monitor' ? at(min - 1) : null, finishedAt: at(min),
    target: null, command: null, readOnly: null, exitCode: kind === 'check' || kind === 'command' ? 0 : null, failure: null, gates: [],
    evidence: { artifactId: stepId, name: `${stepId}.log`, sha256: stepId.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a'), size: 100 }, values: null, statement: null, ...extra,
  };
}

function goLiveModel(canary: 'PASS' | 'FAIL'): PackModel {
  const steps: PackStep[] = [
    step('preconditions', 'Preconditions', null, 'pre-release-pin', 'record', 'Release SHA pinned', 0, { values: { release_sha: 'a1b2c3d4' } }),
    step('preconditions', 'Preconditions', null, 'pre-window', 'attest', 'Maintenance window active', 1, { statement: 'The maintenance window is active.' }),
    step('preflight', 'Pre-flight', 'T-60', 'verify-prod-env', 'check', 'verify_prod_env.py', 2),
    step('backup', 'Backup', 'T-30', 'db-snapshot', 'record', 'DB snapshot taken', 30, { values: { snapshot_id: 'snap-0a1b2c', checksum: 'sha256:feed' } }),
    step('deploy', 'Deploy + migration + smoke', 'T-15', 'deploy', 'command', 'docker compose up -d', 45),
    step('deploy', 'Deploy + migration + smoke', 'T-10', 'smoke', 'check', 'go_live_smoke.sh', 50),
    step('canary', 'Canary money loop', 'T-0', 'canary-loop', 'monitor', 'Canary money loop (deposit -> withdraw -> ledger)', 60, canary === 'FAIL'
      ? { status: 'FAIL', gates: [{ gate: 'error_rate <= 0.01', kind: 'expect', passed: false, detail: 'error_rate = 0.2' }] }
      : { gates: [{ gate: 'error_rate <= 0.01', kind: 'expect', passed: true, detail: 'error_rate = 0' }] }),
    { ...step('rollback', 'Rollback', null, 'rb-revert', 'command', 'Revert to the previous tag', 0), status: 'pending', startedAt: null, finishedAt: null, actor: null, evidence: null, exitCode: null },
  ];
  return {
    run: { runId: '11111111-2222-3333-4444-555555555555', status: canary === 'FAIL' ? 'ROLLBACK' : 'ACTIVE', environment: 'production', operator: 'dba', startedAt: at(-1), blockedBy: canary === 'FAIL' ? { stepId: 'canary-loop', reason: 'expectation failed: error_rate <= 0.01' } : null, decisions: canary === 'FAIL' ? [{ decision: 'rollback', reason: 'Canary FAIL = NO-GO', actor: 'ic', at: at(63) }] : [] },
    runbook: { id: 'go-live', version: '7', title: 'Go-live cutover (Sprint 7)', hash: 'b'.repeat(64), decisionTemplate: 'go-no-go', decisionTarget: null, rollbackTriggers: ['Payout failure rate > 15%', 'Migration failure'] },
    targets: [{ name: 'app', kind: 'postgres', address: 'postgresql://app:hunter2@db.example:5432/app', hostKey: null }],
    steps,
    artifacts: steps.filter((s) => s.evidence).map((s) => ({ artifactId: s.stepId, path: `evidence/${s.evidence!.name}`, name: s.evidence!.name, mediaType: 'text/plain', sha256: s.evidence!.sha256!, size: 100, state: 'complete', stepId: s.stepId })),
    approvals: [],
    identities: [{ name: 'dba', roles: ['operator'], publicKey: 'ssh-ed25519 AAAA dba', fingerprint: 'SHA256:dba0000000000000000000000000000000000000000', keySource: 'file', keyPath: null, createdAt: at(-100) }],
    chainHead: { seq: 42, hash: 'c'.repeat(64) },
    exportedAt: at(64),
  };
}

describe('broadcasts for a go-live run', () => {
  it('all checkpoints PASS and an Approved authorization: GO, system live; T from the runbook', async () => {
    const model = goLiveModel('PASS');
    const d = deriveDecision(model, operatorDecisionOf({ authorization: 'Approved' }, 'ic', at(62)));
    expect(d).toMatchObject({ status: 'PASS', goNoGo: 'GO', target: 'app (postgresql://app:***@db.example:5432/app)' });
    expect(d.statement).toMatch(/Production cutover go-live v7 .*GO-LIVE confirmed\.$/);
    const list = broadcasts(model, d);
    expect(list.map((b) => b.kind)).toEqual(['cutover-start', 'preflight', 'backup', 'deploy-smoke', 'canary', 'decision']);
    expect(list.find((b) => b.kind === 'backup')!.text).toBe('Backup PASS. Snapshot/backup: snapshot_id=snap-0a1b2c, checksum=sha256:feed. Ref: db-snapshot (db-snapshot.log).');
    expect(list.find((b) => b.kind === 'deploy-smoke')!.text).toMatch(/^Deploy\+Smoke PASS: 1 mutating step\(s\) PASS \(deploy\); 1 post-check\(s\) PASS \(smoke\)\.$/);
    expect(list.find((b) => b.kind === 'canary')!.text).toBe('Canary PASS (canary-loop (canary-loop.log)).');
    expect(list.at(-1)!.text).toBe('GO decision made. System live. Hypercare started. Authorization Approved by ic.');
    const tl = scribeTimeline(model);
    expect(tl.entries.find((e) => e.stepId === 'db-snapshot')).toMatchObject({ t: 'T-30', tSource: 'runbook' });
    expect(tl.entries.find((e) => e.stepId === 'pre-window')).toMatchObject({ tSource: 'actual' });
    // The password in a target address never reaches the PDF.
    const pdf = await renderDecisionPdf(model, d);
    const text = pdfText(pdf);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('GO / NO-GO DECISION RECORD');
    expect(overlappingWords(pdf)).toEqual([]);
  });

  it('canary FAIL: Canary FAIL = NO-GO, rollback triggered with its reason, no GO message', () => {
    const model = goLiveModel('FAIL');
    const d = deriveDecision(model);
    expect(d.goNoGo).toBe('NO-GO');
    const list = broadcasts(model, d);
    expect(list.find((b) => b.kind === 'canary')!.text).toBe('Canary FAIL: canary-loop FAIL: expectation failed: error_rate <= 0.01 (error_rate = 0.2). Canary FAIL = NO-GO.');
    expect(list.find((b) => b.kind === 'rollback')!.text).toMatch(/^Rollback triggered\. Reason: Canary FAIL = NO-GO \(blocked at canary-loop: expectation failed: error_rate <= 0\.01\)\. Decided by ic\./);
    expect(list.find((b) => b.kind === 'decision')!.text).toMatch(/^NO-GO decision\./);
    expect(list.some((b) => b.text.startsWith('GO'))).toBe(false);
    expect(list.some((b) => b.kind === 'rollback-complete')).toBe(false);
  });

  it('a run that has not started a step yet broadcasts nothing', () => {
    const model = goLiveModel('PASS');
    model.steps = model.steps.map((s) => ({ ...s, status: 'pending', startedAt: null, finishedAt: null, actor: null }));
    expect(broadcasts(model, deriveDecision(model))).toEqual([]);
  });

  it('a failure whose message ends in a period is not followed by a second one, in English and in Spanish', () => {
    for (const language of ['en', 'es'] as const) {
      const model = goLiveModel('FAIL');
      model.runbook = { ...model.runbook, language };
      // As the local target records a stopped command: a sentence with its own period.
      const failure = { kind: 'timeout', message: "Timed out after 30 s: sent SIGTERM to the command's process group." };
      model.steps = model.steps.map((s) => (s.stepId === 'canary-loop' ? { ...s, failure, gates: [] } : s));
      const canary = broadcasts(model, deriveDecision(model)).find((b) => b.kind === 'canary')!;
      expect(canary.text).toMatch(language === 'en' ? /process group\. Canary FAIL = NO-GO\.$/ : /\. /);
      expect(canary.text).not.toMatch(/\.\./);
      // With a failed gate after it: '; ' follows the failure without its period.
      model.steps = model.steps.map((s) => (s.stepId === 'canary-loop' ? { ...s, gates: [{ gate: 'error_rate <= 0.01', kind: 'expect', passed: false, detail: 'error_rate = 0.2' }] } : s));
      const withGate = broadcasts(model, deriveDecision(model)).find((b) => b.kind === 'canary')!;
      expect(withGate.text).toMatch(language === 'en' ? /process group; expectation failed: / : /; /);
      expect(withGate.text).not.toMatch(/\.;/);
    }
  });
});
