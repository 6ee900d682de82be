// Core's refusals that main recognises and words for the window in its language: a vault that
// will not open (by the vault error's stable code, with the path main was asked to open) and a
// call for a run that is not in the open vault (main checks the chain itself). English stays
// core's own message; only the envelope's other languages change (worded.ts).
import { hasRun } from '../core/engine/runs';
import { keyslotsPathFor, type Vault } from '../core/vault';
import { isWorded, worded, type MainKey } from './worded';
import { PackError } from '../core/pack/errors';
import { packRefusalText } from '../core/pack/refusal-words';
import { SegmentError } from '../core/vault/segment-reader';
import { segmentErrorText } from '../core/vault/verify';
import type { Lang } from '../shared/i18n';

const VAULT_WORDS: Readonly<Record<string, MainKey>> = {
  VAULT_NOT_FOUND: 'main.vault.notFound',
  VAULT_EXISTS: 'main.vault.exists',
  KEYSLOTS_MISSING: 'main.vault.keyslotsMissing',
  NOT_A_VAULT: 'main.vault.notAVault',
  WRONG_PASSPHRASE: 'main.vault.wrongPassphrase',
  VAULT_CORRUPT: 'main.vault.corrupt',
  VAULT_TOO_NEW: 'main.vault.tooNew',
  VAULT_BUSY: 'main.vault.busy',
  VAULT_READ_ONLY: 'main.vault.readOnly',
  VAULT_DISK_FULL: 'main.vault.diskFull',
  // Core's keychain refusal while opening (the handlers' own KEYCHAIN_UNAVAILABLE is worded already).
  KEYCHAIN_UNAVAILABLE: 'main.vault.keychainCannot',
};

/** Opens (or creates) the vault at `path`; a vault error it throws is worded for the window. */
export function openingVault<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const key = error instanceof Error ? VAULT_WORDS[String((error as { code?: unknown }).code)] : undefined;
    if (key && !isWorded(error)) worded(error as Error, key, { path, keyslots: keyslotsPathFor(path) });
    throw error;
  }
}

/** A failed call for `input.runId` that core refused because the open vault has no such run. */
export function wordMissingRun(error: unknown, vault: Vault | null, input: unknown): void {
  if (!vault || !(error instanceof Error) || isWorded(error)) return;
  const runId = typeof input === 'object' && input !== null ? (input as { runId?: unknown }).runId : undefined;
  if (typeof runId !== 'string' || !error.message.includes(runId) || hasRun(vault, runId)) return;
  worded(error, 'main.run.notFound', { runId });
}

/**
 * A core error main does not word itself, in the window's language where core has its words: a
 * pack refusal (an unsafe zip, a pack that is not one…) and a damaged transcript segment. Any
 * other error's message as it is.
 */
export function coreErrorText(error: Error, lang: Lang): string {
  if (lang === 'en') return error.message;
  if (error instanceof PackError) return packRefusalText(lang, error.message);
  if (error instanceof SegmentError) return segmentErrorText(lang, error.message);
  return error.message;
}
