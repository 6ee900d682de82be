// Alembic projects written to disk for tests and the benchmark: random revision graphs from a
// seeded PRNG (branches, merges, several bases, depends_on by id and by branch label), each
// revision file in one of the header styles real projects use, so the same files exercise the
// native parser and are loaded by real Alembic for comparison.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenRevision {
  id: string;
  down: string[];
  labels: string[];
  /** Revision ids or branch labels. */
  deps: string[];
}

export interface GenOptions {
  minRevisions?: number;
  maxRevisions?: number;
  /** Probabilities (0..1). */
  newBase?: number;
  merge?: number;
  dependsOn?: number;
  label?: number;
  /** Chance that a single-parent revision extends a current tip (otherwise it branches off any revision). */
  extendTip?: number;
}

const WORDS = ['nav', 'snapshot', 'investor', 'statement', 'ai', 'engine', 'wave', 'pipeline', 'intelligence', 'portfolio', 'risk', 'registry', 'covenant', 'drift', 'cash', 'impact', 'board', 'brief', 'fund', 'ledger'];

export function generateGraph(rand: () => number, options: GenOptions = {}): GenRevision[] {
  const min = options.minRevisions ?? 3;
  const max = options.maxRevisions ?? 24;
  const n = min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const revs: GenRevision[] = [];
  const hasChild = new Set<string>();
  const used = new Set<string>();
  for (let k = 0; k < n; k += 1) {
    let id: string;
    do {
      const style = rand();
      if (style < 0.45) id = Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
      else if (style < 0.9) id = `${String(k).padStart(4, '0')}_${Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(WORDS)).join('_')}`;
      else id = `r${k}${pick(WORDS)}`;
    } while (used.has(id));
    used.add(id);
    let down: string[] = [];
    const tips = revs.filter((r) => !hasChild.has(r.id)).map((r) => r.id);
    if (k > 0 && rand() >= (options.newBase ?? 0.08)) {
      if (tips.length >= 2 && rand() < (options.merge ?? 0.2)) {
        const a = pick(tips);
        const rest = tips.filter((t) => t !== a);
        down = [a, pick(rest)];
        if (rest.length >= 2 && rand() < 0.25) {
          const third = rest.filter((t) => !down.includes(t));
          if (third.length > 0) down.push(pick(third));
        }
      } else {
        down = [rand() < (options.extendTip ?? 0.6) && tips.length > 0 ? pick(tips) : pick(revs).id];
      }
    }
    for (const d of down) hasChild.add(d);
    const deps: string[] = [];
    if (k > 1 && rand() < (options.dependsOn ?? 0.15)) {
      const count = rand() < 0.3 ? 2 : 1;
      for (let j = 0; j < count; j += 1) {
        const target = pick(revs);
        const ref = target.labels.length > 0 && rand() < 0.5 ? target.labels[0]! : target.id;
        if (!deps.includes(ref) && !down.includes(ref)) deps.push(ref);
      }
    }
    const labels = rand() < (options.label ?? 0.08) ? [`lbl_${k}_${pick(WORDS)}`] : [];
    revs.push({ id, down, labels, deps });
  }
  return revs;
}

function pyString(s: string, rand: () => number): string {
  return rand() < 0.5 ? `'${s}'` : `"${s}"`;
}

function pyIds(ids: string[], rand: () => number, emptyAs = 'None'): string {
  if (ids.length === 0) return rand() < 0.9 ? emptyAs : '()';
  if (ids.length === 1) {
    const r = rand();
    if (r < 0.7) return pyString(ids[0]!, rand);
    if (r < 0.85) return `(${pyString(ids[0]!, rand)},)`;
    return `[${pyString(ids[0]!, rand)}]`;
  }
  const items = ids.map((i) => pyString(i, rand));
  const r = rand();
  if (r < 0.4) return `(${items.join(', ')})`;
  if (r < 0.7) return `(\n    ${items.join(',\n    ')},\n)`;
  if (r < 0.85) return `[${items.join(', ')}]`;
  return items.join(', ');
}

/** One revision file, in a randomly chosen header style. */
export function revisionSource(rev: GenRevision, rand: () => number): string {
  const style = rand();
  const doc = `"""Revision ${rev.id}.\n\nrevision = 'not-this-one'\nRevision ID: ${rev.id}\n"""\n`;
  const body = `\n\ndef upgrade():\n    revision = "inner-not-header"\n    pass\n\n\ndef downgrade():\n    pass\n`;
  if (style < 0.35) {
    return `${doc}from alembic import op\n\nrevision = ${pyString(rev.id, rand)}\ndown_revision = ${pyIds(rev.down, rand)}\nbranch_labels = ${pyIds(rev.labels, rand)}\ndepends_on = ${pyIds(rev.deps, rand)}${body}`;
  }
  if (style < 0.7) {
    return `${doc}from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n# revision identifiers, used by Alembic.\nrevision: str = ${pyString(rev.id, rand)}\ndown_revision: Union[str, Sequence[str], None] = ${pyIds(rev.down, rand)}\nbranch_labels: Union[str, Sequence[str], None] = ${pyIds(rev.labels, rand)}\ndepends_on: Union[str, Sequence[str], None] = ${pyIds(rev.deps, rand)}${body}`;
  }
  if (style < 0.85) {
    // header after a function, comments, a semicolon, and no branch_labels/depends_on when empty
    const extra = [rev.labels.length > 0 ? `branch_labels = ${pyIds(rev.labels, rand)}  # labels\n` : '', rev.deps.length > 0 ? `depends_on = ${pyIds(rev.deps, rand)}\n` : ''].join('');
    return `${doc}import sqlalchemy as sa\n\n\ndef helper():\n    down_revision = "inner"\n    return down_revision\n\n\nrevision = ${pyString(rev.id, rand)}  # the id\ndown_revision = ${pyIds(rev.down, rand)}; x = 1\n${extra}${body}`;
  }
  // a docstring full of look-alike lines, then the real header with odd spacing
  return `'''\nrevision = "fake"\ndown_revision = "fake"\n'''\nrevision   =   ${pyString(rev.id, rand)}\ndown_revision=${pyIds(rev.down, rand)}\nbranch_labels =${pyIds(rev.labels, rand)}\ndepends_on= ${pyIds(rev.deps, rand)}\nSQL = """\nrevision = 'also-not-this'\n"""${body}`;
}

export const OFFLINE_ENV_PY = `from alembic import context

config = context.config


def run_migrations_offline():
    context.configure(url="postgresql://", literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("this generated project only renders SQL offline (--sql)")
`;

/** env.py that also runs online, against DATABASE_URL (like the governance fixture's). */
export const ONLINE_ENV_PY = `import os
from alembic import context
from sqlalchemy import create_engine, pool

url = os.environ.get("DATABASE_URL", "postgresql://")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
`;

export const MINIMAL_INI = `[alembic]
script_location = %(here)s/migrations

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
`;

/**
 * Writes a full project (alembic.ini, migrations/env.py, migrations/versions/*.py) and returns
 * the script directory. Files are written in a shuffled order under random names, so load order
 * differs from creation order.
 */
export function writeProject(root: string, revs: GenRevision[], rand: () => number): string {
  const scripts = join(root, 'migrations');
  const versions = join(scripts, 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(join(root, 'alembic.ini'), MINIMAL_INI);
  writeFileSync(join(scripts, 'env.py'), OFFLINE_ENV_PY);
  const order = revs.map((_, i) => i).sort(() => rand() - 0.5);
  for (const i of order) {
    const rev = revs[i]!;
    const name = rand() < 0.5 ? `${rev.id}_step.py` : `${Math.floor(rand() * 1e9).toString(36)}_${i}.py`;
    writeFileSync(join(versions, name), revisionSource(rev, rand));
  }
  if (rand() < 0.3) writeFileSync(join(versions, 'README.txt'), 'not a revision\n');
  if (rand() < 0.2) writeFileSync(join(versions, '__init__.py'), '');
  return scripts;
}
