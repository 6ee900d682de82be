// Where a pack keeps each plan version its approvers signed, as the PDF names them: one version
// in plan/, several in plan/v1/, plan/v2/… by first approval; a person's latest approval of a text.
import { describe, expect, it } from 'vitest';
import { planVersionsOf } from '../../src/core/reports/plan-versions';

const approval = (seq: number, signer: string, plan: string) => ({ seq, signer, fingerprint: `SHA256:${signer}`, plan });

describe('plan versions in a pack', () => {
  it('one plan text: plan/plan.json and plan/approvals/NAME.sig', () => {
    const versions = planVersionsOf([approval(7, 'gov1', '{"v":1}'), approval(9, 'gov2', '{"v":1}')]);
    expect(versions).toEqual([{
      version: 1, dir: 'plan', path: 'plan/plan.json', text: '{"v":1}',
      sha256: 'afbf9d0f3560b0fd7795e81c42a0a79ee6b6fc67e064f77826aee642cad28d91',
      approvals: [{ signer: 'gov1', fingerprint: 'SHA256:gov1', path: 'plan/approvals/gov1.sig', seq: 7 }, { signer: 'gov2', fingerprint: 'SHA256:gov2', path: 'plan/approvals/gov2.sig', seq: 9 }],
    }]);
  });

  it('re-approval after a change: plan/v1, plan/v2 in the order of first approval; the latest approval of a text per person', () => {
    const versions = planVersionsOf([approval(20, 'gov2', 'B'), approval(5, 'gov1', 'A'), approval(6, 'gov2', 'A'), approval(21, 'gov1', 'B'), approval(30, 'gov1', 'A')]);
    expect(versions.map((v) => [v.version, v.path, v.text, v.approvals.map((a) => `${a.path}#${a.seq}`)])).toEqual([
      [1, 'plan/v1/plan.json', 'A', ['plan/v1/approvals/gov2.sig#6', 'plan/v1/approvals/gov1.sig#30']],
      [2, 'plan/v2/plan.json', 'B', ['plan/v2/approvals/gov2.sig#20', 'plan/v2/approvals/gov1.sig#21']],
    ]);
    expect(versions[0]!.sha256).toBe('559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd');
    expect(planVersionsOf([])).toEqual([]);
  });
});
