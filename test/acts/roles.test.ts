// Any role (issue 12 item 7): a runbook declares incident_commander, payments_owner, …; identities
// carry them; `by:` says who signs a record or manual step; `policy.decide` names who decides;
// `skippable: false` refuses skips. Every refusal leaves the chain's head where it was.
import { describe, expect, it } from 'vitest';
import { addIdentityFrom } from '../../src/core/identity';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { generateEd25519, signerFromGenerated } from '../../src/core/signing';
import { addPerson } from '../helpers/people';
import { useEngineFixture, type EngineFixture } from '../engine/setup';

const RUNBOOK = `
format: cutover-runbook/v1
id: go-live
title: Go-live with a war room
version: "1"
roles:
  operator: { min: 1 }
  incident_commander: { min: 1, description: Sole GO/NO-GO decider }
  payments_owner: { min: 1 }
  scribe: { min: 0 }
policy:
  decide: incident_commander
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Payments
    steps:
      - id: ledger-totals
        kind: record
        title: Ledger totals signed off by payments
        by: payments_owner
        fields: [ { name: total, label: Ledger total, pattern: '^[0-9]+$' } ]
      - { id: smoke, kind: manual, title: Payments smoke test, instructions: Pay 1 EUR, by: payments_owner, skippable: false }
      - { id: notes, kind: manual, title: Scribe notes, instructions: Write the timeline }
  - id: P1
    title: No skipping here
    skippable: false
    steps:
      - { id: kpi, kind: manual, title: KPI check, instructions: Compare KPIs }
`;

/** Runs fn, expects it to throw matching `message`, and the chain's head not to move. */
async function refusedWithHeadUnchanged(fx: EngineFixture, fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = fx.vault.head();
  await expect(fn()).rejects.toThrow(message);
  expect(fx.vault.head()).toEqual(before);
}

async function warRoom() {
  const fx = await useEngineFixture();
  const pay = await addPerson(fx.vault, 'pat', ['payments_owner']);
  const ic = await addPerson(fx.vault, 'ines', ['incident_commander', 'observer']);
  fx.keyring.add(pay.signer);
  fx.keyring.add(ic.signer);
  const op = fx.engine('op');
  const run = await op.startRun({ text: RUNBOOK, source: 'go-live.yaml', environment: 'rehearsal' });
  await op.attest(run.runId, 'freeze');
  return { fx, op, runId: run.runId };
}

describe('any role', () => {
  it('a record step by: payments_owner is refused for the operator (chain head unchanged) and accepted from the payments owner', async () => {
    const { fx, op, runId } = await warRoom();
    await refusedWithHeadUnchanged(fx, () => op.record(runId, 'ledger-totals', { total: '1200' }), /op is operator; only payments_owner may record values \(ledger-totals\)/);
    const step = await fx.engine('pat').record(runId, 'ledger-totals', { total: '1200' });
    expect(step).toMatchObject({ status: 'PASS', actor: 'pat', values: { total: '1200' } });
  });

  it('a manual step by: payments_owner is marked done only by the payments owner', async () => {
    const { fx, op, runId } = await warRoom();
    await refusedWithHeadUnchanged(fx, () => op.done(runId, 'smoke'), /only payments_owner may mark a step done \(smoke\)/);
    expect((await fx.engine('pat').done(runId, 'smoke', '1 EUR paid')).status).toBe('PASS');
    // A step without by: is the operator's, as before.
    await refusedWithHeadUnchanged(fx, () => fx.engine('pat').done(runId, 'notes'), /only operator may mark a step done \(notes\)/);
  });

  it('policy.decide: incident_commander — only the incident commander decides; the operator and an approver are refused', async () => {
    const { fx, op, runId } = await warRoom();
    await refusedWithHeadUnchanged(fx, () => op.decide(runId, 'stop', 'operator tries to call it'), /only incident_commander may decide on the run/);
    await refusedWithHeadUnchanged(fx, () => fx.engine('ap1').decide(runId, 'stop', 'approver tries to call it'), /ap1 is approver; only incident_commander may decide on the run/);
    const state = await fx.engine('ines').decide(runId, 'stop', 'NO-GO: payments smoke failed');
    expect(state.status).toBe('STOPPED');
    expect(state.decisions.at(-1)).toMatchObject({ decision: 'stop', actor: 'ines' });
  });

  it('skippable: false on a step or its phase refuses the skip (chain head unchanged); other steps skip as before', async () => {
    const { fx, op, runId } = await warRoom();
    await refusedWithHeadUnchanged(fx, () => op.skip(runId, 'smoke', 'no time'), /Step smoke cannot be skipped: the runbook forbids skipping it \(skippable: false\)/);
    await refusedWithHeadUnchanged(fx, () => op.skip(runId, 'kpi', 'no time'), /Step kpi cannot be skipped: the runbook forbids skipping any step of phase P1 \(skippable: false\)/);
    expect((await op.skip(runId, 'notes', 'the scribe is away')).status).toBe('skipped');
  });

  it('identities carry any lower_snake role; a name that is not one is refused', async () => {
    const fx = await useEngineFixture();
    const key = (name: string) => signerFromGenerated(generateEd25519(name).privateKey).publicKey;
    const added = await addIdentityFrom(fx.vault, { name: 'sam', roles: ['scribe', 'db_owner'], source: { kind: 'public', publicKey: key('sam') }, actor: 'op' });
    expect(added.roles).toEqual(['scribe', 'db_owner']);
    const before = fx.vault.head();
    await expect(addIdentityFrom(fx.vault, { name: 'bad', roles: ['Payments Owner'], source: { kind: 'public', publicKey: key('bad') }, actor: 'op' })).rejects.toThrow(/"Payments Owner" is not a role name: use a role name in lower_snake_case/);
    expect(fx.vault.head()).toEqual(before);
  });

  it('a role a runbook names must be built in or declared: by:, policy.decide and policy.approvals.role, each at its line', () => {
    const text = RUNBOOK.replace('by: payments_owner\n', 'by: payment_owner\n').replace('decide: incident_commander', 'decide: [incident_commander, commander]\n  approvals: { role: change_board }');
    let error: unknown;
    try {
      loadRunbook(text, 'go-live.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunbookError);
    const errors = (error as RunbookError).errors.map((e) => ({ line: e.line, message: e.message }));
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(errors).toEqual(expect.arrayContaining([
      { line: lineOf('by: payment_owner'), message: expect.stringMatching(/^step `ledger-totals` names the role `payment_owner`, which is not declared: add `payment_owner: \{ min: 1 \}` under `roles:`/) },
      { line: lineOf('decide: [incident_commander, commander]'), message: expect.stringMatching(/^`policy.decide` names the role `commander`, which is not declared/) },
      { line: lineOf('approvals: { role: change_board }'), message: expect.stringMatching(/^`policy.approvals.role` names the role `change_board`, which is not declared/) },
    ]));
    expect(errors).toHaveLength(3);
  });

  it('the three built-in roles keep their meaning without being declared', () => {
    const loaded = loadRunbook(RUNBOOK.replace(/roles:\n( {2}.*\n)+/, '').replace('decide: incident_commander', 'decide: [operator, approver]').replace(/by: payments_owner/g, 'by: approver'), 'builtin.yaml');
    expect(loaded.runbook.policy.decide).toEqual(['operator', 'approver']);
    expect(loaded.runbook.policy.approvals.role).toBe('approver');
  });
});
