// The demo's people who are not at the workstation: each is a folder of their own (their
// "machine") holding a key made by ssh-keygen, and signs files there with plain
// `ssh-keygen -Y sign`, exactly as an approver would on their own laptop.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VaultInputError } from '../vault';

export interface Machine {
  name: string;
  dir: string;
  keyFile: string;
  publicKey: string;
}

function sshKeygen(args: string[]): void {
  const result = spawnSync('ssh-keygen', args, { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' } });
  if (result.error) throw new VaultInputError(`The demo needs OpenSSH's ssh-keygen (${result.error.message}); install openssh-client.`);
  if (result.status !== 0) throw new VaultInputError(`ssh-keygen ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** A person's machine: a folder with an Ed25519 key of their own. */
export function makeMachine(root: string, name: string): Machine {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'id_ed25519');
  sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', keyFile]);
  return { name, dir, keyFile, publicKey: readFileSync(`${keyFile}.pub`, 'utf8').trim() };
}

/** The person signs a file on their machine: `ssh-keygen -Y sign -n NAMESPACE -f KEY FILE`; returns the .sig text. */
export function signOnMachine(machine: Machine, fileName: string, bytes: Buffer | string, namespace: string): string {
  const file = join(machine.dir, fileName);
  writeFileSync(file, bytes);
  sshKeygen(['-Y', 'sign', '-n', namespace, '-f', machine.keyFile, file]);
  return readFileSync(`${file}.sig`, 'utf8');
}
