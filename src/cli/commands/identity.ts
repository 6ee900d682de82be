import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ChainIdentity, KeySource } from '../../core/identity';
import type { Role } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError } from '../errors';
import { printJson, readBounded } from '../format';
import { outputLang } from '../lang';
import { translate, translator } from '../../shared/i18n';
import { readPassphrase } from '../passphrase';
import { openVault } from './vault';

const NAMESPACE = 'cutover-identity-v1';

/** operator, approver, observer, or any role a runbook declares (incident_commander, payments_owner, …). */
async function parseRoles(values: string[]): Promise<Role[]> {
  // Loaded here, not at the top: `--help` loads no core (test/cli/startup.test.ts).
  const { isRoleName } = await import('../../core/identity/roles');
  const tr = translator(outputLang());
  const roles = values.flatMap((v) => v.split(',')).map((r) => r.trim()).filter(Boolean);
  for (const r of roles) if (!isRoleName(r)) throw new CliUsageError(tr.t('identity.cli.notRole', { role: r, rule: tr.t('identity.roleRule') }));
  if (roles.length === 0) throw new CliUsageError(tr.t('identity.cli.someRole'));
  return roles;
}

const WHAT = { 'public key': 'identity.cli.what.publicKey', statement: 'identity.cli.what.statement', signature: 'identity.cli.what.signature' } as const;

/**
 * A file the user named, read whole when it is a regular file of at most 64 KiB; readBounded's
 * refusal (format.ts, English) said again in the language asked for.
 */
async function readSmallFile(path: string, what: 'public key' | 'statement' | 'signature'): Promise<Buffer> {
  try {
    return readBounded(path, 64 << 10, what);
  } catch (error) {
    const tr = translator(outputLang());
    if (!(error instanceof CliUsageError) || tr.lang === 'en') throw error;
    const word = tr.t(WHAT[what]);
    for (const key of ['identity.cli.notAFile', 'identity.cli.noFile'] as const) {
      if (error.message === translate('en', key, { what, path })) throw new CliUsageError(tr.t(key, { what: word, path }));
    }
    const { matchAgain } = await import('../../core/reports/word-again');
    const again = matchAgain(tr.lang, error.message, ['identity.cli.tooLarge'], { what: Object.values(WHAT) });
    throw again === null ? error : new CliUsageError(again);
  }
}

/** --public-key takes an OpenSSH public key line, or the path of a file holding one (a .pub). */
async function readPublicKey(value: string): Promise<string> {
  if (/^(ssh-|ecdsa-|sk-)\S+\s+\S/.test(value.trim())) return value.trim();
  const tr = translator(outputLang());
  if (!existsSync(value)) throw new CliUsageError(tr.t('identity.cli.noPublicKey', { value }));
  const text = (await readSmallFile(value, 'public key')).toString('utf8').trim();
  if (/-----BEGIN/.test(text)) throw new CliUsageError(tr.t('identity.cli.privateKey', { value }));
  return text;
}


function status(i: ChainIdentity): 'owner' | 'proven' | 'unproven' | 'custodial' {
  if (i.custodial) return 'custodial';
  if (i.owner && i.proven) return 'owner';
  return i.proven ? 'proven' : 'unproven';
}

function signCommand(file: string): string {
  return `ssh-keygen -Y sign -n ${NAMESPACE} -f ~/.ssh/id_ed25519 ${file}`;
}

export function registerIdentity(program: Command): void {
  const identity = program.command('identity').description('people who act and sign: a name, roles and an SSH key');

  identity.command('add')
    .description('add an identity: --public-key for anyone (they prove it with `identity statement` and `identity prove`); --ssh-key, --agent or --generate only for the vault\'s owner')
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--name <name>', 'identity name (the principal in allowed_signers)')
    .requiredOption('--role <role...>', 'operator, approver, observer, or any role a runbook declares, e.g. incident_commander, payments_owner (lower_snake_case; repeat or comma-separate)')
    .option('--public-key <file-or-line>', 'the person\'s OpenSSH public key: a .pub file or the key line; the private key stays with them')
    .option('--ssh-key <file>', 'owner only: OpenSSH private key file; its passphrase from CUTOVER_KEY_PASSPHRASE or the terminal')
    .option('--agent', 'owner only: a key held by ssh-agent (SSH_AUTH_SOCK); hardware keys work')
    .option('--key <fingerprint>', 'with --agent: which key, when the agent holds several')
    .option('--generate', 'owner only: generate an Ed25519 key kept inside the encrypted vault')
    .option('--actor <name>', 'who adds it (default: CUTOVER_ACTOR or your user name)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; name: string; role: string[]; publicKey?: string; sshKey?: string; agent?: boolean; key?: string; generate?: boolean; actor?: string; json?: boolean }) => {
      const sources = [opts.publicKey !== undefined, opts.sshKey !== undefined, Boolean(opts.agent), Boolean(opts.generate)].filter(Boolean).length;
      const lang = outputLang();
      if (sources !== 1) throw new CliUsageError(translator(lang).t('identity.cli.oneSource'));
      if (opts.key && !opts.agent) throw new CliUsageError(translator(lang).t('identity.cli.keyWithAgent'));
      const roles = await parseRoles(opts.role);
      const source: KeySource = opts.publicKey !== undefined
        ? { kind: 'public', publicKey: await readPublicKey(opts.publicKey) }
        : opts.sshKey !== undefined
          ? { kind: 'file', path: opts.sshKey, passphrase: () => readPassphrase('CUTOVER_KEY_PASSPHRASE', translator(lang).t('identity.cli.keyFilePassphrase', { path: String(opts.sshKey) })) }
          : opts.agent ? { kind: 'agent', key: opts.key } : { kind: 'generate' };
      const v = await openVault(opts.vault);
      try {
        const { addIdentityFrom, registryOf } = await import('../../core/identity');
        const info = await addIdentityFrom(v, { name: opts.name, roles, source, actor: opts.actor ?? defaultActor(), lang });
        const chain = registryOf(v).get(info.name)!;
        if (opts.json) printJson({ ...info, owner: chain.owner, proven: chain.proven, status: status(chain) });
        else if (info.keySource === 'public') {
          const file = `${info.name}.identity.json`;
          console.log(translator(outputLang()).t('cli.identity.addedPublic', { name: info.name, roles: info.roles.join(', '), fingerprint: info.fingerprint, vault: opts.vault, file, sign: signCommand(file) }));
        } else {
          const tr = translator(outputLang());
          console.log(tr.t('cli.identity.addedOwner', { name: info.name, roles: info.roles.join(', '), fingerprint: info.fingerprint, where: info.keySource === 'vault' ? tr.t('cli.identity.keyInVault') : info.keySource === 'agent' ? 'ssh-agent' : String(info.keyPath) }));
        }
      } finally {
        v.close();
      }
    });

  identity.command('statement')
    .description(`write the identity statement a person signs on their own machine (ssh-keygen -Y sign -n ${NAMESPACE})`)
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--name <name>', 'the identity')
    .requiredOption('--out <file>', 'where to write the statement (exact bytes: sign it unchanged)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; name: string; out: string; json?: boolean }) => {
      const v = await openVault(opts.vault, { readOnly: true });
      try {
        const { identityStatementFor, registryOf } = await import('../../core/identity');
        const statement = identityStatementFor(v, opts.name, outputLang());
        const chain = registryOf(v).get(opts.name)!;
        try {
          writeFileSync(opts.out, statement);
        } catch (error) {
          throw new CliUsageError(translator(outputLang()).t('identity.cli.cannotWrite', { out: opts.out, why: (error as NodeJS.ErrnoException).code ?? (error as Error).message }));
        }
        const command = signCommand(opts.out);
        const prove = `cutover identity prove --vault ${opts.vault} --name ${opts.name} --statement ${opts.out} --signature ${opts.out}.sig`;
        if (opts.json) printJson({ name: opts.name, fingerprint: chain.fingerprint, out: opts.out, statement, namespace: NAMESPACE, sign: command, prove });
        else {
          console.log(translator(outputLang()).t('cli.identity.statementWritten', { name: opts.name, out: opts.out, fingerprint: chain.fingerprint, sign: command, prove }));
        }
      } finally {
        v.close();
      }
    });

  identity.command('prove')
    .description('import a signed identity statement (the owner may prove their own identity in place by leaving out --statement and --signature)')
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--name <name>', 'the identity')
    .option('--statement <file>', 'the statement written by `identity statement`, unchanged')
    .option('--signature <file>', `its signature by ssh-keygen -Y sign -n ${NAMESPACE}`)
    .option('--actor <name>', 'who imports it (default: CUTOVER_ACTOR or your user name)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; name: string; statement?: string; signature?: string; actor?: string; json?: boolean }) => {
      const lang = outputLang();
      if ((opts.statement === undefined) !== (opts.signature === undefined)) throw new CliUsageError(translator(lang).t('identity.cli.bothFiles'));
      const statement = opts.statement !== undefined ? await readSmallFile(opts.statement, 'statement') : null;
      const signature = opts.signature !== undefined ? (await readSmallFile(opts.signature, 'signature')).toString('utf8') : null;
      const v = await openVault(opts.vault);
      try {
        const { proveIdentity, proveOwnerInPlace } = await import('../../core/identity');
        const actor = opts.actor ?? defaultActor();
        const result = statement && signature !== null
          ? proveIdentity(v, { name: opts.name, statement, signature, actor, lang })
          : await proveOwnerInPlace(v, { name: opts.name, actor, lang, passphrase: () => readPassphrase('CUTOVER_KEY_PASSPHRASE', translator(lang).t('identity.cli.keyPassphrase')) });
        if (opts.json) printJson({ ...result.identity, status: status(result.identity), appended: result.appended });
        else {
          const tr = translator(outputLang());
          console.log(result.appended
            ? tr.t('cli.identity.proven', { name: opts.name, fingerprint: result.identity.fingerprint, seq: String(result.identity.provenSeq) })
            : tr.t('cli.identity.alreadyProven', { name: opts.name, seq: String(result.identity.provenSeq) }));
        }
      } finally {
        v.close();
      }
    });

  identity.command('list')
    .description('list identities from the chain: roles, key fingerprint, and owner / proven / unproven / custodial')
    .requiredOption('--vault <path>', 'vault file')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; json?: boolean }) => {
      const v = await openVault(opts.vault, { readOnly: true });
      try {
        const { identityTableDifferences, registryOf } = await import('../../core/identity');
        const rows = new Map(v.listIdentities().map((row) => [row.name, row]));
        const list = registryOf(v).all().map((i) => ({ ...i, keyPath: rows.get(i.name)?.keyPath ?? null, createdAt: rows.get(i.name)?.createdAt ?? null, status: status(i) }));
        const differences = identityTableDifferences(v, outputLang());
        if (opts.json) printJson(list);
        else if (list.length === 0) console.log(translator(outputLang()).t('cli.identity.none'));
        else {
          const tr = translator(outputLang());
          const word = (s: ReturnType<typeof status>) => tr.t(`cli.identity.status.${s}`);
          // As wide as this language's longest single status (English: 9, as always).
          const width = Math.max(...(['owner', 'proven', 'unproven', 'custodial'] as const).map((s) => word(s).length));
          for (const i of list) {
            const shown = i.owner && !i.proven ? tr.t('cli.identity.status.ownerUnproven') : word(i.status);
            console.log(`${i.name.padEnd(16)} ${i.roles.join(',').padEnd(24)} ${i.fingerprint}  ${shown.padEnd(width)}  ${i.keySource === 'file' ? i.keyPath : i.keySource}`);
          }
          if (list.some((i) => i.owner && !i.proven)) console.log(tr.t('cli.identity.ownerProves', { vault: opts.vault, name: list.find((i) => i.owner)!.name }));
          if (list.some((i) => i.custodial)) console.log(tr.t('cli.identity.custodialNote'));
        }
        for (const d of differences) process.stderr.write(`cutover: ${translator(outputLang()).t('cmd.identity.warning', { message: d.message })}\n`);
      } finally {
        v.close();
      }
    });
}
