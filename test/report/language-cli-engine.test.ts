// The CLI's --lang / CUTOVER_LANG reaches the engine: a run whose runbook names no language
// refuses in the language asked for on the command line (in English without it), through the
// real `cutover` process; each refusal leaves the vault's chain head where it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { describeRun, expectRefusal, PASSPHRASE, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const RUNBOOK = `
format: cutover-runbook/v1
id: no-language
title: No language
version: "1"
targets:
  ws: { kind: local }
preconditions:
  - { id: pre, kind: attest, title: Freeze, statement: "Write freeze confirmed" }
phases:
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo ok" }
`;

function head(vault: string): { seq: number; hash: string } {
  const v = Vault.open(vault, { passphrase: PASSPHRASE });
  try {
    return v.head();
  } finally {
    v.close();
  }
}

describe('the CLI language reaches the engine', () => {
  it('a runbook without language: refuses in Spanish under CUTOVER_LANG=es and --lang es, in English otherwise, and nothing is appended', async () => {
    const dir = useTempDir('cutover-cli-engine-lang-');
    const vault = join(dir, 'v.vault');
    const file = join(dir, 'runbook.yaml');
    writeFileSync(file, RUNBOOK);
    for (const args of [['vault', 'init', '--vault', vault], ['identity', 'add', '--vault', vault, '--name', 'op', '--role', 'operator', '--generate']]) {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'op' } });
      expect(r.code, describeRun(r)).toBe(0);
    }
    const started = await runCli(['run', 'start', '--vault', vault, '--runbook', file, '--env', 'rehearsal', '--json'], { env: { CUTOVER_ACTOR: 'op' } });
    expect(started.code, describeRun(started)).toBe(0);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    const before = head(vault);

    const skip = ['run', 'skip', '--vault', vault, runId, 'pre', '--reason', '  '];
    expectRefusal(await runCli(skip, { env: { CUTOVER_ACTOR: 'op', CUTOVER_LANG: 'es' } }), 2, /Omitir un paso exige un motivo/);
    expectRefusal(await runCli([...skip, '--lang', 'es'], { env: { CUTOVER_ACTOR: 'op' } }), 2, /Omitir un paso exige un motivo/);
    expectRefusal(await runCli(skip, { env: { CUTOVER_ACTOR: 'op' } }), 2, /Skipping a step needs a reason/);
    const step = ['run', 'step', '--vault', vault, runId, 'change'];
    expectRefusal(await runCli(step, { env: { CUTOVER_ACTOR: 'op', CUTOVER_LANG: 'es' } }), 2, /El paso change cambia el sistema.*aún abiertos: pre/);
    expect(head(vault)).toEqual(before);
  });

  it('run start of a runbook without language: that does not validate says its problems in the language asked for; nothing is appended', async () => {
    const dir = useTempDir('cutover-cli-engine-lang-');
    const vault = join(dir, 'v.vault');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, RUNBOOK.replace('kind: command, title: Change, target: ws', 'kind: command, title: Change, target: nowhere'));
    for (const args of [['vault', 'init', '--vault', vault], ['identity', 'add', '--vault', vault, '--name', 'op', '--role', 'operator', '--generate']]) {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'op' } });
      expect(r.code, describeRun(r)).toBe(0);
    }
    const before = head(vault);
    const start = ['run', 'start', '--vault', vault, '--runbook', file, '--env', 'rehearsal'];
    const es = await runCli([...start, '--lang', 'es'], { env: { CUTOVER_ACTOR: 'op' } });
    expectRefusal(es, 2, /nowhere/);
    expect(es.stderr).toMatch(/no es un runbook válido|destino/);
    expect(found(es.stderr, 'en'), es.stderr).toEqual([]);
    const en = await runCli(start, { env: { CUTOVER_ACTOR: 'op' } });
    expectRefusal(en, 2, /nowhere/);
    expect(found(en.stderr, 'es'), en.stderr).toEqual([]);
    expect(head(vault)).toEqual(before);
  });
});
