// bin/cutover.mjs runs the bundle scripts/build-cli.mjs makes only while every source file it
// was built from is unchanged, and the sources (through tsx) otherwise: a stale bundle never
// runs. Checked twice: on a small project of its own (the real bin/cutover.mjs copied beside a
// source file and a bundle that say which one ran), and on this project's real bundle, whose
// output must be the sources' byte for byte.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT, cliEnv } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

const BUNDLE_DIR = '0123456789abcdef';

/** A project with bin/cutover.mjs, a source main.ts and a bundle main.mjs, each printing its name. */
function miniProject(): { root: string; source: string; run: (env?: Record<string, string>) => string } {
  const root = useTempDir('cutover-bundle-choice-');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(CLI_BIN, join(root, 'bin/cutover.mjs'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'src/cli'), { recursive: true });
  const source = join(root, 'src/cli/main.ts');
  writeFileSync(source, "export async function main(argv: string[]): Promise<number> { console.log('from the sources', argv.slice(2).join(' ')); return 0; }\n");
  mkdirSync(join(root, 'out/cli', BUNDLE_DIR), { recursive: true });
  writeFileSync(join(root, 'out/cli', BUNDLE_DIR, 'main.mjs'), "export async function main(argv) { console.log('from the bundle', argv.slice(2).join(' ')); return 0; }\n");
  const s = statSync(source);
  writeFileSync(join(root, 'out/cli/current.json'), JSON.stringify({ format: 1, dir: BUNDLE_DIR, inputs: [['src/cli/main.ts', s.size, s.mtimeMs]] }));
  const run = (env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [join(root, 'bin/cutover.mjs'), 'x', 'y'], { cwd: root, env: { ...cliEnv(), ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  return { root, source, run };
}

describe('bin/cutover.mjs: the bundle or the sources', () => {
  it('runs the bundle while its sources are unchanged, and the sources once one changes, when asked, or when the bundle is gone', () => {
    const p = miniProject();
    expect(p.run()).toBe('from the bundle x y');
    expect(p.run({ CUTOVER_CLI_FROM_SOURCE: '1' })).toBe('from the sources x y');

    // The same size, another mtime: an edit that kept the length.
    const text = readFileSync(p.source, 'utf8');
    writeFileSync(p.source, text.replace('from the sources', 'FROM THE SOURCES'));
    expect(p.run()).toBe('FROM THE SOURCES x y');

    const q = miniProject();
    rmSync(join(q.root, 'out/cli', BUNDLE_DIR), { recursive: true });
    expect(q.run()).toBe('from the sources x y');
    writeFileSync(join(q.root, 'out/cli/current.json'), '{ not json');
    expect(q.run()).toBe('from the sources x y');
  });

  it("this project's bundle prints what the sources print, output and exit code, for help, a check and bad input", () => {
    const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(build.status, build.stderr).toBe(0);
    const dir = useTempDir('cutover-bundle-same-');
    const cases = [
      ['--help'],
      ['run', '--help'],
      ['runbook', 'validate', join(REPO_ROOT, 'examples/alembic-governance-cutover.yaml')],
      ['vault', 'verify', '--vault', join(dir, 'missing.vault')],
      ['run', 'status', '--no-such-option'],
    ];
    // A module hook names what each process loaded: the comparison is not between two runs of the sources.
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    const preload = join(dir, 'preload.mjs');
    writeFileSync(hooks, "import { appendFileSync } from 'node:fs';\nlet log;\nexport function initialize(data) { log = data.log; }\nexport async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }\n");
    writeFileSync(preload, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
    const loaded = () => readFileSync(log, 'utf8');
    for (const args of cases) {
      writeFileSync(log, '');
      const bundled = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, CLI_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
      expect(loaded(), `${args.join(' ')}: the bundle ran (else a source file changed since the build above)`).toMatch(/\/out\/cli\/[0-9a-f]{16}\/main\.mjs/);
      expect(loaded()).not.toMatch(/\/src\/cli\/main\.ts/);
      const source = spawnSync(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv({ CUTOVER_CLI_FROM_SOURCE: '1' }), encoding: 'utf8', timeout: 60_000 });
      expect({ code: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }, args.join(' ')).toEqual({ code: source.status, stdout: source.stdout, stderr: source.stderr });
    }
  });
});
