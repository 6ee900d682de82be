// The CLI's one hook for the team ledger: after any command that appended to a vault that joined
// a ledger, the vault's outbox is drained once (core/ledger/outbox.ts), bounded in time. The
// command's own result and exit code never depend on it: a ledger that is away leaves one line on
// stderr and the events for the next command. Whether the command appended is seen from the vault
// file and its WAL changing; whether the vault joined, from its marker file, so commands on other
// vaults pay one stat and nothing else. Core loads only when there is something to publish.
import { existsSync, statSync } from 'node:fs';

/** Time a drain may take after a command (CUTOVER_LEDGER_TIMEOUT_MS overrides; 5 s by default). */
function drainTimeoutMs(): number {
  const value = Number(process.env.CUTOVER_LEDGER_TIMEOUT_MS);
  return Number.isInteger(value) && value >= 100 && value <= 600_000 ? value : 5_000;
}

function vaultPathOf(argv: string[]): string | undefined {
  const i = argv.indexOf('--vault');
  const path = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--vault='))?.slice(8);
  return path && !path.startsWith('-') ? path : undefined;
}

/** What changes when anything is appended: the vault file's and its WAL's size and mtime. */
function stampOf(path: string): string {
  return [path, `${path}-wal`].map((p) => {
    if (!existsSync(p)) return '-';
    const s = statSync(p, { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  }).join('/');
}

async function drainAfterCommand(path: string): Promise<void> {
  const { hasLedgerMarker } = await import('../core/ledger/marker');
  if (!hasLedgerMarker(path)) return;
  const { behindLine, drainOutbox, publisherKey } = await import('../core/ledger');
  const passphrase = process.env.CUTOVER_PASSPHRASE;
  if (!passphrase) {
    process.stderr.write(`cutover: the team ledger is behind this vault: publishing after each command needs the vault passphrase in CUTOVER_PASSPHRASE (it is not asked twice); run \`cutover ledger publish --vault ${path} --follow\` beside your commands instead.\n`);
    return;
  }
  try {
    const { Vault } = await import('../core/vault');
    // Publishing only reads the vault: a read-only handle (every write refused), its type widened.
    const vault = Vault.openReadOnly(path, { passphrase }) as unknown as import('../core/vault').Vault;
    try {
      const keyOptions = {
        passphrase: async () => {
          const key = process.env.CUTOVER_KEY_PASSPHRASE;
          if (!key) throw new Error("the owner's key file needs its passphrase in CUTOVER_KEY_PASSPHRASE");
          return key;
        },
      };
      // The key once, for the events and the transcripts; without it the drain says why, as before.
      const signer = await publisherKey(vault, keyOptions).catch(() => undefined);
      const outcome = await drainOutbox(vault, { timeoutMs: drainTimeoutMs(), ...keyOptions, ...(signer ? { signer } : {}) });
      if (outcome.state === 'behind' || outcome.state === 'diverged') process.stderr.write(`${behindLine(outcome, path)}\n`);
      if (outcome.state === 'published' && signer) {
        // Transcripts follow the events that name them (issue 15); a runbook may keep them home.
        const { drainTranscripts, TRANSCRIPTS_NEED_INIT } = await import('../core/ledger/transcripts-publish');
        const shared = await drainTranscripts(vault, { signer, timeoutMs: drainTimeoutMs() });
        if (shared.state === 'needs-init') process.stderr.write(`cutover: ${TRANSCRIPTS_NEED_INIT}.\n`);
        if (shared.state === 'behind') process.stderr.write(`cutover: the team ledger has not taken this vault's transcripts yet (${shared.reason.replace(/\.$/, '')}); they go out with the next command, or \`cutover ledger publish --vault ${path}\`.\n`);
      }
    } finally {
      vault.close();
    }
  } catch (error) {
    process.stderr.write(`cutover: the team ledger is behind this vault: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/** Runs the command, then drains the vault's outbox if the command appended to a joined vault. */
export async function publishAfterCommand<T>(argv: string[], command: () => Promise<T>): Promise<T> {
  const path = vaultPathOf(argv);
  const before = path && existsSync(path) ? stampOf(path) : null;
  try {
    return await command();
  } finally {
    if (path && before !== null && existsSync(path) && stampOf(path) !== before) await drainAfterCommand(path);
  }
}
