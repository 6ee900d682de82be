// pack verify's words about signatures that do not count, from the real policy check
// (applyPolicy): the operator approving their own run, someone without the role, a key that
// already counted — printed by pack verify's formatter in Spanish for a Spanish pack, with no
// English sentence of the catalogue, and in English exactly as the check words them.
import { describe, expect, it } from 'vitest';
import type { ParsedManifest } from '../../src/core/pack/manifest';
import type { PackVerifyReport, SignatureCheck } from '../../src/core/pack/report';
import { applyPolicy } from '../../src/core/pack/signatures';
import { formatPackReport } from '../../src/cli/pack-report-format';
import { found } from './language-sentences';

const manifest = { predicate: { policy: { quorum: 2, role: 'approver', operator: 'op', operatorFingerprint: 'SHA256:op' }, identities: [{ name: 'op', roles: ['operator', 'approver'] }, { name: 'obs', roles: ['observer'] }, { name: 'ap1', roles: ['approver'] }, { name: 'ap1b', roles: ['approver'] }] } } as unknown as ParsedManifest;
const good = (identity: string, fingerprint: string): SignatureCheck => ({ identity, status: 'valid', message: 'ok', fingerprint, decision: 'approve', reason: null, signedAt: null, counts: false, notCounted: null });

function report(): PackVerifyReport {
  const signatures = [good('op', 'SHA256:op'), good('obs', 'SHA256:obs'), good('ap1', 'SHA256:ap1'), good('ap1b', 'SHA256:ap1')];
  const problems: PackVerifyReport['problems'] = [];
  const policy = applyPolicy(manifest, signatures, problems);
  return { ok: false, verdict: 'AWAITING SIGNATURES', summary: 'AWAITING SIGNATURES: test', pack: '/tmp/p', kind: 'folder', runId: 'r1', manifestSha256: 'a'.repeat(64), trust: { source: 'pack', path: 'allowed_signers', note: 'the pack\'s own allowed_signers', skipped: [], packSignersNotInRoster: [] }, files: [], signatures, contents: null, policy, problems } as unknown as PackVerifyReport;
}

describe('pack verify\'s signature words in the pack\'s language', () => {
  it('the real policy check says why three good signatures do not count', () => {
    expect(report().signatures.map((s) => s.notCounted)).toEqual([
      'op is the run\'s operator (op): a self-approval never counts',
      'obs does not have the role "approver" in the manifest',
      null,
      'same key as ap1: one key counts once',
    ]);
  });

  it('Spanish: each reason in Spanish, no English catalogue sentence; English: as the check words them', () => {
    const es = formatPackReport(report(), 'es');
    expect(es).toContain('(no cuenta: op es el operador de la ejecución (op): una autoaprobación nunca cuenta)');
    expect(es).toContain('(no cuenta: obs no tiene el rol "approver" en el manifiesto)');
    expect(es).toContain('(no cuenta: la misma clave que ap1: una clave cuenta una sola vez)');
    expect(found(es, 'en')).toEqual([]);
    const en = formatPackReport(report(), 'en');
    expect(en).toContain(' (not counted: op is the run\'s operator (op): a self-approval never counts)');
    expect(en).toContain(' (not counted: same key as ap1: one key counts once)');
  });
});
