// `cutover runbook validate|schema` as a real child process: exit codes, the OK line, the
// FILE:LINE:COL lines on stderr, --json, and the schema on stdout.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tmp';

const REPO_ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/runbooks');
const ALEMBIC = join(REPO_ROOT, 'examples/alembic-governance-cutover.yaml');
const PRIMARY = join(REPO_ROOT, 'examples/postgres-primary-cutover.yaml');

const BIN = join(REPO_ROOT, 'bin/cutover.mjs');

function cutover(args: string[]) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CUTOVER_')) env[k] = v;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...env, CUTOVER_SCRYPT_LOG2N: '14' } });
  const result = { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  // Never a crash: no internal error, no stack trace, no signal.
  expect(result.signal, JSON.stringify(result)).toBeNull();
  expect(result.code, JSON.stringify(result)).not.toBe(70);
  expect(result.stderr).not.toMatch(/internal error|^\s+at .+[:(]/m);
  return result;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('cutover runbook (bin/cutover.mjs)', () => {
  it('validate prints the OK line for each example and exits 0', () => {
    const alembic = cutover(['runbook', 'validate', ALEMBIC]);
    expect(alembic.code, alembic.stderr).toBe(0);
    expect(alembic.stdout).toBe(`OK alembic-governance-cutover v1.0 sha256 ${sha256(ALEMBIC)}: 5 phases, 23 steps (3 commands needing approval)\n`);
    expect(alembic.stderr).toBe('');
    const primary = cutover(['runbook', 'validate', PRIMARY]);
    expect(primary.code, primary.stderr).toBe(0);
    expect(primary.stdout).toMatch(new RegExp(`^OK postgres-primary-cutover v1\\.0 sha256 ${sha256(PRIMARY)}: 7 phases, \\d+ steps \\(6 commands needing approval\\)\\n$`));
  });

  it('validate --json gives the summary', () => {
    const r = cutover(['runbook', 'validate', ALEMBIC, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: ALEMBIC, ok: true, id: 'alembic-governance-cutover', version: '1.0', title: expect.any(String), sha256: sha256(ALEMBIC), phases: 5, steps: 23, preconditions: 4, rollbackSteps: 5, commands: 3, issues: [] });
  });

  it('an invalid runbook: FILE:LINE:COL: message per issue on stderr, exit 2', () => {
    const file = join(FIXTURES, 'malformed/semantic.yaml');
    const r = cutover(['runbook', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toContain(`${file}:9:13: target \`prod_db\` names secret \`prod_db_pasword\`, which is not declared: add \`- name: prod_db_pasword\` under \`secrets:\` (declared: prod_db_password)`);
    expect(lines).toContain(`${file}:36:9: warning: time offset T-20 comes after T-10: offsets should not go backwards within the runbook (see line 20)`);
    expect(lines.filter((l) => l.startsWith(`${file}:`))).toHaveLength(9);
    expect(lines.at(-1)).toBe(`cutover: ${file}: not a valid runbook (7 errors).`);
  });

  it('validate --json on an invalid runbook lists the issues, exit 2', () => {
    const file = join(FIXTURES, 'malformed/unknown-step-kind.yaml');
    const r = cutover(['runbook', 'validate', file, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ file, ok: false, issues: [{ severity: 'error', stage: 'schema', line: 12, column: 15, path: 'phases[0].steps[0].kind', message: 'unknown step kind "shell": use one of attest, record, check, command, manual, monitor, http' }] });
  });

  it('unreadable, huge and hostile files: a clear refusal, exit 2', () => {
    const dir = useTempDir();
    const missing = cutover(['runbook', 'validate', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope.yaml')}:1:1: cannot open the file: no such file`);
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, 'x'.repeat(5 * 1024 * 1024));
    const big = cutover(['runbook', 'validate', huge]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/huge\.yaml:1:1: the file is 5\.0 MB; a runbook is at most 2 MB/);
    const bomb = cutover(['runbook', 'validate', join(FIXTURES, 'malformed/billion-laughs.yaml')]);
    expect(bomb.code).toBe(2);
    expect(bomb.stderr).toMatch(/billion-laughs\.yaml:7:8: anchors and aliases expand too much/);
    const folder = cutover(['runbook', 'validate', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/folder/);
  });

  it('validate without a file is a usage error, exit 2', () => {
    expect(cutover(['runbook', 'validate']).code).toBe(2);
  });

  it('schema prints the JSON Schema', () => {
    const r = cutover(['runbook', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: expect.stringContaining('cutover-runbook/v1'), type: 'object' });
    expect(Object.keys(schema.properties as object)).toContain('phases');
  });
});
