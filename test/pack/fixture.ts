// A finished run on a local target, in a vault whose approvers' keys are real OpenSSH key files
// (ssh-keygen: Ed25519 and RSA), so packs can be signed offline with nothing but those files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { Keyring, type Signer } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { buildPack, type BuiltPack } from '../../src/core/pack';
import { makeKey, type KeygenKey } from '../helpers/ssh-keys';
import { addOwner } from '../helpers/people';
import { addPersonFromKeyFile } from '../helpers/key-file-people';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
export const PASSPHRASE = 'correct horse battery staple';
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../bin/cutover.mjs', import.meta.url));

export const RUNBOOK = `
format: cutover-runbook/v1
id: pack-test
title: Pack test cutover
version: "1.2"
policy: { approvals: { quorum: 2, role: approver } }
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", by: operator, evidence: prod_write_freeze_attestation.log }
  - { id: pre-snapshot, kind: record, title: Snapshot, fields: [ { name: snapshot_id, label: Snapshot ID, pattern: "^snap-" } ] }
phases:
  - id: P0
    at: T-30
    title: Preflight
    steps:
      - id: p0-heads
        kind: check
        title: alembic heads
        target: ws
        run: "printf '70a79686336c (head)\\\\n'"
        read_only: true
        expect: [ { exit_code: 0 }, { output_contains: "(head)" } ]
        evidence: prod_heads_preflight.log
  - id: P1
    title: Upgrade
    steps:
      - id: p1-upgrade
        kind: command
        title: alembic upgrade head
        target: ws
        run: "echo 'Running upgrade 0019 -> 70a79686336c'; echo done"
        expect: [ { exit_code: 0 }, { output_contains: done } ]
        evidence: prod_upgrade_0019_to_head.log
evidence_pack:
  - prod_write_freeze_attestation.log
  - prod_heads_preflight.log
  - prod_upgrade_0019_to_head.log
decision:
  template: governance
  target: local / packtest
`;

export interface PackFixture {
  dir: string;
  vault: Vault;
  runId: string;
  /**
   * gov1 (approver, Ed25519 file), gov2 (approver, RSA file), gov3 (approver, Ed25519 file): their
   * own key files, registered in the vault by public key and proven with ssh-keygen. ana, the
   * operator, owns the vault (a key generated into it).
   */
  keys: { gov1: KeygenKey; gov2: KeygenKey; gov3: KeygenKey };
  /** Everyone's signer (ana's from the vault, the approvers' from their files). */
  signers: Record<'ana' | 'gov1' | 'gov2' | 'gov3', Signer>;
  /** The keys usable in tests: all four people's. */
  keyring: Keyring;
  engine(actor: string): RunEngine;
  exportTo(outDir: string): Promise<BuiltPack>;
}

/** A vault with a completed, approved run. Removed when the test ends. */
export function usePackFixture(): Promise<PackFixture> {
  return makePackFixture(onTestFinished);
}

/** A vault with a completed, approved run; `onCleanup` gets what removes it (for beforeAll/afterAll). */
export async function makePackFixture(onCleanup: (fn: () => void) => void): Promise<PackFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pack-'));
  const vault = Vault.create(join(dir, 'ev.vault'), PASSPHRASE);
  onCleanup(() => {
    try {
      vault.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const keys = {
    gov1: await makeKey(dir, 'ed25519', { name: 'gov1_ed25519', comment: 'gov1@governance' }),
    gov2: await makeKey(dir, 'rsa', { name: 'gov2_rsa', bits: 3072, comment: 'gov2@governance' }),
    gov3: await makeKey(dir, 'ed25519', { name: 'gov3_ed25519', comment: 'gov3@governance' }),
  };
  const signers = {
    ana: (await addOwner(vault, 'ana', ['operator'])).signer,
    gov1: (await addPersonFromKeyFile(vault, 'gov1', ['approver'], keys.gov1)).signer,
    gov2: (await addPersonFromKeyFile(vault, 'gov2', ['approver'], keys.gov2)).signer,
    gov3: (await addPersonFromKeyFile(vault, 'gov3', ['approver'], keys.gov3)).signer,
  };
  const keyring = new Keyring(Object.values(signers));
  const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
  const op = engine('ana');
  const { runId } = await op.startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'rehearsal' });
  await op.attest(runId, 'pre-freeze');
  await op.record(runId, 'pre-snapshot', { snapshot_id: 'snap-0a1b2c' });
  await op.executeStep(runId, 'p0-heads');
  for (const name of ['gov1', 'gov2'] as const) await engine(name).approve(runId, name, signers[name]);
  await op.executeStep(runId, 'p1-upgrade');
  return { dir, vault, runId, keys, signers, keyring, engine, exportTo: (outDir) => buildPack(vault, runId, { outDir }) };
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to the end (no shell), with stdin from `input`. */
export function tool(command: string, args: string[], options: { cwd?: string; input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** `cutover ARGS` (with the pack commands) as a child process, with a clean CUTOVER_* environment. */
export function cutover(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<ToolRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CUTOVER_') && k !== 'SSH_AUTH_SOCK') env[k] = v;
  Object.assign(env, { CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_PASSPHRASE: PASSPHRASE, CUTOVER_ACTOR: 'ana' });
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return tool(process.execPath, [CLI_ENTRY, ...args], { cwd: options.cwd, env, input: options.input });
}

/** `ssh-keygen -Y verify -f allowed_signers -I ID -n cutover-decision-v1 -s SIG < MESSAGE`, run inside the pack folder. */
export function keygenVerifyInPack(folder: string, identity: string, sig: string, message: string, allowedSigners = 'allowed_signers'): Promise<ToolRun> {
  return tool('ssh-keygen', ['-Y', 'verify', '-f', allowedSigners, '-I', identity, '-n', 'cutover-decision-v1', '-s', sig], { cwd: folder, input: readFileSync(join(folder, message)) });
}

/** `sha256sum -c SHA256SUMS` inside a folder. */
export function sha256sumCheck(folder: string): Promise<ToolRun> {
  return tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder });
}
