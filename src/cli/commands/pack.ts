// `cutover pack export | sign | verify | import-signature`: the decision pack, from the vault to
// an approver's air-gapped machine and back, and to an auditor a year later.
//
// Exit codes: 0 ok (verify: VERIFIED); 1 verify FAILED (anything broken, a bad, untrusted or
// rejecting signature); 3 verify AWAITING SIGNATURES (intact, the policy not met yet); 2 bad
// input (no such pack, not a pack, an unreadable roster, an unsafe zip to sign, a wrong key).
import type { Command } from 'commander';
import type { Signer } from '../../core/signing';
// The pack code (zip, PDF, the engine) and the key code load inside the actions; the error class
// file is dependency-free and the same module the pack index re-exports.
import { PackError, printable } from '../../core/pack/errors';
import { VaultError } from '../../core/vault/errors';
import { CliUsageError } from '../errors';
import { formatBytes, printJson } from '../format';
import { readPassphrase } from '../passphrase';
import { outputLang, cliWords } from '../lang';
import type { Lang } from '../../shared/i18n/languages';
import { translator } from '../../shared/i18n';
import { openVault } from './vault';

type SetExit = (code: number) => void;

const packCore = () => import('../../core/pack');

/** Lines that may quote a pack (names, reasons), each with its control characters escaped. */
const printableLines = (text: string) => text.split('\n').map(printable).join('\n');

/**
 * Pack errors are input the user can fix: exit 2 with the message, like every other CLI refusal,
 * in the language asked for (the pack's runbook's, when `packPath` is given and it names one).
 */
async function asUsage<T>(fn: () => Promise<T>, packPath?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PackError) {
      const lang = outputLang(packPath === undefined ? undefined : await packLanguageOf(packPath));
      const { packRefusalText } = await import('../../core/pack/refusal-words');
      throw new CliUsageError(printableLines(packRefusalText(lang, error.message)));
    }
    // A transcript whose segment file is damaged (exporting reads every one): the vault's words, in the language asked for.
    if (error instanceof VaultError && error.code === 'SEGMENT_DAMAGED') {
      error.message = (await import('../../core/vault/verify')).segmentErrorText(outputLang(), error.message);
    }
    throw error;
  }
}


/** The language the pack's runbook names (`language:`), if its manifest can be read and names one. */
async function packLanguageOf(pack: string): Promise<Lang | undefined> {
  return (await import('../../core/pack/verdict-words')).packLanguage(pack);
}

/** The key the pack names for an identity (to pick it from the agent without a fingerprint). */
async function packKeyOf(pack: string, identity: string): Promise<string | null> {
  const { MANIFEST, MAX_MANIFEST_BYTES, openPack, parseManifest } = await packCore();
  const source = await openPack(pack);
  try {
    if (!source.has(MANIFEST)) return null;
    const { manifest } = parseManifest(await source.read(MANIFEST, MAX_MANIFEST_BYTES));
    return manifest?.predicate.identities.find((i) => i.name === identity)?.fingerprint ?? null;
  } finally {
    await source.close();
  }
}

async function chooseSigner(opts: { key?: string; agent?: boolean; keyFingerprint?: string; identity: string }, pack: string): Promise<Signer> {
  if (Boolean(opts.key) === Boolean(opts.agent)) throw new CliUsageError(cliWords().t('pack.cli.oneKey'));
  if (opts.keyFingerprint && !opts.agent) throw new CliUsageError(cliWords().t('pack.cli.fingerprintWithAgent'));
  const { agentSigner, listAgentKeys, loadKeyFile, parsePublicKey } = await import('../../core/signing');
  if (opts.key) {
    try {
      try {
        return await loadKeyFile(opts.key);
      } catch (error) {
        if ((error as Error).name !== 'KeyPassphraseRequiredError') throw error;
        return await loadKeyFile(opts.key, await readPassphrase('CUTOVER_KEY_PASSPHRASE', cliWords().t('identity.cli.keyFilePassphrase', { path: opts.key })));
      }
    } catch (error) {
      // A key file missing, unreadable or not OpenSSH: the signing module's error, said in the language asked for.
      throw (await import('../../core/identity/words')).keyErrorIn(outputLang(), error);
    }
  }
  if (opts.keyFingerprint) return agentSigner(opts.keyFingerprint);
  const wanted = await packKeyOf(pack, opts.identity);
  if (wanted) return agentSigner(wanted);
  const held = await listAgentKeys();
  if (held.length === 1) return agentSigner(held[0]!);
  throw new CliUsageError(cliWords().t('pack.cli.agentKeys', { n: held.length, identity: opts.identity, list: held.map((k) => `  ${parsePublicKey(k).fingerprint}`).join('\n') }));
}

export function registerPack(program: Command, setExit: SetExit): void {
  const pack = program.command('pack').description('the signed decision pack: export it, sign it offline, verify it with stock tools, import signatures');

  pack.command('export')
    .description('export a run as a pack folder and a deterministic zip: evidence, the signed plan and its approvals, the chain, the signed acts, and every verdict the vault holds on it (only reads the vault; same vault state, same bytes)')
    .requiredOption('--vault <path>', 'vault file')
    .argument('<run>', 'run id')
    .requiredOption('--out <dir>', 'folder to write decision-pack-<run>/ and decision-pack-<run>.zip into')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { vault: string; out: string; json?: boolean }) => {
      // Exporting only reads: the vault is opened read-only and nothing is appended.
      const vault = await openVault(opts.vault, { readOnly: true });
      try {
        const { buildPack } = await packCore();
        const built = await asUsage(() => buildPack(vault, runId, { outDir: opts.out }));
        if (opts.json) {
          printJson(built);
          return;
        }
        const bytes = built.files.reduce((n, f) => n + f.size, 0);
        // In the run's language (the pack's runbook's), else the one asked for.
        const tr = translator(outputLang(await packLanguageOf(built.folder)));
        console.log(tr.t('pack.cli.exported', {
          runId, folder: built.folder, zip: built.zip, size: formatBytes(built.zipBytes, tr.lang), sha256: built.zipSha256, manifest: built.manifestSha256,
          n: built.files.length, bytes: formatBytes(bytes, tr.lang), seq: built.chainHead.seq,
          signatures: built.signedBy.length ? tr.t('pack.cli.signedBy', { names: built.signedBy.join(', ') }) : tr.t('pack.cli.noSignatures'),
        }));
      } finally {
        vault.close();
      }
    });

  pack.command('verify')
    .description('check every hash, the manifest, each signature and the approval policy; says VERIFIED, AWAITING SIGNATURES or FAILED and names what fails')
    .argument('<pack>', 'pack folder or zip')
    .option('--allowed-signers <file>', 'your organisation\'s allowed_signers roster: only its keys count (namespaces, valid-after, valid-before honoured as ssh-keygen does; cert-authority lines refused)')
    .option('--json', 'print JSON')
    .addHelpText('after', [
      '',
      'Exit codes:',
      '  0  VERIFIED: intact and the approval policy met',
      '  3  AWAITING SIGNATURES: intact, no broken or rejected signature, the policy not met yet (a pack as exported)',
      '  1  FAILED: a file, the manifest, SHA256SUMS or the zip broken; a bad or untrusted signature; a rejection',
      '  2  bad input: no such pack, not a pack, an unreadable or unusable --allowed-signers file',
      '',
      'Without --allowed-signers the signatures are checked against the pack\'s own allowed_signers:',
      'that proves the pack is intact and self-consistent, not who signed it (the signers are "claimed").',
    ].join('\n'))
    .action(async (path: string, opts: { allowedSigners?: string; json?: boolean }) => {
      const { verifyPack, VERDICT_EXIT_CODES } = await packCore();
      const report = await asUsage(() => verifyPack(path, { allowedSignersFile: opts.allowedSigners }), path);
      if (opts.json) printJson(report);
      else {
        // Loaded here: its words come from core's pack modules, which `--help` must not load.
        const { formatPackReport } = await import('../pack-report-format');
        console.log(formatPackReport(report, outputLang(await packLanguageOf(path))));
      }
      setExit(VERDICT_EXIT_CODES[report.verdict]);
    });

  pack.command('sign')
    .description('sign a pack with your verdict (approve, or reject with a reason); needs only the pack and your key, no vault')
    .argument('<pack>', 'pack folder, or zip (the signature is added into the zip, rewritten in place)')
    .requiredOption('--identity <name>', 'who you are in the pack (your allowed_signers principal)')
    .option('--key <file>', 'OpenSSH private key file; its passphrase from CUTOVER_KEY_PASSPHRASE or the terminal')
    .option('--agent', 'sign with a key held by ssh-agent (SSH_AUTH_SOCK); hardware keys work')
    .option('--key-fingerprint <fp>', 'with --agent: which key (default: the one the pack names for --identity)')
    .option('--reject', 'sign a rejection (needs --reason)')
    .option('--reason <text>', 'why (required with --reject; a comment with an approval)')
    .option('--json', 'print JSON')
    .action(async (path: string, opts: { identity: string; key?: string; agent?: boolean; keyFingerprint?: string; reject?: boolean; reason?: string; json?: boolean }) => {
      if (opts.reject && !opts.reason?.trim()) throw new CliUsageError(cliWords().t('pack.cli.rejectReason'));
      const signer = await asUsage(() => chooseSigner(opts, path), path);
      const { signPack } = await packCore();
      const signed = await asUsage(() => signPack(path, { identity: opts.identity, signer, decision: opts.reject ? 'reject' : 'approve', reason: opts.reason ?? null }), path);
      if (opts.json) {
        printJson(signed);
        return;
      }
      const { packRefusalText } = await import('../../core/pack/refusal-words');
      const warningLang = outputLang(await packLanguageOf(path));
      for (const w of signed.warnings) process.stderr.write(`cutover: warning: ${printable(packRefusalText(warningLang, w))}\n`);
      const tr = translator(warningLang);
      console.log(printableLines(tr.t('pack.cli.signed', {
        identity: signed.identity, verdict: tr.t(signed.decision === 'approve' ? 'pack.cli.approved' : 'pack.cli.rejected'),
        reason: signed.reason ? tr.t('pack.cli.reason', { reason: signed.reason }) : '', fingerprint: signed.fingerprint,
        replaced: signed.replaced ? tr.t('pack.cli.replacing') : '', sha256: signed.manifestSha256, written: signed.written.join(', '),
        where: tr.t(signed.kind === 'zip' ? 'pack.cli.intoZip' : 'pack.cli.inFolder', { pack: signed.pack }),
      })));
    });

  pack.command('import-signature')
    .description('bring an identity\'s signature and verdict from a pack into the vault, checked against the vault\'s key for them and against the manifest this vault exports for the run now')
    .requiredOption('--vault <path>', 'vault file')
    .argument('<run>', 'run id')
    .requiredOption('--pack <pack>', 'pack folder or zip holding the signature')
    .requiredOption('--identity <name>', 'whose signature')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { vault: string; pack: string; identity: string; json?: boolean }) => {
      const vault = await openVault(opts.vault);
      try {
        const { importSignature } = await packCore();
        const imported = await asUsage(() => importSignature(vault, runId, opts.pack, opts.identity), opts.pack);
        if (opts.json) printJson({ ...imported, event: { seq: imported.event.seq, hash: imported.event.hash, type: imported.event.type } });
        else {
          const tr = translator(outputLang(await packLanguageOf(opts.pack)));
          console.log(printableLines(tr.t(imported.alreadyImported ? 'pack.cli.alreadyImported' : 'pack.cli.imported', {
            identity: imported.identity, verdict: tr.t(imported.decision === 'approve' ? 'pack.cli.approved' : 'pack.cli.rejected'),
            reason: imported.reason ? tr.t('pack.cli.reason', { reason: imported.reason }) : '', sha256: imported.manifestSha256, seq: imported.event.seq,
          })));
        }
      } finally {
        vault.close();
      }
    });
}
