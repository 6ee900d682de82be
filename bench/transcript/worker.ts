// The engine side of bench/transcript, in its own process so its peak RSS is its own.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEngine } from '../../src/core/engine';
import { createExecutor } from '../../src/core/targets';
import { Keyring } from '../../src/core/signing';
import { Vault } from '../../src/core/vault';
import { addOwner } from '../../test/helpers/people';

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { dir: string; port: number; user: string; key: string; hostKey: string; command: string };
const runbookPath = join(cfg.dir, 'bench.yaml');
writeFileSync(runbookPath, `
format: cutover-runbook/v1
id: bench-transcript
title: Transcript benchmark
version: "1"
targets:
  remote: { kind: ssh, host: 127.0.0.1, port: ${cfg.port}, user: ${cfg.user}, auth: key, key_file: ${cfg.key}, host_key: "${cfg.hostKey}" }
phases:
  - id: P0
    title: Output
    steps:
      - id: big
        kind: check
        title: Big output
        target: remote
        read_only: true
        run: ${JSON.stringify(cfg.command)}
        evidence: big.log
        expect: [ { exit_code: 0 } ]
        abort_on: [ { pattern: DuplicateTable } ]
`);
const vault = Vault.create(join(cfg.dir, 'bench.vault'), 'benchmark passphrase');
const keyring = new Keyring([(await addOwner(vault, 'op', ['operator'])).signer]);
let progressUpdates = 0;
const engine = new RunEngine(vault, { actor: 'op', keyring, executors: createExecutor, onProgress: () => (progressUpdates += 1) });
const run = await engine.startRun({ text: readFileSync(runbookPath, 'utf8'), source: runbookPath, environment: 'rehearsal' });
const t0 = process.hrtime.bigint();
const outcome = await engine.executeStep(run.runId, 'big');
const engineMs = Number(process.hrtime.bigint() - t0) / 1e6;
vault.close();
process.stdout.write(JSON.stringify({ engineMs, size: outcome.transcript.size, progressUpdates, status: outcome.status }));
