// The plan approvers sign says which database each command reaches: ${target:NAME} in a step's
// environment is resolved to the address the run uses (after --target overrides), never a
// password; secrets stay names. Approvals of the older v2 plan (environment as written) recorded
// by an older version still count; a new v2 approval is refused and the chain does not move.
import { describe, expect, it } from 'vitest';
import { authorize, buildPlan, planBytes, PLAN_NAMESPACE } from '../../src/core/engine';
import { canonicalJson } from '../../src/core/vault';
import { sshsigSign } from '../../src/core/signing';
import { allSteps } from '../../src/core/engine/plan';
import { useEngineFixture } from './setup';

const RUNBOOK = `
format: cutover-runbook/v1
id: plan-resolved
title: Plan shows the database
version: "1"
policy: { approvals: { quorum: 1 } }
secrets:
  - { name: prod_db_password, description: the migration login }
targets:
  prod_db: { kind: postgres, dsn: "postgresql://migrator@db.prod.example:5432/netzprod" }
  ws: { kind: local }
phases:
  - id: P1
    title: Change
    steps:
      - id: upgrade
        kind: command
        title: Upgrade
        target: ws
        run: "alembic upgrade head"
        env: { DATABASE_URL: "\${target:prod_db}", NOTE: "left \${target:nope} alone" }
        secret_env: { PGPASSWORD: prod_db_password }
rollback:
  steps:
    - { id: undo, kind: manual, title: Undo, instructions: "Undo it." }
`;

describe('the plan names the database each command reaches', () => {
  it('resolves ${target:…} to the address the run uses, with no password, and secrets stay names', async () => {
    const fx = await useEngineFixture();
    const run = await fx.engine('op').startRun({ text: RUNBOOK, source: 'plan.yaml', environment: 'rehearsal', targets: { prod_db: 'postgresql://migrator@127.0.0.1:5432/clone_1' } });
    const plan = buildPlan(fx.engine('op').status(run.runId));
    expect(plan.format).toBe('cutover-plan/v3');
    const entry = plan.steps.find((s) => s.stepId === 'upgrade')!;
    expect(entry.env.DATABASE_URL).toBe('postgresql://migrator@127.0.0.1:5432/clone_1?sslmode=prefer');
    expect(entry.env.NOTE).toBe('left ${target:nope} alone');
    expect(entry.secretEnv).toEqual({ PGPASSWORD: 'prod_db_password' });
    expect(planBytes(plan).toString()).not.toContain('db.prod.example');
  });

  it('a v2 approval recorded by an older version still counts; a new v2 approval is refused and the chain does not move', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: RUNBOOK, source: 'plan.yaml', environment: 'rehearsal' });
    const state = op.status(run.runId);
    const current = buildPlan(state);
    // The plan as the older version wrote it: format v2, the environment as the runbook wrote it.
    const v2 = { ...current, format: 'cutover-plan/v2', steps: current.steps.map((s) => ({ ...s, env: { DATABASE_URL: '${target:prod_db}', NOTE: 'left ${target:nope} alone' } })) };
    const bytes = Buffer.from(canonicalJson(v2));
    const signature = await sshsigSign(fx.signer('ap1'), bytes, PLAN_NAMESPACE);

    const before = fx.vault.head();
    expect(() => op.importApproval(run.runId, bytes, signature)).toThrow(/older format cutover-plan\/v2.*Export the plan again/s);
    expect(fx.vault.head()).toEqual(before);

    // An older version recorded it (as it did, straight into the chain).
    const ap1 = fx.vault.listIdentities().find((i) => i.name === 'ap1')!;
    fx.vault.append({ actor: 'ap1', type: 'approval.added', payload: { runId: run.runId, signer: 'ap1', fingerprint: ap1.fingerprint, planDigest: 'legacy', plan: bytes.toString(), signature } });
    const after = op.status(run.runId);
    const located = allSteps(after).find((l) => l.step.id === 'upgrade')!;
    expect(authorize(fx.vault, after, located.step as never, located.phaseId)).toMatchObject({ authorized: true, valid: 1 });

    // The same v2 approval no longer covers a step whose environment changed under it.
    const edited = { ...v2, steps: v2.steps.map((s) => ({ ...s, env: { ...s.env, DATABASE_URL: 'postgresql://elsewhere' } })) };
    const editedBytes = Buffer.from(canonicalJson(edited));
    const other = fx.vault.listIdentities().find((i) => i.name === 'ap2')!;
    fx.vault.append({ actor: 'ap2', type: 'approval.added', payload: { runId: run.runId, signer: 'ap2', fingerprint: other.fingerprint, planDigest: 'legacy2', plan: editedBytes.toString(), signature: await sshsigSign(fx.signer('ap2'), editedBytes, PLAN_NAMESPACE) } });
    const checks = authorize(fx.vault, op.status(run.runId), located.step as never, located.phaseId).checks;
    expect(checks.find((c) => c.signer === 'ap2')).toMatchObject({ valid: false, reason: expect.stringMatching(/changed since it was approved \(env\)/) });
  });
});
