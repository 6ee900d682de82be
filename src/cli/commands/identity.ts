import type { Command } from 'commander';
import type { KeySource } from '../../core/identity';
import type { Role } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError } from '../errors';
import { printJson } from '../format';
import { readPassphrase } from '../passphrase';
import { openVault } from './vault';

function parseRoles(values: string[], known: readonly Role[]): Role[] {
  const roles = values.flatMap((v) => v.split(',')).map((r) => r.trim()).filter(Boolean);
  for (const r of roles) if (!known.includes(r as Role)) throw new CliUsageError(`Unknown role "${r}": use operator, approver or observer.`);
  if (roles.length === 0) throw new CliUsageError('Give at least one --role (operator, approver or observer).');
  return roles as Role[];
}

export function registerIdentity(program: Command): void {
  const identity = program.command('identity').description('people who act and sign: a name, roles and an SSH key');

  identity.command('add')
    .description('add an identity with exactly one key source: --ssh-key FILE, --agent or --generate')
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--name <name>', 'identity name (the principal in allowed_signers)')
    .requiredOption('--role <role...>', 'operator, approver or observer (repeat or comma-separate)')
    .option('--ssh-key <file>', 'OpenSSH private key file; its passphrase from CUTOVER_KEY_PASSPHRASE or the terminal')
    .option('--agent', 'a key held by ssh-agent (SSH_AUTH_SOCK); hardware keys work')
    .option('--key <fingerprint>', 'with --agent: which key, when the agent holds several')
    .option('--generate', 'generate an Ed25519 key kept inside the encrypted vault')
    .option('--actor <name>', 'who adds it (default: CUTOVER_ACTOR or your user name)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; name: string; role: string[]; sshKey?: string; agent?: boolean; key?: string; generate?: boolean; actor?: string; json?: boolean }) => {
      const sources = [opts.sshKey !== undefined, Boolean(opts.agent), Boolean(opts.generate)].filter(Boolean).length;
      if (sources !== 1) throw new CliUsageError('Give exactly one key source: --ssh-key FILE, --agent or --generate.');
      if (opts.key && !opts.agent) throw new CliUsageError('--key only goes with --agent.');
      const { ROLES } = await import('../../core/vault');
      const roles = parseRoles(opts.role, ROLES);
      const source: KeySource = opts.sshKey !== undefined
        ? { kind: 'file', path: opts.sshKey, passphrase: () => readPassphrase('CUTOVER_KEY_PASSPHRASE', `Passphrase for ${opts.sshKey}: `) }
        : opts.agent ? { kind: 'agent', key: opts.key } : { kind: 'generate' };
      const v = await openVault(opts.vault);
      try {
        const { addIdentityFrom } = await import('../../core/identity');
        const info = await addIdentityFrom(v, { name: opts.name, roles, source, actor: opts.actor ?? defaultActor() });
        if (opts.json) printJson(info);
        else console.log(`Added ${info.name} (${info.roles.join(', ')}): ${info.fingerprint}, key in ${info.keySource === 'vault' ? 'the vault' : info.keySource === 'agent' ? 'ssh-agent' : info.keyPath}`);
      } finally {
        v.close();
      }
    });

  identity.command('list')
    .description('list identities with roles and key fingerprints')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault);
      try {
        const list = v.listIdentities();
        if (opts.json) printJson(list);
        else if (list.length === 0) console.log('No identities yet; add one with `cutover identity add`.');
        else for (const i of list) console.log(`${i.name.padEnd(16)} ${i.roles.join(',').padEnd(24)} ${i.fingerprint}  ${i.keySource === 'file' ? i.keyPath : i.keySource}`);
      } finally {
        v.close();
      }
    });
}
