// The comparison itself, on transcripts as the real tools print them: what is masked (and what
// never is), Alembic's revision path and branch order, SQL row counts, and the verdict.
import { describe, expect, it } from 'vitest';
import { alembicPath, compareStep, rowCounts, type StepFacts } from '../../src/core/rehearsal/compare';
import { lineDiff, normalizeTranscript } from '../../src/core/rehearsal/normalize';
import type { Target } from '../../src/core/runbook/schema';

const REHEARSAL_TARGETS: Record<string, Target> = {
  prod_db: { kind: 'postgres', dsn: 'postgresql://dba@clone-db.internal:5432/netz_clone', tls: 'require' },
  ops_host: { kind: 'ssh', host: 'ops-clone', auth: 'agent', cwd: '/srv/clone/backend' },
};
const PRODUCTION_TARGETS: Record<string, Target> = {
  prod_db: { kind: 'postgres', dsn: 'postgresql://dba@netz-prod.internal:5432/netzprod', tls: 'verify-full' },
  ops_host: { kind: 'ssh', host: 'ops-prod', auth: 'agent', cwd: '/srv/prod/backend' },
};
const facts = (over: Partial<StepFacts> = {}): StepFacts => ({ stepId: 'p3-upgrade-head', status: 'PASS', command: 'python3 -m alembic upgrade head', exitCode: 0, gates: [{ gate: 'exit code = 0', passed: true }], captured: {}, durationMs: 1000, transcriptArtifactId: null, ...over });
const norm = (text: string, targets: Record<string, Target>, normalize: (string | { pattern: string; replace: string })[] = []) => normalizeTranscript(text, { targets, runbook: { normalize } });

describe('normalising a transcript', () => {
  it('masks timestamps, clock times, durations, PIDs, temporary paths and each run\'s own target places; never revision ids or counts', () => {
    const rehearsal = norm('2026-12-06T18:53:31.405Z connected to clone-db.internal/netz_clone as pid 4242 in 0.31s\nPath: /srv/clone/backend/migrations/versions/0020_ai_engine_wave_ai1.py\nwrote /tmp/tmp.x81Hq/out.csv at 18:53:31\n70a79686336c (head)\n(6 rows)\n', REHEARSAL_TARGETS);
    const production = norm('2026-12-07T02:10:09.001Z connected to netz-prod.internal/netzprod as pid 917 in 12.5s\nPath: /srv/prod/backend/migrations/versions/0020_ai_engine_wave_ai1.py\nwrote /tmp/tmp.Zq0aa/out.csv at 02:10:09\n70a79686336c (head)\n(6 rows)\n', PRODUCTION_TARGETS);
    expect(production).toBe(rehearsal);
    expect(rehearsal).toContain('<host:prod_db>/<database:prod_db> as pid <pid> in <duration>');
    expect(rehearsal).toContain('Path: <cwd:ops_host>/migrations/versions/0020_ai_engine_wave_ai1.py');
    expect(rehearsal).toContain('70a79686336c (head)\n(6 rows)');
  });

  it('applies the runbook\'s own normalize: patterns after the built-in ones', () => {
    const rules = ['session \\d+', { pattern: 'job-[0-9a-f]+', replace: 'job-<id>' }];
    expect(norm('session 17 started job-9f3a', REHEARSAL_TARGETS, rules)).toBe('<masked> started job-<id>');
    expect(norm('session 17 started job-9f3a', REHEARSAL_TARGETS)).toBe('session 17 started job-9f3a');
  });

  it('sorts the branch lists Alembic prints in hash order', () => {
    expect(norm('Branches into: 0020_ai_engine_wave_ai1, 0009b_expand_alembic_version\n', {})).toBe(norm('Branches into: 0009b_expand_alembic_version, 0020_ai_engine_wave_ai1\n', {}));
  });
});

describe('comparing a step with its rehearsal', () => {
  const upgrade = 'INFO  [alembic.runtime.migration] Running upgrade 0019 -> 0009b_expand_alembic_version, Widen.\nINFO  [alembic.runtime.migration] Running upgrade 0019 -> 0020_ai_engine_wave_ai1, AI 1.\nINFO  [alembic.runtime.migration] Running upgrade 0020_ai_engine_wave_ai1, 0009b_expand_alembic_version -> 70a79686336c, Merge.\n';

  it('reads the Alembic revision path and the SQL row counts', () => {
    expect(alembicPath(upgrade)).toEqual(['upgrade 0019 -> 0009b_expand_alembic_version', 'upgrade 0019 -> 0020_ai_engine_wave_ai1', 'upgrade 0020_ai_engine_wave_ai1, 0009b_expand_alembic_version -> 70a79686336c']);
    expect(alembicPath('INFO  [alembic.runtime.migration] Running stamp_revision  -> 0019_nav\n')).toEqual(['stamp_revision (none) -> 0019_nav']);
    expect(rowCounts(' n \n---\n 1\n(1 row)\n\n a\n---\n(0 rows)\n')).toEqual([1, 0]);
  });

  it('matches when only the masked parts and the order of independent branches differ; the duration is a ratio', () => {
    const reordered = upgrade.split('\n').slice(0, 3);
    const production = `${[reordered[1], reordered[0], reordered[2]].join('\n')}\n`;
    const c = compareStep({ facts: facts(), transcript: upgrade }, { facts: facts({ durationMs: 2500 }), transcript: production });
    expect(c.verdict).toBe('matches');
    expect(c.differences).toEqual([]);
    expect(c.durationRatio).toBe(2.5);
    expect(c.diff).toContain('the same lines in another order');
  });

  it('differs with what differed: one more revision, another exit code, a gate that failed, a captured value, row counts', () => {
    const extra = upgrade.replace('Running upgrade 0020_ai_engine_wave_ai1, ', 'Running upgrade 0020_ai_engine_wave_ai1 -> 0020b, Extra.\nINFO  [alembic.runtime.migration] Running upgrade 0020b, ');
    const c = compareStep(
      { facts: facts({ captured: { job: 'a1' } }), transcript: `${upgrade}(3 rows)\n` },
      { facts: facts({ exitCode: 1, status: 'FAIL', gates: [{ gate: 'exit code = 0', passed: false }], captured: { job: 'b2' } }), transcript: `${extra}(4 rows)\n` },
    );
    expect(c.verdict).toBe('differs');
    expect(c.differences.map((d) => d.what)).toEqual(['status', 'exit code', 'gate outcomes', 'captured value job', 'Alembic revision path', 'SQL row counts', 'transcript']);
    expect(c.differences.find((d) => d.what === 'Alembic revision path')!.production).toContain('upgrade 0020_ai_engine_wave_ai1 -> 0020b');
    expect(c.diff).toMatch(/^\+ .*Running upgrade 0020_ai_engine_wave_ai1 -> 0020b, Extra\.$/m);
  });

  it('a step the rehearsal never finished is "not in rehearsal"', () => {
    expect(compareStep(null, { facts: facts(), transcript: '' }).verdict).toBe('not_in_rehearsal');
  });

  it('the line diff marks what only one side has', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual({ text: '  a\n+ x\n- b\n  c\n', changed: 2 });
  });
});
