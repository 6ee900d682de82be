// What a production pack carries of its rehearsal: rehearsal/manifest.json (the rehearsal pack's
// manifest, byte for byte: its sha256 is the one the run is bound to, so an auditor checks it
// with sha256sum) and rehearsal/comparison.json (each step against the rehearsal's).
import type { RunState } from '../engine/types';
import type { ReadOnlyVault } from '../vault';
import { rehearsalOf } from './follow';
import { comparisonBytes, runComparison } from './report';

export const REHEARSAL_MANIFEST = 'rehearsal/manifest.json';
export const REHEARSAL_COMPARISON = 'rehearsal/comparison.json';

export function rehearsalPackFiles(vault: ReadOnlyVault, state: RunState): { path: string; bytes: Buffer }[] {
  if (!state.rehearsal) return [];
  const record = rehearsalOf(vault, state);
  return [
    ...(record ? [{ path: REHEARSAL_MANIFEST, bytes: record.manifestBytes }] : []),
    { path: REHEARSAL_COMPARISON, bytes: comparisonBytes(runComparison(vault, state)) },
  ];
}
