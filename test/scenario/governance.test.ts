import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectAlembic } from '../../src/core/alembic';
import { ANSWERS, DB_PASSWORD, approveAll, play, startScenario, transcript, type Scenario } from './governance';

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = undefined;
});

describe('the alembic-governance cutover, end to end on real services', () => {
  it('runs P0–P4 over SSH with real Alembic and PostgreSQL, approved by two approvers', async () => {
    const s = (scenario = await startScenario());
    // P0 connects to the operator's host first: its host key is pinned at first use.
    const preflight = await play(s, { until: 'p1-width-correction' });
    expect(preflight.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['p0-heads', 'PASS'], ['p0-history', 'PASS'], ['p0-structural-parity-0019', 'PASS'], ['p0-monthly-report-packs-fks', 'PASS'], ['p1-width-precheck', 'PASS'],
    ]);
    expect(transcript(s, preflight.outcomes[0])).toContain('70a79686336c (head)');
    expect(s.vault.events().some((e) => e.type === 'target.host_key_pinned' && (e.payload as { fingerprint: string }).fingerprint === s.sshd.hostKeyFingerprint)).toBe(true);

    // Nothing mutating runs before the quorum signs the plan.
    await expect(s.engine('ana').executeStep(s.runId, 'p1-width-correction')).rejects.toThrow(/not approved/);
    await approveAll(s);
    const rest = await play(s);
    expect(rest.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['p1-width-correction', 'PASS'], ['p2-stamp-anchor', 'PASS'], ['p2-current-post-stamp', 'PASS'], ['p3-upgrade-head', 'PASS'], ['p4-current', 'PASS'], ['p4-heads', 'PASS'], ['p4-ai4-objects', 'PASS'],
    ]);
    expect(rest.state.status).toBe('COMPLETED');
    expect([...rest.state.steps.values()].filter((st) => st.phaseId !== 'rollback').every((st) => st.status === 'PASS')).toBe(true);
    const upgrade = transcript(s, rest.outcomes[3]);
    for (const rev of ['0020_ai_engine_wave_ai1', '0023_ai_engine_wave_ai4_portfolio_intelligence', '0009b_expand_alembic_version', '70a79686336c']) expect(upgrade).toContain(`-> ${rev}`);
    expect(transcript(s, rest.outcomes[4])).toMatch(/^70a79686336c/m);

    const current = await s.db.query(`SELECT version_num FROM alembic_version`);
    expect(current.rows).toEqual([{ version_num: '70a79686336c' }]);
    // Evidence: every file of the runbook's evidence pack is an artifact, the chain verifies,
    // and the database password appears nowhere in the vault.
    const names = new Set(s.vault.artifacts().map((a) => a.name));
    for (const name of ['prod_heads_preflight.log', 'prod_alembic_width_correction.log', 'prod_stamp_anchor.log', 'prod_upgrade_0019_to_head.log', 'prod_ai4_object_parity.log', 'prod_write_freeze_attestation.log']) expect(names).toContain(name);
    expect(s.vault.verify().ok).toBe(true);
    for (const a of s.vault.artifacts()) expect(Buffer.concat([...s.vault.readArtifact(a.id)]).includes(DB_PASSWORD)).toBe(false);
    expect(JSON.stringify(s.vault.events())).not.toContain(DB_PASSWORD);
  });

  it('variant: the preflight predicts the truncation; forced on without the width fix, the stamp fails and the run is BLOCKED', async () => {
    const s = (scenario = await startScenario());
    await s.db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)');
    const predicted = await inspectAlembic({ scripts: join(import.meta.dirname, '../../examples/alembic-governance-host/backend'), db: s.db.dsn, from: [] });
    const width = predicted.findings.filter((f) => f.code === 'revision-id-too-long');
    expect(width.length, JSON.stringify(predicted.findings.map((f) => f.code))).toBeGreaterThan(0);
    expect(width[0]!.message).toMatch(/32/);
    await play(s, { until: 'p1-width-correction' });
    await approveAll(s);
    const { state, outcomes } = await play(s, { skip: ['p1-width-correction'] });
    const stamp = outcomes.find((o) => o.stepId === 'p2-stamp-anchor')!;
    expect(stamp.status).toBe('FAIL');
    expect(transcript(s, stamp)).toMatch(/StringDataRightTruncation|value too long for type character varying\(32\)/);
    expect(state.status).toBe('BLOCKED');
    await expect(s.engine('ana').executeStep(s.runId, 'p3-upgrade-head')).rejects.toThrow(/BLOCKED/);
    expect((await s.db.query(`SELECT to_regclass('active_investments') AS t`)).rows[0]?.t).toBeNull();
  });

  it('variant: a DuplicateTable in a migration blocks the run and nothing after it runs', async () => {
    const s = (scenario = await startScenario({ sshdConfig: ['SetEnv CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE=1'] }));
    await play(s, { until: 'p1-width-correction' });
    await approveAll(s);
    const { state, outcomes } = await play(s);
    const upgrade = outcomes.at(-1)!;
    expect(upgrade.stepId).toBe('p3-upgrade-head');
    expect(upgrade.status).toBe('FAIL');
    expect(upgrade.gates.filter((g) => g.kind === 'abort').map((g) => g.gate)).toEqual(['abort on /DuplicateTable/']);
    expect(state.status).toBe('BLOCKED');
    expect(state.steps.get('p4-current')!.status).toBe('pending');
    // The decision takes the run down the rollback path; the rollback steps are recorded.
    await s.engine('ana').decide(s.runId, 'rollback', 'DuplicateTable in 0023; PITR decision path');
    const rollback = await play(s);
    expect(rollback.state.status).toBe('ROLLBACK');
    expect(rollback.state.steps.get('rb-classify')!.values).toEqual(ANSWERS['rb-classify']);
    expect(s.vault.verify().ok).toBe(true);
  });
});
