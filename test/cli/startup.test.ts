// `cutover` starts fast because src/cli loads core only inside a command's action: `--help`
// (and any command's parsing) imports commander, the CLI's own files and a few dependency-free
// core files, never the vault (SQLCipher, drizzle), zod, pg, ssh2, pdfkit or the engine. This
// checks which modules a real `cutover` process loads, through a module hook, not how long it
// takes (timing is bench:cli's job; tests never fail on timing).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT, cliEnv } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

// Records the URL of every module the process loads, one per line.
const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  appendFileSync(log, url + '\\n');
  return result;
}
`;

/** The core files the command definitions may import up front: no imports of their own (or only node:). */
const LIGHT_CORE = new Set([
  'src/core/alembic/errors.ts',
  'src/core/alembic/offline-sql.ts',
  'src/core/checks/errors.ts',
  'src/core/signing/errors.ts',
  'src/core/pack/errors.ts',
  'src/core/runbook/errors.ts',
  'src/core/vault/errors.ts',
]);

const HEAVY_PACKAGES = ['drizzle-orm', 'better-sqlite3-multiple-ciphers', 'zod', 'pg', 'ssh2', 'pdfkit', 'yaml', 'canonicalize', '@noble/ciphers', '@noble/hashes'];

function loadedModules(args: string[]): { code: number | null; stdout: string; modules: string[] } {
  const dir = useTempDir('cutover-startup-');
  const log = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  const preload = join(dir, 'preload.mjs');
  writeFileSync(log, '');
  writeFileSync(hooks, HOOKS);
  writeFileSync(preload, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
  // From the sources (not the bundle, test/cli/bundle.test.ts): the hook names each module.
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, CLI_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv({ CUTOVER_CLI_FROM_SOURCE: '1' }), encoding: 'utf8', timeout: 60_000 });
  const root = pathToFileURL(`${REPO_ROOT}/`).href;
  const modules = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(root)).map((u) => u.slice(root.length).replace(/\?.*$/, ''));
  return { code: r.status, stdout: r.stdout, modules };
}

function packageOf(path: string): string | null {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

describe('cutover start-up', () => {
  it.each([
    [['--help']],
    [['vault', '--help']],
    [['run', '--help']],
    [['pg', 'fingerprint', '--help']],
    [['pack', '--help']],
    [['alembic', 'sql', '--help']],
    [['--version']],
  ])('cutover %j loads no core beyond the error classes and no heavy dependency', (args) => {
    const { code, modules } = loadedModules(args);
    expect(code).toBe(0);
    // The hook saw the CLI itself: the check below is not vacuous.
    expect(modules).toContain('src/cli/main.ts');
    expect(modules).toContain('src/cli/commands/run.ts');
    const core = modules.filter((m) => m.startsWith('src/core/') && !LIGHT_CORE.has(m));
    expect(core, 'core modules imported before any action ran: import them inside the action (await import) and use `import type` at the top').toEqual([]);
    const heavy = [...new Set(modules.map(packageOf).filter((p): p is string => p !== null && HEAVY_PACKAGES.includes(p)))];
    expect(heavy).toEqual([]);
  });

  it('--help still lists every command, and option defaults from core still show', () => {
    const top = loadedModules(['--help']).stdout;
    for (const name of ['vault', 'identity', 'note', 'artifact', 'runbook', 'run', 'plan', 'approve', 'secret', 'report', 'alembic', 'pg', 'pack', 'demo']) {
      expect(top).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(top).toMatch(/Exit codes:/);
    expect(loadedModules(['alembic', 'sql', '--help']).stdout).toMatch(/default: "\/usr\/bin\/python3 -m\s+alembic"/);
    expect(loadedModules(['run', '--help']).stdout).toMatch(/^ {2}decision /m);
  });

  it('a command loads what it uses: vault verify loads the vault, not pdfkit, pg or ssh2', () => {
    const dir = useTempDir('cutover-startup-vault-');
    const vault = join(dir, 'v.vault');
    const init = spawnSync(process.execPath, [CLI_BIN, 'vault', 'init', '--vault', vault], { cwd: REPO_ROOT, env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(init.status, init.stderr).toBe(0);
    const { code, modules } = loadedModules(['vault', 'verify', '--vault', vault]);
    expect(code).toBe(0);
    expect(modules).toContain('src/core/vault/index.ts');
    const packages = new Set(modules.map(packageOf));
    for (const p of ['pdfkit', 'pg', 'ssh2']) expect(packages.has(p), p).toBe(false);
  });
});
