// Signed acts on the real engine, vault and SSHSIG: who may act, in which order, with which key,
// and what a refusal leaves behind (nothing: the chain head does not move).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ACT_NAMESPACE, actBytes, auditActs, parseAct } from '../../src/core/acts';
import { RunEngine, planBytes, buildPlan, PLAN_NAMESPACE } from '../../src/core/engine';
import { addIdentityFrom } from '../../src/core/identity';
import { generateEd25519, Keyring, signerFromGenerated, sshsigSign } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { addPeople } from '../helpers/people';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const RUNBOOK = `
format: cutover-runbook/v1
id: acts-test
title: Signed acts
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
  - { id: gov-ok, kind: attest, title: Governance ok, statement: "Governance reviewed the plan", by: approver }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo changed" }
      - { id: flaky, kind: command, title: Flaky, target: ws, run: "test -f ./ok-now || exit 1; echo fixed" }
rollback:
  steps:
    - { id: undo, kind: manual, title: Undo, instructions: "Undo it." }
`;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-acts-'));
  const vault = Vault.create(join(dir, 'acts.vault'), 'correct horse battery staple');
  onTestFinished(() => {
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']], ['ap2', ['approver']], ['obs', ['observer']]]);
  const engine = (actor: string, ring: Keyring = keyring) => new RunEngine(vault, { actor, keyring: ring, executors: createExecutor });
  const text = RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`);
  const start = async (environment: 'rehearsal' | 'production' = 'rehearsal') => (await engine('op').startRun({ text, source: 'acts.yaml', environment })).runId;
  const approve = async (runId: string, name = 'ap1') => engine(name).approve(runId, name, people.get(name)!.signer);
  const unmoved = () => {
    const before = vault.head();
    return () => expect(vault.head()).toEqual(before);
  };
  return { dir, vault, people, keyring, engine, start, approve, unmoved };
}

describe('acts are signed by the person who does them', () => {
  it('every act carries its signature; a person whose key is not usable here cannot act, and the chain does not move', async () => {
    const fx = await setup();
    const runId = await fx.start();
    await fx.engine('op').attest(runId, 'freeze');
    const attested = fx.vault.events().find((e) => e.type === 'step.attested')!;
    const act = (attested.payload as { act: { text: string; signature: string } }).act;
    expect(parseAct(act.text)).toMatchObject({ act: 'step.attest', step: 'freeze', by: { name: 'op' } });

    // The operator, holding only their own key, attests for the approver by name.
    const operatorOnly = new Keyring([fx.people.get('op')!.signer]);
    const same = fx.unmoved();
    await expect(fx.engine('ap1', operatorOnly).attest(runId, 'gov-ok')).rejects.toThrow(/ap1's key .* is not usable at this workstation.*cutover act export/s);
    // And an observer tries to execute a command.
    await expect(fx.engine('obs').executeStep(runId, 'change')).rejects.toThrow(/obs is observer; only operator may execute a step|not approved|still open/);
    same();
    expect(auditActs(fx.vault.events()).problems).toEqual([]);
  });

  it('an act signed elsewhere is checked like one signed here: wrong key, edited bytes, another vault and a replay are refused', async () => {
    const fx = await setup();
    const runId = await fx.start();
    const op = fx.engine('op');
    const { bytes, doc } = op.exportAct(runId, 'ap1', { kind: 'step.attest', stepId: 'gov-ok' });
    const same = fx.unmoved();
    // ap2 signs ap1's act.
    await expect(op.importAct({ text: bytes.toString(), signature: await sshsigSign(fx.people.get('ap2')!.signer, bytes, ACT_NAMESPACE) })).rejects.toThrow(/ap1's signature over this act does not verify/);
    // The right key, but the bytes re-formatted (what was signed is not what would be read).
    const pretty = Buffer.from(JSON.stringify(JSON.parse(bytes.toString()), null, 2));
    await expect(op.importAct({ text: pretty.toString(), signature: await sshsigSign(fx.people.get('ap1')!.signer, pretty, ACT_NAMESPACE) })).rejects.toThrow(/not its canonical form/);
    // A duplicate key hiding a second statement.
    const dup = Buffer.from(bytes.toString().replace('"what":{', '"what":{"statement":"nothing at all"},"what":{'));
    await expect(op.importAct({ text: dup.toString(), signature: await sshsigSign(fx.people.get('ap1')!.signer, dup, ACT_NAMESPACE) })).rejects.toThrow(/canonical form/);
    // The same act made for another vault.
    const other = actBytes({ ...doc, vault: 'another-vault' });
    await expect(op.importAct({ text: other.toString(), signature: await sshsigSign(fx.people.get('ap1')!.signer, other, ACT_NAMESPACE) })).rejects.toThrow(/made for vault another-vault/);
    // A chain head that is not this chain's.
    const elsewhere = actBytes({ ...doc, follows: { seq: doc.follows.seq, hash: 'f'.repeat(64) } });
    await expect(op.importAct({ text: elsewhere.toString(), signature: await sshsigSign(fx.people.get('ap1')!.signer, elsewhere, ACT_NAMESPACE) })).rejects.toThrow(/not in this vault's chain/);
    same();

    const signed = { text: bytes.toString(), signature: await sshsigSign(fx.people.get('ap1')!.signer, bytes, ACT_NAMESPACE) };
    await op.importAct(signed);
    expect(op.status(runId).steps.get('gov-ok')).toMatchObject({ status: 'PASS', actor: 'ap1' });
    const again = fx.unmoved();
    await expect(op.importAct(signed)).rejects.toThrow(/already in the chain/);
    again();
  });

  it('vault verify\'s audit names an approval written straight into the chain with another person\'s key', async () => {
    const fx = await setup();
    const runId = await fx.start();
    await fx.approve(runId);
    expect(auditActs(fx.vault.events()).problems).toEqual([]);
    // An insider with the vault key appends an "approval" by ap1 signed with ap2's key.
    const plan = planBytes(buildPlan(fx.engine('op').status(runId)));
    const forged = await sshsigSign(fx.people.get('ap2')!.signer, plan, PLAN_NAMESPACE);
    const ap1 = fx.vault.listIdentities().find((i) => i.name === 'ap1')!;
    const event = fx.vault.append({ actor: 'ap1', type: 'approval.added', payload: { runId, signer: 'ap1', fingerprint: ap1.fingerprint, planDigest: 'x', plan: plan.toString(), signature: forged } });
    expect(auditActs(fx.vault.events()).problems).toEqual([{ seq: event.seq, message: expect.stringMatching(/ap1's plan signature does not verify/) }]);
  });

  it('an unproven identity acts for nothing, and cannot count toward a quorum', async () => {
    const fx = await setup();
    const signer = signerFromGenerated(generateEd25519('ap3').privateKey);
    await addIdentityFrom(fx.vault, { name: 'ap3', roles: ['approver'], source: { kind: 'public', publicKey: signer.publicKey }, actor: 'op' });
    const runId = await fx.start();
    const ring = new Keyring([signer]);
    const same = fx.unmoved();
    await expect(fx.engine('ap3', ring).attest(runId, 'gov-ok')).rejects.toThrow(/ap3 has not proved their key/);
    const plan = planBytes(buildPlan(fx.engine('op').status(runId)));
    expect(() => fx.engine('op').importApproval(runId, plan, '')).toThrow();
    same();
  });
});

describe('the engine enforces the runbook', () => {
  it('a mutating step waits for every precondition and earlier step; a command that exits 1 with no expectation is FAIL and BLOCKS; retry is a signed decision by a decider', async () => {
    const fx = await setup();
    const runId = await fx.start();
    const op = fx.engine('op');
    await fx.approve(runId);
    let same = fx.unmoved();
    await expect(op.executeStep(runId, 'change')).rejects.toThrow(/runs only when every precondition and earlier step is PASS or skipped with a reason; still open: freeze, gov-ok, look/);
    same();
    await op.attest(runId, 'freeze');
    await fx.engine('ap1').attest(runId, 'gov-ok');
    // Read-only checks may run early and again.
    expect((await op.executeStep(runId, 'look')).status).toBe('PASS');
    expect((await op.executeStep(runId, 'look')).status).toBe('PASS');
    expect((await op.executeStep(runId, 'change')).status).toBe('PASS');

    const failed = await op.executeStep(runId, 'flaky');
    expect(failed).toMatchObject({ status: 'FAIL', exitCode: 1, blocked: true });
    expect(failed.gates[0]).toMatchObject({ gate: expect.stringMatching(/^exit code = 0/), passed: false });
    same = fx.unmoved();
    await expect(op.executeStep(runId, 'flaky')).rejects.toThrow(/BLOCKED/);
    await expect(fx.engine('obs').decide(runId, 'retry', 'try again')).rejects.toThrow(/obs is observer; only operator or approver may decide/);
    same();

    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(fx.dir, 'ok-now'), '');
    const after = await fx.engine('ap2').decide(runId, 'retry', 'the file is in place now (ticket OPS-7)');
    expect(after.status).toBe('ACTIVE');
    expect(after.steps.get('flaky')).toMatchObject({ status: 'pending', previousAttempts: [expect.objectContaining({ status: 'FAIL', exitCode: 1 })] });
    expect((await op.executeStep(runId, 'flaky')).status).toBe('PASS');
    const state = op.status(runId);
    expect(state.status).toBe('COMPLETED');
    expect(state.decisions).toEqual([expect.objectContaining({ decision: 'retry', actor: 'ap2', stepId: 'flaky' })]);
    expect(auditActs(fx.vault.events())).toMatchObject({ problems: [], unsignedLegacy: 0 });
  });

  it('in production nothing executes before the plan holds its quorum, checks included', async () => {
    const fx = await setup();
    const runId = await fx.start('production');
    const op = fx.engine('op');
    const plan = buildPlan(op.status(runId));
    expect(plan.steps.map((s) => [s.stepId, s.kind])).toEqual([['look', 'check'], ['change', 'command'], ['flaky', 'command']]);
    const same = fx.unmoved();
    await expect(op.executeStep(runId, 'look')).rejects.toThrow(/in production nothing executes before the plan holds its quorum/);
    same();
    await fx.approve(runId);
    expect((await op.executeStep(runId, 'look')).status).toBe('PASS');
  });

  it('a plan file with a duplicate key is refused even when its signature is good', async () => {
    const fx = await setup();
    const runId = await fx.start();
    const op = fx.engine('op');
    const real = planBytes(buildPlan(op.status(runId))).toString();
    const forged = Buffer.from(real.replace('"steps":[', '"steps":[],"steps":['));
    const same = fx.unmoved();
    expect(() => op.importApproval(runId, forged, '')).toThrow();
    const signature = await sshsigSign(fx.people.get('ap1')!.signer, forged, PLAN_NAMESPACE);
    expect(() => op.importApproval(runId, forged, signature)).toThrow(/not its canonical form/);
    same();
  });

  it('two processes of one workstation racing to start the same command: the check and step.started are one transaction, so the second is refused', async () => {
    const fx = await setup();
    const runId = await fx.start();
    const op = fx.engine('op');
    await fx.approve(runId);
    await op.attest(runId, 'freeze');
    await fx.engine('ap1').attest(runId, 'gov-ok');
    await op.executeStep(runId, 'look');
    const second = Vault.open(fx.vault.path, { passphrase: 'correct horse battery staple' });
    onTestFinished(() => second.close());
    const other = new RunEngine(second, { actor: 'op', keyring: fx.keyring, executors: createExecutor });
    const results = await Promise.allSettled([op.executeStep(runId, 'change'), other.executeStep(runId, 'change')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.objectContaining({ message: expect.stringMatching(/already running|already passed|runs alone/) }) });
    expect(fx.vault.events().filter((e) => e.type === 'step.started' && (e.payload as { stepId: string }).stepId === 'change')).toHaveLength(1);
  });
});
