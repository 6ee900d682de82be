// Malformed and hostile runbooks: each gives a clear error at the right line and column
// (1-based), quickly, without crashing or hanging the process.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook, loadRunbookFile, RunbookError, type LoadedRunbook, type RunbookIssue } from '../../src/core/runbook';
import { useTempDir } from '../helpers/tmp';

const FIXTURES = join(import.meta.dirname, '../fixtures/runbooks');
const MALFORMED = join(FIXTURES, 'malformed');

/** Every issue of a runbook that must not load (and the time it took to say so). */
function failures(load: () => LoadedRunbook): { issues: RunbookIssue[]; errors: RunbookIssue[]; ms: number } {
  const started = performance.now();
  try {
    load();
  } catch (error) {
    const ms = performance.now() - started;
    if (!(error instanceof RunbookError)) throw error;
    expect(error.message).toMatch(/is not a valid runbook/);
    return { issues: [...error.issues], errors: error.errors, ms };
  }
  throw new Error('the runbook loaded, but it should not have');
}

function fixture(name: string) {
  const path = join(MALFORMED, name);
  return { path, text: readFileSync(path, 'utf8'), ...failures(() => loadRunbookFile(path)) };
}

/**
 * Where `needle` is in `text` (its `nth` occurrence), plus `shift` characters: line and column,
 * both 1-based, counted independently of the loader.
 */
function at(text: string, needle: string, shift = 0, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" not found ${nth} times`);
  }
  index += shift;
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - (before.lastIndexOf('\n') + 1) + 1 };
}

function only(errors: RunbookIssue[]): RunbookIssue {
  expect(errors, JSON.stringify(errors, null, 2)).toHaveLength(1);
  return errors[0]!;
}

const VALID_HEAD = 'format: cutover-runbook/v1\nid: x\ntitle: t\nversion: "1"\ntargets: {h: {kind: local}}\n';
const ONE_PHASE = 'phases: [{id: p, title: p, steps: [{id: s, kind: manual, title: t, instructions: i}]}]\n';

describe('malformed runbooks: a clear error at the right place each', () => {
  it('wrong types: each field says what it must be, where it is', () => {
    const r = fixture('wrong-types.yaml');
    const find = (path: string) => r.errors.find((i) => i.path === path);
    expect(find('version')).toMatchObject({ ...at(r.text, '[1, 2]'), stage: 'schema', message: '`version` must be text or a number, not a list' });
    expect(find('policy.approvals.quorum')).toMatchObject({ ...at(r.text, 'two'), message: '`quorum` must be a number, not text "two"' });
    expect(find('targets.host.port')).toMatchObject({ ...at(r.text, '"22"'), message: expect.stringMatching(/^`port` must be a number/) });
    expect(find('phases[0].steps[0].read_only')).toMatchObject({ ...at(r.text, 'yes'), message: '`read_only` must be true or false, not text "yes"' });
    expect(find('phases[0].steps[0].timeout')).toMatchObject({ ...at(r.text, '5 minutes'), message: expect.stringMatching(/a duration like "30s"/) });
    expect(r.errors).toHaveLength(5);
  });

  it('an unknown step kind, at the kind, with the kinds there are', () => {
    const r = fixture('unknown-step-kind.yaml');
    expect(only(r.errors)).toMatchObject({ ...at(r.text, 'shell'), path: 'phases[0].steps[0].kind', message: 'unknown step kind "shell": use one of attest, record, check, command, manual, monitor, http' });
    expect(at(r.text, 'shell')).toEqual({ line: 12, column: 15 });
  });

  it('unknown keys, at the key, with a suggestion for a typo', () => {
    const r = fixture('unknown-key.yaml');
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatchObject({ ...at(r.text, 'retries'), path: 'phases[0].steps[0].retries', message: expect.stringMatching(/^unknown key `retries`: the runbook format is strict/) });
    expect(r.errors[1]).toMatchObject({ line: 18, column: 1, path: 'evidence_pak', message: expect.stringContaining('did you mean `evidence_pack`?') });
  });

  it('duplicate step ids, at the second id, naming the line of the first', () => {
    const r = fixture('duplicate-step-ids.yaml');
    const first = at(r.text, 'heads', 0, 1);
    expect(only(r.errors)).toMatchObject({ ...at(r.text, 'id: heads', 4, 2), stage: 'semantic', path: 'phases[1].steps[0].id', message: expect.stringMatching(new RegExp(`^duplicate step id \`heads\`.*\\(see line ${first.line}\\)$`)) });
  });

  it('a gate with an invalid regular expression, at the pattern', () => {
    const r = fixture('invalid-regex.yaml');
    expect(only(r.errors)).toMatchObject({ ...at(r.text, '"(unclosed"'), path: 'phases[0].steps[0].abort_on[1].pattern', message: expect.stringMatching(/^`pattern`: not a valid regular expression \(missing closing \): `\(unclosed`; runbook patterns use RE2 syntax.*\)$/) });
  });

  it('a shell check not declared read-only, at the step', () => {
    const r = fixture('check-not-read-only.yaml');
    expect(only(r.errors)).toMatchObject({ ...at(r.text, 'id: current'), path: 'phases[0].steps[0].read_only', message: expect.stringContaining('must be declared `read_only: true`') });
  });

  it('a step naming a target that does not exist, at the name, listing the targets', () => {
    const r = fixture('unknown-target.yaml');
    expect(only(r.errors)).toMatchObject({ ...at(r.text, 'target: prod\n', 8), path: 'phases[0].steps[0].target', message: 'unknown target `prod`: declared targets are `prod_db`' });
  });

  it('a DSN with a password, at the DSN, without repeating the password', () => {
    const r = fixture('dsn-password.yaml');
    const issue = only(r.errors);
    expect(issue).toMatchObject({ ...at(r.text, 'postgresql://'), path: 'targets.prod_db.dsn', message: expect.stringMatching(/carries a password.*secret/) });
    expect(issue.message).not.toContain('hunter2');
    const other = failures(() => loadRunbook(`${VALID_HEAD.replace('{h: {kind: local}}', '{db: {kind: postgres, dsn: "postgresql://u@h/db?password=hunter2"}}')}${ONE_PHASE}`));
    expect(only(other.errors).message).toMatch(/carries a password/);
    const notUrl = failures(() => loadRunbook(`${VALID_HEAD.replace('{h: {kind: local}}', '{db: {kind: postgres, dsn: "host=h password=hunter2"}}')}${ONE_PHASE}`));
    expect(only(notUrl.errors).message).not.toContain('hunter2');
  });

  it('a YAML syntax error, with line and column', () => {
    const r = fixture('yaml-syntax.yaml');
    expect(only(r.errors)).toMatchObject({ line: 7, column: 1, stage: 'yaml', message: expect.stringMatching(/Flow map .* end with a \}/) });
    const quoted = failures(() => loadRunbook('format: cutover-runbook/v1\nstatus: Approved. Basis: clone PASS\n'));
    expect(only(quoted.errors)).toMatchObject({ line: 2, column: 9, message: expect.stringMatching(/put the whole value in quotes/) });
    const tabs = failures(() => loadRunbook('format: cutover-runbook/v1\ntargets:\n\th: 1\n'));
    expect(only(tabs.errors)).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/indent with spaces/) });
  });

  it('a billion-laughs YAML bomb: refused at the first alias, at once', () => {
    const r = fixture('billion-laughs.yaml');
    expect(only(r.errors)).toMatchObject({ ...at(r.text, '*a'), stage: 'yaml', message: expect.stringMatching(/aliases expand too much.*YAML bomb/) });
  });

  it('a 5 MB file: refused before it is read, and as text', () => {
    const dir = useTempDir();
    const path = join(dir, 'huge.yaml');
    writeFileSync(path, `format: cutover-runbook/v1\ndescription: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const r = failures(() => loadRunbookFile(path));
    expect(only(r.errors)).toMatchObject({ line: 1, column: 1, stage: 'io', message: expect.stringMatching(/the file is 5\.0 MB; a runbook is at most 2 MB/) });
    expect(only(failures(() => loadRunbook(readFileSync(path))).errors).message).toMatch(/at most 2 MB/);
  });

  it('an empty file, and one with only comments', () => {
    expect(only(fixture('empty.yaml').errors)).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/the file is empty: a runbook starts with `format: cutover-runbook\/v1`/) });
    expect(only(failures(() => loadRunbook('# nothing yet\n\n')).errors).message).toMatch(/only comments/);
    expect(only(failures(() => loadRunbook('  \n\n')).errors).message).toMatch(/empty/);
  });

  it('missing keys, each named, at the mapping that lacks them; role names that are not lower_snake_case and unknown kinds listed', () => {
    const r = failures(() => loadRunbook('# draft\ntitle: Cutover\nroles: {Boss: {}}\n'));
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '2:1 `format` is missing: the first line of a runbook is `format: cutover-runbook/v1`',
      '2:1 `id` is missing: add it (text)',
      '2:1 `version` is missing: add it (text or a number)',
      '2:1 `targets` is missing: add it (a mapping (`name: value` lines))',
      '2:1 `phases` is missing: add it (a list (`- item` lines))',
      '3:9 `Boss` is not a valid name in `roles`: it must be a role name in lower_snake_case, like "incident_commander" or "payments_owner" (a letter first, then letters, digits and _, up to 40)',
    ]);
    const noKind = failures(() => loadRunbook(`${VALID_HEAD}phases: [{id: p, title: p, steps: [{id: s, title: t}]}]\n`));
    expect(only(noKind.errors)).toMatchObject({ line: 6, column: 36, message: 'a step needs `kind`: one of attest, record, check, command, manual, monitor, http' });
    const badTarget = failures(() => loadRunbook(`${VALID_HEAD.replace('{h: {kind: local}}', '{h: {kind: mssql}}')}${ONE_PHASE}`));
    expect(only(badTarget.errors).message).toBe('unknown `kind` "mssql": use one of postgres, mysql, ssh, local, http');
  });

  it('cross-reference problems, each at its node', () => {
    const r = fixture('semantic.yaml');
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i]));
    expect(byPath['targets.prod_db.secret']).toMatchObject({ ...at(r.text, 'prod_db_pasword'), severity: 'error', message: expect.stringMatching(/secret `prod_db_pasword`, which is not declared/) });
    expect(byPath['env.PGPASSWORD']).toMatchObject({ ...at(r.text, 'hunter2'), severity: 'error', message: expect.stringMatching(/puts a password in the runbook.*secret_env/) });
    expect(byPath['phases[0].steps[0].sql']).toMatchObject({ ...at(r.text, 'SELECT 1'), severity: 'error', message: expect.stringMatching(/SQL check runs on a postgres target, and `ops` is an ssh target/) });
    expect(byPath['phases[0].steps[1].run']).toMatchObject({ ...at(r.text, "psql -c 'ALTER"), severity: 'error', message: expect.stringMatching(/`run` is a shell command .* `prod_db` is a postgres target/) });
    expect(byPath['phases[0].steps[1].evidence']).toMatchObject({ ...at(r.text, 'width.log', 0, 2), severity: 'error', message: expect.stringMatching(/`width.log` is already produced by another step.*\(see line 27\)/) });
    expect(byPath['phases[1].steps[0].secret_env.PGPASSWORD']).toMatchObject({ ...at(r.text, 'nope'), severity: 'error' });
    expect(byPath['evidence_pack[1]']).toMatchObject({ ...at(r.text, 'never_produced.log'), severity: 'error', message: expect.stringMatching(/no step produces it/) });
    expect(byPath['phases[1].at']).toMatchObject({ ...at(r.text, 'T-20'), severity: 'warning', message: expect.stringMatching(/T-20 comes after T-10/) });
    expect(byPath['secrets[0].name']).toMatchObject({ severity: 'warning', message: expect.stringMatching(/declared but no target or step uses it/) });
    expect(r.errors).toHaveLength(7);
  });
});

describe('hostile input: refused quickly, never a crash or a hang', () => {
  type Position = { line: number; column: number } | ((text: string) => { line: number; column: number });
  const cases: Array<[string, () => string | Uint8Array, RegExp, Position?]> = [
    ['1 MB of nested flow brackets', () => `a: ${'['.repeat(1_000_000)}`, /nested more than 64 levels/],
    ['1 MB of nested block sequences on one line', () => `${'- '.repeat(500_000)}x`, /nested more than 64 levels/],
    ['nesting just past the limit', () => `a: ${'['.repeat(70)}${']'.repeat(70)}`, /nested more than 64 levels deep here/, { line: 1, column: 4 + 63 }],
    ['indentation 1,500 levels deep', () => Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'), /nested more than 64 levels/],
    ['190,000 keys in one mapping', () => Array.from({ length: 190_000 }, (_, i) => `k${i}: 1`).join('\n'), /has 190000 entries; a runbook has at most 10000/],
    ['100,000 aliases in one list', () => `a: &a x\nb: [${Array(100_000).fill('*a').join(',')}]`, /has 100000 entries/],
    ['bytes that are not UTF-8', () => new Uint8Array([...Buffer.from('format: cutover-runbook/v1\ntitle: caf'), 0xe9, 0x0a]), /not UTF-8/, { line: 2, column: 11 }],
    ['a right-to-left override in a command', () => `${VALID_HEAD}phases: [{id: p, title: p, steps: [{id: s, kind: command, title: t, target: h, run: "echo ok \u202E#"}]}]\n`, /U\+202E/, (text) => at(text, '\u202E')],
    ['an escaped terminal control sequence in a command', () => `${VALID_HEAD}phases: [{id: p, title: p, steps: [{id: s, kind: command, title: t, target: h, run: "echo \\e[2K"}]}]\n`, /U\+001B/, (text) => at(text, '"echo \\e')],
    ['a NUL byte', () => 'format: cutover-runbook/v1\u0000\n', /U\+0000/, { line: 1, column: 27 }],
    ['duplicate keys', () => 'format: cutover-runbook/v1\nid: a\nid: b\n', /duplicate key `id` \(first at line 2\)/, { line: 3, column: 1 }],
    ['two YAML documents', () => 'format: cutover-runbook/v1\n---\nid: x\n', /second YAML document/, { line: 2, column: 1 }],
    ['a YAML tag', () => 'format: !!binary aGVsbG8=\n', /no YAML tags/, { line: 1, column: 9 }],
    ['an alias to no anchor', () => 'format: *nope\n', /Unresolved alias/, { line: 1, column: 9 }],
    ['a merge key', () => `${VALID_HEAD}base: &b {title: t}\n${ONE_PHASE}`, /unknown key `base`/, { line: 6, column: 1 }],
    ['a list instead of a mapping', () => '- a\n- b\n', /the document must be a mapping/, { line: 1, column: 1 }],
    ['a complex key', () => '? [a, b]\n: 1\n', /complex keys/, { line: 1, column: 3 }],
  ];
  for (const [name, make, message, position] of cases) {
    it(name, () => {
      const input = make();
      const r = failures(() => loadRunbook(input, name));
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors[0]!.message).toMatch(message);
      if (position) expect(only(r.errors)).toMatchObject(typeof position === 'function' ? position(String(input)) : position);
    });
  }

  it('files that are not runbook files: missing, a folder, a device', () => {
    const dir = useTempDir();
    expect(only(failures(() => loadRunbookFile(join(dir, 'nope.yaml'))).errors)).toMatchObject({ stage: 'io', message: 'cannot open the file: no such file' });
    mkdirSync(join(dir, 'folder.yaml'));
    expect(only(failures(() => loadRunbookFile(join(dir, 'folder.yaml'))).errors).message).toMatch(/folder/);
    expect(only(failures(() => loadRunbookFile('/dev/zero')).errors).message).toMatch(/not a regular file/);
  });
});

describe('what loads, loads exactly', () => {
  it('the hash is the SHA-256 of the bytes (a BOM and CRLF line ends included)', () => {
    const text = `\uFEFF${VALID_HEAD}${ONE_PHASE}`.replace(/\n/g, '\r\n');
    const bytes = Buffer.from(text, 'utf8');
    const loaded = loadRunbook(bytes, 'crlf.yaml');
    expect(loaded.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(loaded.text).toBe(text);
    expect(loaded.runbook.id).toBe('x');
  });

  it('positions on CRLF files count lines as editors do', () => {
    const text = `${VALID_HEAD}phases: [{id: p, title: p, steps: [{id: s, kind: manual, title: t, instructions: i, bogus: 1}]}]\n`.replace(/\n/g, '\r\n');
    expect(only(failures(() => loadRunbook(text)).errors)).toMatchObject({ line: 6, column: 85, message: expect.stringMatching(/unknown key `bogus`/) });
  });

  it('an unquoted version that YAML reads as a number is a warning that says how to keep it', () => {
    const loaded = loadRunbook(`${VALID_HEAD.replace('version: "1"', 'version: 1.10')}${ONE_PHASE}`);
    expect(loaded.runbook.version).toBe('1.1');
    expect(loaded.warnings).toEqual([expect.objectContaining({ severity: 'warning', line: 4, column: 10, path: 'version', message: expect.stringMatching(/quote it \("1\.10"\)/) })]);
  });

  it('an expectation with the wrong shape says which forms there are', () => {
    const text = `${VALID_HEAD}phases: [{id: p, title: p, steps: [{id: s, kind: check, title: t, target: h, run: x, read_only: true, expect: [{exit_code: "0"}, {foo: 1}]}]}]\n`;
    const r = failures(() => loadRunbook(text));
    expect(r.errors[0]).toMatchObject({ path: 'phases[0].steps[0].expect[0].exit_code', message: '`exit_code` must be a number, not text "0"' });
    expect(r.errors[1]).toMatchObject({ path: 'phases[0].steps[0].expect[1]', message: expect.stringMatching(/must have exactly one of `exit_code`, `output_contains`, .*\(it has `foo`\)/) });
  });

  it('anchors and aliases in moderation are fine; an error inside one points at the anchor', () => {
    const stepWith = (id: string, gates: string) => `      - {id: ${id}, kind: command, title: t, target: h, run: "alembic upgrade head", abort_on: ${gates}}\n`;
    const runbook = (pattern: string) => `${VALID_HEAD}phases:\n  - id: p\n    title: p\n    steps:\n`
      + stepWith('a', `&gates [{pattern: DuplicateTable}, {pattern: "${pattern}"}]`)
      + ['b', 'c', 'd', 'e', 'f'].map((id) => stepWith(id, '*gates')).join('');
    const loaded = loadRunbook(runbook('deadlock detected'));
    expect(loaded.runbook.phases[0]!.steps.map((s) => (s.kind === 'command' ? s.abort_on.length : 0))).toEqual([2, 2, 2, 2, 2, 2]);
    const broken = runbook('(deadlock');
    const r = failures(() => loadRunbook(broken));
    // Six uses, one place to fix: reported once.
    expect(only(r.errors)).toMatchObject({ ...at(broken, '"(deadlock"'), message: expect.stringMatching(/not a valid regular expression/) });
  });

  it('the minimal fixture loads', () => {
    expect(loadRunbookFile(join(FIXTURES, 'minimal.yaml')).runbook.phases[0]!.steps[0]!.kind).toBe('check');
  });
});
