import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, expandEnv } from '../../src/core/engine/resolve';
import { loadRunbook } from '../../src/core/runbook';

const example = loadRunbook(readFileSync(join(import.meta.dirname, '../../examples/alembic-governance-cutover.yaml'))).runbook;

describe('targets for a run', () => {
  it('points targets elsewhere with --target NAME=URI', () => {
    const t = applyOverrides(example, {
      prod_db: 'postgresql://postgres@127.0.0.1:5432/clone?sslmode=disable',
      ops_host: 'ssh://dba@10.0.0.5:2222?cwd=/srv/backend&host_key=SHA256:' + 'A'.repeat(43),
    });
    expect(t.prod_db).toMatchObject({ kind: 'postgres', dsn: 'postgresql://postgres@127.0.0.1:5432/clone?sslmode=disable', tls: 'disable' });
    expect(t.ops_host).toMatchObject({ kind: 'ssh', host: '10.0.0.5', port: 2222, user: 'dba', cwd: '/srv/backend', host_key: `SHA256:${'A'.repeat(43)}` });
    expect(applyOverrides(example, { ops_host: 'local:/tmp/backend' }).ops_host).toEqual({ kind: 'local', cwd: '/tmp/backend', shell: '/bin/sh' });
  });

  it('refuses overrides that do not fit', () => {
    expect(() => applyOverrides(example, { nope: 'local' })).toThrow(/no target "nope"/);
    expect(() => applyOverrides(example, { prod_db: 'ssh://x@y' })).toThrow(/postgres target/);
    expect(() => applyOverrides(example, { ops_host: 'postgresql://x@y/db' })).toThrow(/shell target/);
    expect(() => applyOverrides(example, { prod_db: 'postgresql://u:secret@h/db' })).toThrow(/password/);
  });

  it('fills ${secret:…} and ${target:…} (a postgres target as a libpq URL with its sslmode)', () => {
    const targets = applyOverrides(example, { prod_db: 'postgresql://postgres@127.0.0.1:5432/clone' });
    expect(expandEnv({ A: '${target:prod_db}', B: 'x${secret:s}y' }, { s: 'S' }, targets)).toEqual({ A: 'postgresql://postgres@127.0.0.1:5432/clone?sslmode=verify-full', B: 'xSy' });
    expect(() => expandEnv({ B: '${secret:missing}' }, {}, targets)).toThrow(/cutover secret set --name missing/);
  });
});
