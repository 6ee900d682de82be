// Reading an Alembic project without Python: alembic.ini (script_location, %(here)s,
// version_locations), the revision headers in every style real projects write them, and files
// that cannot be read — each a finding, never a crash, and each also refused by real Alembic.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlembicConfigError, buildRevisionGraph, detectVersionNumWidening, locateProject, readScriptDirectory, type RevisionScript } from '../../src/core/alembic';
import { useTempDir } from '../helpers/tmp';
import { MINIMAL_INI, OFFLINE_ENV_PY } from './helpers/projects';
import { alembic, askAlembic } from './helpers/real-alembic';

/** A project with alembic.ini, migrations/env.py and the given files in migrations/versions. */
function project(files: Record<string, string | Buffer>, ini = MINIMAL_INI): string {
  const root = useTempDir('cutover-alembic-parse-');
  mkdirSync(join(root, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(root, 'alembic.ini'), ini);
  writeFileSync(join(root, 'migrations', 'env.py'), OFFLINE_ENV_PY);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'migrations', 'versions', name), text);
  return root;
}

function byId(scripts: RevisionScript[]): Record<string, Pick<RevisionScript, 'downRevisions' | 'branchLabels' | 'dependsOn'>> {
  return Object.fromEntries(scripts.map((s) => [s.revision, { downRevisions: s.downRevisions, branchLabels: s.branchLabels, dependsOn: s.dependsOn }]));
}

describe('revision headers', () => {
  it('reads every header style: plain, annotated, Union-typed, quotes, tuples across lines, lists, bare tuples, None/()/""', () => {
    const root = project({
      'a.py': `"""Base.\n\nrevision = 'docstring-not-header'\n"""\nrevision = 'aaaa1111'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n`,
      'b.py': `from typing import Sequence, Union\nrevision: str = "bbbb2222"\ndown_revision: Union[str, None] = 'aaaa1111'\nbranch_labels: Union[str, Sequence[str], None] = ('feature',)\ndepends_on: Union[str, Sequence[str], None] = None\n`,
      'c.py': `revision = "cccc3333"  # trailing comment\ndown_revision = (\n    "aaaa1111",  # first parent\n    'bbbb2222',\n)\nbranch_labels = "solo"\ndepends_on = ["bbbb2222"]\n\ndef upgrade():\n    revision = "inside-a-function"\n    down_revision = ("x", "y")\n`,
      'd.py': `revision = 'dddd' 'ee44'\ndown_revision = 'cccc3333',\ndepends_on = 'feature', 'aaaa1111'\n`,
      'e.py': `import sqlalchemy as sa\nSQL = """\nrevision = 'in-a-string'\n"""\nrevision = "eeee5555"; down_revision = ()\nbranch_labels = []\n`,
      'f.py': `revision = 'ffff6666'\ndown_revision = ""\nif False:\n    revision = 'indented-not-module-level'\n`,
      'g.py': `revision = r'gggg7777'\ndown_revision = u"ffff6666"\\\n\n`,
      '__init__.py': 'revision = "never-loaded"\ndown_revision = None\n',
      '.#lock.py': 'garbage',
      'notes.txt': 'not python',
    });
    const read = readScriptDirectory(root);
    expect(read.findings).toEqual([]);
    expect(byId(read.scripts)).toEqual({
      aaaa1111: { downRevisions: [], branchLabels: [], dependsOn: [] },
      bbbb2222: { downRevisions: ['aaaa1111'], branchLabels: ['feature'], dependsOn: [] },
      cccc3333: { downRevisions: ['aaaa1111', 'bbbb2222'], branchLabels: ['solo'], dependsOn: ['bbbb2222'] },
      ddddee44: { downRevisions: ['cccc3333'], branchLabels: [], dependsOn: ['feature', 'aaaa1111'] },
      eeee5555: { downRevisions: [], branchLabels: [], dependsOn: [] },
      ffff6666: { downRevisions: [], branchLabels: [], dependsOn: [] },
      gggg7777: { downRevisions: ['ffff6666'], branchLabels: [], dependsOn: [] },
    });
    expect(read.scripts.find((s) => s.revision === 'aaaa1111')!.doc).toBe('Base.');
  });

  it('takes the revision id from a legacy file name (<hex>.py) when the file sets none, as Alembic does', () => {
    const read = readScriptDirectory(project({ 'abc123.py': 'down_revision = None\n' }));
    expect(read.scripts.map((s) => s.revision)).toEqual(['abc123']);
  });

  it('finds every revision file in version_locations, with %(here)s and a path separator', () => {
    const root = project({ 'a.py': 'revision = "aaaa"\ndown_revision = None\n' }, MINIMAL_INI.replace('[alembic]\n', '[alembic]\nversion_path_separator = os\nversion_locations = %(here)s/migrations/versions:%(here)s/extra:%(here)s/missing\n'));
    mkdirSync(join(root, 'extra'));
    writeFileSync(join(root, 'extra', 'b.py'), 'revision = "bbbb"\ndown_revision = "aaaa"\n');
    const read = readScriptDirectory(root);
    expect(read.config.versionLocations).toEqual([join(root, 'migrations', 'versions'), join(root, 'extra')]);
    expect(read.scripts.map((s) => s.revision)).toEqual(['aaaa', 'bbbb']);
  });

  it('resolves script_location relative to alembic.ini, and takes the ini, its folder or the script directory', () => {
    const root = project({ 'a.py': 'revision = "aaaa"\ndown_revision = None\n' }, MINIMAL_INI.replace('%(here)s/migrations', 'migrations'));
    for (const where of [root, join(root, 'alembic.ini'), join(root, 'migrations')]) {
      expect(locateProject(where).scriptLocation).toBe(join(root, 'migrations'));
      expect(readScriptDirectory(where).scripts).toHaveLength(1);
    }
  });

  it("loads files in Alembic 1.8's os.listdir order by default, or sorted by name (newer Alembic)", async () => {
    const files: Record<string, string> = {};
    for (const name of ['m', 'z', 'a', 'q', 'c', 'x', 'b']) files[`${name}.py`] = `revision = "rev_${name}"\ndown_revision = None\n`;
    const root = project(files);
    const [answer] = await askAlembic([{ dir: join(root, 'migrations'), cases: [] }]);
    expect(readScriptDirectory(root).scripts.map((s) => s.revision)).toEqual(answer!.loadOrder);
    expect(readScriptDirectory(root, { fileOrder: 'name' }).scripts.map((s) => s.revision)).toEqual(['rev_a', 'rev_b', 'rev_c', 'rev_m', 'rev_q', 'rev_x', 'rev_z']);
  });

  it('refuses a project it cannot find with a message saying what to point at', () => {
    const empty = useTempDir('cutover-alembic-empty-');
    expect(() => locateProject(join(empty, 'nope'))).toThrow(AlembicConfigError);
    expect(() => locateProject(empty)).toThrow(/alembic\.ini/);
    writeFileSync(join(empty, 'alembic.ini'), '[alembic]\nsqlalchemy.url = x\n');
    expect(() => locateProject(empty)).toThrow(/no script_location/);
    writeFileSync(join(empty, 'alembic.ini'), '[alembic]\nscript_location = myapp:migrations\n');
    expect(() => locateProject(empty)).toThrow(/package resource/);
    writeFileSync(join(empty, 'alembic.ini'), 'script_location = x\n');
    expect(() => locateProject(empty)).toThrow(/before any \[section\]/);
  });

  it('sees an upgrade() that widens alembic_version.version_num (SQL or op.alter_column), not a downgrade()', () => {
    expect(detectVersionNumWidening(`def upgrade():\n    op.execute("ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64)")`)).toBe(64);
    expect(detectVersionNumWidening(`op.execute('alter table public."alembic_version" alter version_num set data type character varying (128)')`)).toBe(128);
    expect(detectVersionNumWidening(`op.alter_column("alembic_version", "version_num", existing_type=sa.String(32), type_=sa.String(length=255))`)).toBe(255);
    expect(detectVersionNumWidening(`op.alter_column('alembic_version', 'version_num', type_=sa.Text())`)).toBe('unbounded');
    expect(detectVersionNumWidening(`op.execute("ALTER TABLE other ALTER COLUMN version_num TYPE VARCHAR(64)")`)).toBeNull();
    const read = readScriptDirectory(project({
      'w.py': 'revision = "wwww"\ndown_revision = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    op.execute("ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64)")\n',
    }));
    expect(read.scripts[0]!.widensVersionNumTo).toBeNull();
  });
});

describe('files that cannot be read (a finding each, never a crash)', () => {
  const bad: Record<string, string | Buffer> = {
    'unclosed_string.py': 'revision = "oops\ndown_revision = None\n',
    'unclosed_bracket.py': 'revision = "x1"\ndown_revision = ("a",\n',
    'no_revision.py': '"""A file without a header."""\ndown_revision = None\n',
    'no_down.py': 'revision = "nodown"\n',
    'name_ref.py': 'revision = "nameref"\ndown_revision = OTHER\n',
    'binary.py': Buffer.from([0x72, 0x65, 0x76, 0xff, 0xfe, 0x00, 0x81]),
  };
  // Valid Python with a computed header: Alembic runs it, this reader does not.
  const dynamic: Record<string, string> = {
    'computed.py': 'import uuid\nrevision = str(uuid.uuid4())[:8]\ndown_revision = None\n',
    'fstring.py': 'base = "x"\nrevision = f"{base}1"\ndown_revision = None\n',
  };

  it('reports each unreadable revision file with its path and reason, and reads the good ones', () => {
    const root = project({ ...bad, ...dynamic, 'good.py': 'revision = "good1"\ndown_revision = None\n' });
    mkdirSync(join(root, 'migrations', 'versions', 'folder.py'));
    symlinkSync(join(root, 'nowhere.py'), join(root, 'migrations', 'versions', 'dangling.py'));
    const read = readScriptDirectory(root);
    expect(read.scripts.map((s) => s.revision)).toEqual(['good1']);
    const reasons = Object.fromEntries(read.findings.map((f) => [String(f.details.path).split('/').pop(), String(f.details.reason)]));
    expect(read.findings.every((f) => f.code === 'unreadable-revision-file' && f.severity === 'error')).toBe(true);
    expect(reasons).toMatchObject({
      'unclosed_string.py': expect.stringMatching(/string that is not closed/),
      'unclosed_bracket.py': expect.stringMatching(/bracket that is never closed/),
      'no_revision.py': expect.stringMatching(/no module-level `revision/),
      'no_down.py': expect.stringMatching(/no module-level `down_revision/),
      'computed.py': expect.stringMatching(/not a literal.*the name str/),
      'fstring.py': expect.stringMatching(/f-string/),
      'name_ref.py': expect.stringMatching(/the name OTHER/),
      'binary.py': expect.stringMatching(/not valid text/),
      'folder.py': expect.stringMatching(/not a regular file/),
      'dangling.py': expect.stringMatching(/cannot be opened/),
    });
    expect(read.findings.find((f) => String(f.details.path).endsWith('unclosed_string.py'))!.details.line).toBe(1);
    const kinds = Object.fromEntries(read.findings.map((f) => [String(f.details.path).split('/').pop(), f.details.kind]));
    expect(kinds).toMatchObject({ 'computed.py': 'dynamic', 'fstring.py': 'dynamic', 'name_ref.py': 'dynamic', 'no_down.py': 'broken', 'binary.py': 'broken' });
    expect(read.findings.find((f) => f.details.kind === 'dynamic')!.message).toMatch(/Alembic may load it/);
  });

  it('real Alembic fails on the broken files (so the finding is not noise) and loads the computed ones', async () => {
    const results = await Promise.all(Object.entries(bad).map(async ([name, text]) => {
      const root = project({ [name]: text });
      return { name, ran: await alembic(root, ['heads']) };
    }));
    for (const { name, ran } of results) expect(ran.code, `${name}: ${ran.stdout}${ran.stderr}`).not.toBe(0);
    for (const [name, text] of Object.entries(dynamic)) {
      const ran = await alembic(project({ [name]: text }), ['heads']);
      expect(ran.code, `${name}: ${ran.stderr}`).toBe(0);
    }
  });
});

describe('graph findings from headers', () => {
  const script = (revision: string, down: string[], extra: Partial<RevisionScript> = {}): RevisionScript => ({
    revision, downRevisions: down, branchLabels: [], dependsOn: [], path: `/p/${revision}.py`, doc: null, widensVersionNumTo: null, ...extra,
  });

  it('flags illegal characters in ids and branch labels used twice', () => {
    const g = buildRevisionGraph([script('a-1', []), script('b', ['a-1'], { branchLabels: ['x'] }), script('c', ['b'], { branchLabels: ['x'] })]);
    expect(g.findings.map((f) => f.code).sort()).toEqual(['duplicate-branch-label', 'illegal-revision-id']);
    expect(g.loadable).toBe(false);
  });
});
