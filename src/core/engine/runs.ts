// Whether a run exists, without folding it: evidence stored "for a run" (a schema fingerprint,
// an SQL preview) checks this first. Reads the chain a page at a time.
import type { Vault } from '../vault';

export function hasRun(vault: Pick<Vault, 'events'>, runId: string): boolean {
  const page = 1000;
  for (let after = 0; ;) {
    const events = vault.events({ afterSeq: after, limit: page });
    if (events.some((e) => e.type === 'run.started' && (e.payload as { runId?: unknown } | null)?.runId === runId)) return true;
    if (events.length < page) return false;
    after = events[events.length - 1]!.seq;
  }
}
