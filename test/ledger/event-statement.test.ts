// The statement a workstation signs for each published event is written directly (a publisher
// signs, and every follower checks, one per event): it must be byte for byte the RFC 8785 JSON
// of the same object, or no signature made before would verify.
import { describe, expect, it } from 'vitest';
import { eventStatement } from '../../src/core/ledger';
import { LEDGER_EVENT_NAMESPACE } from '../../src/core/ledger/limits';
import { canonicalJson } from '../../src/core/vault';

describe('eventStatement', () => {
  it('is the canonical JSON of {format, ledger, workstation, seq, hash}', () => {
    const cases: Array<[string, string, number, string]> = [
      ['6f1c2b0e-6a43-4c55-9a53-3f1f7d1b2a10', 'ops-1', 1, 'a'.repeat(64)],
      ['00000000-0000-0000-0000-000000000000', 'W.x_y-9', 9_007_199_254_740_991, '0'.repeat(64)],
      ['ledger "quoted" \\ é \u2028', 'ws\u0001', 42, 'not-a-hash'],
    ];
    for (const [ledger, workstation, seq, hash] of cases) {
      expect(eventStatement(ledger, workstation, seq, hash).toString('utf8')).toBe(canonicalJson({ format: LEDGER_EVENT_NAMESPACE, ledger, workstation, seq, hash }));
    }
  });
});
