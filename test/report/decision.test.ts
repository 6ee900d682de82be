// The formal decision and the broadcasts, derived from real runs of the reference scenario
// (sshd + Alembic + PostgreSQL): a passing run and the DuplicateTable variant.
import { describe, expect, it } from 'vitest';
import { broadcasts, formatBroadcasts, formatOffset, scribeTimeline } from '../../src/core/reports/broadcasts';
import { DecisionInputError, decisionContext, decisionFor, deriveDecision, formatDecision, loadRunState, operatorDecisionOf, parseDecisionInput, recordDecisionHere } from '../../src/core/reports/decision';
import { buildPackModel, type PackModel } from '../../src/core/reports/pack-model';
import { copyOf, recordedRun } from './runs';

/** The model with every gate result's display text reworded (a later version's wording); `typed: false` also drops the typed fields, as an old vault has none. */
function reworded(model: PackModel, options: { typed: boolean }): PackModel {
  const copy = structuredClone(model);
  for (const s of copy.steps) {
    s.gates = s.gates.map((g, i) => {
      const { check, ...rest } = g;
      return { ...rest, gate: `Gate ${i + 1} of ${s.stepId}`, detail: `observed: ${g.detail.length}`, ...(options.typed && check ? { check } : {}) };
    });
  }
  return copy;
}

/** The model as an old vault gives it: the engine's display text, no typed fields. */
function untyped(model: PackModel): PackModel {
  const copy = structuredClone(model);
  for (const s of copy.steps) s.gates = s.gates.map(({ check: _check, ...rest }) => rest);
  return copy;
}

describe('the formal decision of a run', () => {
  it('fills the template from a passing run: PASS, revision, single head, no drift, GO pending authorization', async () => {
    const run = await recordedRun('pass');
    const vault = run.open();
    try {
      const { model, decision: d } = decisionContext(vault, run.runId);
      expect(d.status).toBe('PASS');
      // The target the rehearsal actually reached (after --target), the runbook's production target beside it.
      const db = model.targets.find((t) => t.name === 'prod_db')!;
      expect(db.address).toMatch(/@127\.0\.0\.1:/);
      expect(d.target).toBe(`prod_db (${db.address})`);
      expect(d.productionTarget).toBe('netz-prod-postgres / netzprod');
      expect(d.sources.target.from).toBe('run');
      expect(d.finalRevision).toBe('70a79686336c');
      expect(d.sources.finalRevision).toMatchObject({ from: 'run', refs: [{ stepId: 'p4-current', evidence: 'prod_post_upgrade_current.log' }] });
      expect(d.sources.finalRevision.refs[0]!.sha256).toBe(model.steps.find((s) => s.stepId === 'p4-current')!.evidence!.sha256);
      expect(d.headsState).toBe('single head at 70a79686336c');
      expect(d.sources.headsState.refs[0]!.stepId).toBe('p4-heads');
      expect(d.errors).toEqual([]);
      expect(d.driftDetected).toMatch(/^No: parity checks PASS \(p0-structural-parity-0019, p0-parity-acceptable, p4-ai4-objects\)/);
      // What the run cannot know waits for a person.
      expect([d.rootCause, d.riskTier, d.authorization]).toEqual([null, null, null]);
      expect(d.sources.riskTier.from).toBe('none');
      expect(d.sources.authorization.from).toBe('none');
      expect(d.goNoGo).toBe('GO');
      expect(d.statement).toMatch(/Mutating steps PASS \(p1-width-correction, p2-stamp-anchor, p3-upgrade-head\)/);
      expect(d.statement).toMatch(/No abort gates matched\. No rollback triggers observed\./);
      expect(d.statement).toMatch(/^Rehearsal cutover alembic-governance-cutover v1\.0 on prod_db \(postgresql:\/\/[^)]*127\.0\.0\.1/);
      expect(d.statement).toMatch(/Rehearsal GO; not an authorization for production \(none is recorded in the run\)\.$/);
      const text = formatDecision(d);
      for (const label of ['Status: PASS', `Target: prod_db (${db.address})\n    Runbook's production target (not used by this rehearsal): netz-prod-postgres / netzprod`, 'Final Revision: 70a79686336c', 'Heads State: single head', 'Errors: None', 'Drift detected: No', 'Root-cause classification:', 'Risk tier (updated): Not set', 'Production cutover authorization: Not recorded in the run', 'GO/NO-GO Decision: GO']) expect(text).toContain(label);
    } finally {
      vault.close();
    }
  });

  it('fills the template from the DuplicateTable run: BLOCKER, the error, last observed revision, NO-GO', async () => {
    const run = await recordedRun('blocked');
    const vault = run.open();
    try {
      const d = decisionFor(vault, run.runId);
      expect(d.status).toBe('BLOCKER');
      expect(d.errors[0]).toMatch(/^p3-upgrade-head \(alembic upgrade head\) FAIL: exit code 1; abort gate \/DuplicateTable\/ matched \(psycopg2\.errors\.DuplicateTable: relation "active_investments" already exists\)/);
      expect(d.errors[1]).toBe('not run: 4 steps pending (p4-current, p4-heads, p4-ai4-objects, p4-no-unresolved-errors)');
      expect(d.sources.errors.refs).toEqual([expect.objectContaining({ stepId: 'p3-upgrade-head', evidence: 'prod_upgrade_0019_to_head.log' })]);
      // The last revision the run saw, and that it was not re-checked after the failure.
      expect(d.finalRevision).toBe('0019_nav_snapshots_and_investor_statements');
      expect(d.sources.finalRevision.detail).toMatch(/p2-current-post-stamp; observed before a later step failed.*p4-current did not run/);
      expect(d.headsState).toBe('single head at 70a79686336c');
      expect(d.sources.headsState.detail).toMatch(/p0-heads PASS .*p4-heads did not run/);
      expect(d.driftDetected).toMatch(/^None before the failure: .*not re-checked after p3-upgrade-head failed/);
      // The blocker classification recorded on the rollback path fills the root cause.
      expect(d.rootCause).toBe('DuplicateTable (at p3-upgrade-head)');
      expect(d.sources.rootCause).toMatchObject({ from: 'run', actor: 'ana', refs: [{ stepId: 'rb-classify' }] });
      expect(d.goNoGo).toBe('NO-GO');
      expect(d.statement).toMatch(/BLOCKED at p3-upgrade-head .*Rollback triggered by ana at .*: DuplicateTable in 0023; PITR decision path\. Rollback path 5\/5 steps done\..*NO-GO\.$/);
    } finally {
      vault.close();
    }
  });

  it('records a person\'s part as decision.recorded events, validated, with who and when', async () => {
    const run = await recordedRun('blocked');
    const vault = copyOf(run);
    try {
      const before = vault.head().seq;
      await expect(recordDecisionHere(vault, run.runId, 'ana', { riskTier: '   ' }, run.keyring)).rejects.toThrow(/the risk tier is empty/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', {}, run.keyring)).rejects.toThrow(/nothing to record/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { riskTier: 'x', colour: 'red' } as never, run.keyring)).rejects.toThrow(/unknown field\(s\) colour/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { rootCause: 'line one\nline two' }, run.keyring)).rejects.toThrow(/one line of text/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { rootCause: 'x'.repeat(501) }, run.keyring)).rejects.toThrow(/longer than 500/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { authorization: 'Maybe' as never }, run.keyring)).rejects.toThrow(/"Approved" or "Rejected"/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { riskTier: 'High', note: 'n' }, run.keyring)).rejects.toThrow(/A note goes with an authorization/);
      await expect(recordDecisionHere(vault, run.runId, 'mallory', { riskTier: 'High' }, run.keyring)).rejects.toThrow(/"mallory" is not an identity/);
      await expect(recordDecisionHere(vault, 'no-such-run', 'ana', { riskTier: 'High' }, run.keyring)).rejects.toThrow(/No run no-such-run/);
      // Authorization is governance's: not the operator, and a BLOCKER run cannot be Approved.
      await expect(recordDecisionHere(vault, run.runId, 'ana', { authorization: 'Rejected' }, run.keyring)).rejects.toThrow(/ana does not have the approver role/);
      await expect(recordDecisionHere(vault, run.runId, 'gov1', { authorization: 'Approved' }, run.keyring)).rejects.toThrow(/status is BLOCKER .*cannot be Approved/);
      await expect(recordDecisionHere(vault, run.runId, 'ana', { riskTier: '' }, run.keyring)).rejects.toThrow(DecisionInputError);
      expect(vault.head().seq).toBe(before);

      const e1 = await recordDecisionHere(vault, run.runId, 'ana', { rootCause: 'Schema drift: active_investments pre-existed', riskTier: 'Tier 3' }, run.keyring);
      await recordDecisionHere(vault, run.runId, 'ana', { riskTier: 'Tier 2 (elevated)' }, run.keyring);
      const e3 = await recordDecisionHere(vault, run.runId, 'gov2', { authorization: 'Rejected', note: 'DuplicateTable in 0023; re-plan' }, run.keyring);
      expect(e1.type).toBe('decision.recorded');
      expect(vault.verify().ok).toBe(true);

      const d = decisionFor(vault, run.runId);
      expect(d.rootCause).toBe('Schema drift: active_investments pre-existed');
      expect(d.sources.rootCause).toMatchObject({ from: 'operator', actor: 'ana', seq: e1.seq });
      expect(d.riskTier).toBe('Tier 2 (elevated)');
      expect(d.authorization).toBe('Rejected');
      expect(d.authorizationNote).toBe('DuplicateTable in 0023; re-plan');
      expect(d.sources.authorization).toMatchObject({ from: 'operator', actor: 'gov2', seq: e3.seq, at: e3.at });
      expect(d.statement).toContain('Production cutover authorization Rejected by gov2');
      expect(formatDecision(d)).toMatch(/Production cutover authorization: Rejected \(DuplicateTable in 0023; re-plan\)\n\s+\(recorded by gov2 at /);
      // The operator's drift statement overrides what the parity checks say.
      await recordDecisionHere(vault, run.runId, 'ana', { drift: 'Yes: active_investments existed before 0020' }, run.keyring);
      expect(decisionFor(vault, run.runId)).toMatchObject({ driftDetected: 'Yes: active_investments existed before 0020', sources: { driftDetected: { from: 'operator', actor: 'ana' } } });
    } finally {
      vault.close();
    }
  });

  it('a passing run is GO; Approved by an approver confirms it, Rejected makes it NO-GO', async () => {
    const run = await recordedRun('pass');
    const vault = copyOf(run);
    try {
      await recordDecisionHere(vault, run.runId, 'gov1', { authorization: 'Approved' }, run.keyring);
      const approved = decisionFor(vault, run.runId);
      expect(approved).toMatchObject({ status: 'PASS', authorization: 'Approved', goNoGo: 'GO' });
      expect(approved.statement).toMatch(/Production cutover authorization Approved by gov1 at .* Rehearsal GO; this rehearsal is not itself an authorization for production: the production run is approved and decided on its own\.$/);
      await recordDecisionHere(vault, run.runId, 'gov2', { authorization: 'Rejected', note: 'maintenance window moved' }, run.keyring);
      const rejected = decisionFor(vault, run.runId);
      expect(rejected).toMatchObject({ status: 'PASS', authorization: 'Rejected', goNoGo: 'NO-GO' });
      expect(rejected.statement).toMatch(/Rejected by gov2 .*\(maintenance window moved\)\. NO-GO\.$/);
    } finally {
      vault.close();
    }
  });

  it('deriveDecision is pure: the same model and input give the same decision', async () => {
    const run = await recordedRun('pass');
    const vault = run.open();
    try {
      const { model } = decisionContext(vault, run.runId);
      const op = operatorDecisionOf({ riskTier: 'Low', authorization: 'Approved' }, 'gov1', model.exportedAt);
      expect(deriveDecision(model, op)).toEqual(deriveDecision(structuredClone(model), op));
      expect(deriveDecision(model, op).riskTier).toBe('Low');
      expect(() => parseDecisionInput({ riskTier: 5 })).toThrow(/the risk tier must be text/);
    } finally {
      vault.close();
    }
  });
});

describe('the scribe timeline and broadcasts', () => {
  it('formats T-offsets', () => {
    expect(formatOffset(0)).toBe('T-0');
    expect(formatOffset(-65_000)).toBe('T-01:05');
    expect(formatOffset(3_723_000)).toBe('T+1:02:03');
  });

  it('passing run: timeline in order from T-0, and start / pre-flight / backup / deploy+smoke / GO messages', async () => {
    const run = await recordedRun('pass');
    const vault = run.open();
    try {
      const { model, decision } = decisionContext(vault, run.runId);
      const tl = scribeTimeline(model);
      expect(tl.t0.label).toBe('start of the first mutating step, p1-width-correction');
      expect(tl.entries.map((e) => e.at)).toEqual([...tl.entries.map((e) => e.at)].sort());
      expect(tl.entries.filter((e) => e.kind === 'step')).toHaveLength(18);
      expect(tl.entries.find((e) => e.stepId === 'p1-width-correction')!.t).toMatch(/^T(\+00:0\d|-0)$/);
      expect(tl.entries.find((e) => e.stepId === 'pre-approval')).toMatchObject({ result: 'PASS', actor: 'gov1', t: expect.stringMatching(/^T-/) });
      const list = broadcasts(model, decision);
      const kinds = list.map((b) => b.kind);
      expect(new Set(kinds)).toEqual(new Set(['cutover-start', 'preflight', 'backup', 'deploy-smoke', 'decision']));
      expect(kinds[0]).toBe('cutover-start');
      expect(kinds.at(-1)).toBe('decision');
      expect(list.map((b) => b.at)).toEqual([...list.map((b) => b.at)].sort());
      const text = (k: string) => list.find((b) => b.kind === k)!.text;
      expect(text('cutover-start')).toMatch(/^Cutover initiated: .*Maintenance window active\. Updates every 15m/);
      expect(text('preflight')).toMatch(/^Pre-flight PASS: .*5 read-only check\(s\) PASS\. Log ref: p0-heads \(prod_heads_preflight\.log\)/);
      expect(text('backup')).toMatch(/^Backup PASS\. PITR \/ backup rollback window active and validated by the DBA \(attested by ana\)/);
      expect(text('deploy-smoke')).toMatch(/^Deploy\+Smoke PASS: 3 mutating step\(s\) PASS .*post-check\(s\) PASS \(p4-current, p4-heads, p4-ai4-objects\)\. Final revision 70a79686336c/);
      // A rehearsal's GO is never worded as a production recommendation.
      expect(text('decision')).toBe('Rehearsal GO: every step PASS, no rollback triggers observed. Not an authorization for production.');
      const production = broadcasts({ ...model, run: { ...model.run, environment: 'production' } }, { ...decision, environment: 'production' });
      expect(production.find((b) => b.kind === 'decision')!.text).toMatch(/^GO recommended: every step PASS/);
      expect(list.some((b) => b.kind === 'canary' || b.kind === 'rollback')).toBe(false);
      expect(formatBroadcasts(list)).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ T-\d\d:\d\d\] Cutover initiated/);
    } finally {
      vault.close();
    }
  });

  it('DuplicateTable run: deploy FAIL with the reason, rollback triggered with its reason, NO-GO', async () => {
    const run = await recordedRun('blocked');
    const vault = run.open();
    try {
      const { model, decision } = decisionContext(vault, run.runId);
      const tl = scribeTimeline(model);
      const blocked = tl.entries.findIndex((e) => e.kind === 'blocked');
      expect(tl.entries[blocked - 1]).toMatchObject({ stepId: 'p3-upgrade-head', result: 'FAIL' });
      expect(tl.entries[blocked + 1]).toMatchObject({ kind: 'decision', result: 'ROLLBACK', actor: 'ana' });
      const list = broadcasts(model, decision);
      const kinds = list.map((b) => b.kind);
      expect(kinds.indexOf('deploy-smoke')).toBeLessThan(kinds.indexOf('rollback'));
      expect(list.find((b) => b.kind === 'deploy-smoke')!.text).toMatch(/^Deploy\+Smoke FAIL: p3-upgrade-head FAIL: exit code 1; abort gate \/DuplicateTable\/ matched/);
      expect(list.find((b) => b.kind === 'rollback')!.text).toBe('Rollback triggered. Reason: DuplicateTable in 0023; PITR decision path (blocked at p3-upgrade-head: abort gate abort on /DuplicateTable/ matched). Decided by ana. Rollback path in progress.');
      expect(list.find((b) => b.kind === 'decision')!.text).toMatch(/^NO-GO decision\. Root cause: DuplicateTable/);
      expect(list.find((b) => b.kind === 'rollback-complete')!.text).toMatch(/classification=DuplicateTable, failed_step=p3-upgrade-head/);
      expect(kinds).not.toContain('canary');
      expect(list.some((b) => /^GO/.test(b.text))).toBe(false);
    } finally {
      vault.close();
    }
  });
});

describe('the decision reads typed gate results', () => {
  it('step.finished events carry each gate\'s typed check beside its words', async () => {
    for (const variant of ['pass', 'blocked'] as const) {
      const run = await recordedRun(variant);
      const vault = run.open();
      try {
        const finished = vault.events().filter((e) => e.type === 'step.finished').map((e) => e.payload as { stepId: string; gates: { gate: string; check?: Record<string, unknown> }[] });
        const gates = finished.flatMap((p) => p.gates.map((g) => ({ stepId: p.stepId, ...g })));
        expect(gates.length).toBeGreaterThan(10);
        for (const g of gates) expect(g.check, `${g.stepId}: ${g.gate}`).toBeDefined();
        if (variant === 'pass') {
          expect(gates.find((g) => g.stepId === 'p4-current' && g.check!.type === 'value')!.check).toEqual({ type: 'value', label: 'alembic current', column: null, pattern: expect.any(String), expected: '70a79686336c', actual: '70a79686336c' });
          expect(gates.find((g) => g.stepId === 'p4-heads' && g.check!.type === 'output_contains')!.check).toEqual({ type: 'output_contains', text: '70a79686336c (head)', line: '70a79686336c (head)' });
          expect(gates.find((g) => g.stepId === 'p4-ai4-objects' && g.check!.type === 'value')!.check).toEqual({ type: 'value', label: 'AI-4 objects present (of 6)', column: null, pattern: '^AI-4 objects present: (\\d+) of 6$', expected: '6', actual: '6' });
          expect(gates.find((g) => g.stepId === 'p1-width-correction' && g.check!.type === 'value' && g.check!.label === 'version_num_length == 64')!.check).toMatchObject({ expected: '64', actual: '64' });
        } else {
          expect(gates.find((g) => g.stepId === 'p3-upgrade-head' && g.check!.type === 'abort_on')!.check).toMatchObject({ type: 'abort_on', pattern: 'DuplicateTable', onMatch: expect.any(String), line: expect.stringContaining('DuplicateTable') });
        }
      } finally {
        vault.close();
      }
    }
  });

  it('reworded gate labels still fill Final Revision, Heads State and the errors; an old vault\'s results (no typed fields) are read from their words', async () => {
    const fieldsOf = (d: ReturnType<typeof deriveDecision>) => ({ finalRevision: d.finalRevision, headsState: d.headsState, errors: d.errors.map((e) => e.replace(/ \(observed: \d+\)/, '')) });
    for (const variant of ['pass', 'blocked'] as const) {
      const run = await recordedRun(variant);
      const vault = run.open();
      try {
        const { model, decision } = decisionContext(vault, run.runId);
        expect(decision.finalRevision).toBeTruthy();
        expect(decision.headsState).toMatch(/^single head at 70a79686336c$/);
        const typed = deriveDecision(reworded(model, { typed: true }));
        expect(typed.finalRevision).toBe(decision.finalRevision);
        expect(typed.headsState).toBe(decision.headsState);
        // The old wording, no typed fields: what a vault written before them gives.
        const legacy = deriveDecision(untyped(model));
        expect(fieldsOf(legacy)).toEqual(fieldsOf(decision));
        // Reworded and untyped, the words alone no longer say: the reason for the typed fields.
        const lost = deriveDecision(reworded(model, { typed: false }));
        expect(lost.headsState).toBe('single head');
        if (variant === 'pass') expect(lost.finalRevision).toBeNull();
        if (variant === 'blocked') {
          expect(typed.errors[0]).toContain('abort gate /DuplicateTable/ matched (psycopg2.errors.DuplicateTable');
          expect(lost.errors[0]).not.toContain('abort gate /DuplicateTable/');
        }
      } finally {
        vault.close();
      }
    }
  });

  it('the declared gates of the pack model find their results by the typed check when the words differ', async () => {
    for (const variant of ['pass', 'blocked'] as const) {
      const run = await recordedRun(variant);
      const vault = run.open();
      try {
        const state = loadRunState(vault, run.runId);
        const outcomes = (steps: PackModel['steps']) => steps.flatMap((s) => (s.declaredGates ?? []).map((g) => `${s.stepId} ${g.kind} ${g.gate}: ${g.outcome}`));
        const before = outcomes(buildPackModel(vault, state).steps);
        expect(before.some((o) => o.endsWith(': pass'))).toBe(true);
        if (variant === 'blocked') expect(before).toContain('p3-upgrade-head abort abort on /DuplicateTable/: matched');
        const renamed = structuredClone(state);
        for (const s of renamed.steps.values()) s.gates = s.gates?.map((g, i) => ({ ...g, gate: `Gate ${i + 1}`, detail: 'reworded' }));
        expect(outcomes(buildPackModel(vault, renamed).steps)).toEqual(before);
      } finally {
        vault.close();
      }
    }
  });
});
