// Insider tests, people: a name is never enough. The operator who holds the vault cannot act as
// an approver by name, an observer cannot execute, someone without the deciding role cannot
// decide, one person (or one key) cannot fill a quorum of two, an unproven identity's approval
// does not count, and an identities row changed with SQL does not change whose key counts.
// Everything through the real CLI, real ssh-keygen, one ssh-agent per person.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, openVaultFile, unwrapDataKey } from '../helpers/cli';
import { keygenFingerprint, makeKey } from '../helpers/ssh-keys';
import { NS, signAs, signWithKeyFile, World } from './world';

describe('insider: a name is never enough', () => {
  it('the operator cannot attest for an approver by name; an observer cannot execute; only the deciding role decides', { timeout: 600_000 }, async () => {
    const w = await World.create();
    const out = join(w.dir, 'migrated.txt');
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    // The scribe's key is usable here (their own agent): what refuses them is their role, not a missing key.
    const scribe = await w.addPerson('scribe', 'observer', { agent: true });
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-roles
title: Insider roles
version: "1"
policy: { approvals: { quorum: 1 }, decide: approver }
targets: { ws: { kind: local } }
preconditions:
  - { id: gov-signoff, kind: attest, title: Governance sign-off, statement: Governance reviewed the change, by: approver }
phases:
  - id: P1
    title: Change
    steps:
      - { id: migrate, kind: command, title: Migrate, target: ws, run: "echo migrated >> ${out}", expect: [ { exit_code: 0 } ] }
`);

    // The operator attests as gov1, whose key is nowhere usable here: refused.
    let before = await w.head();
    const asGov1 = await w.cli(['run', 'attest', '--vault', w.vault, runId, 'gov-signoff', '--actor', 'gov1']);
    await w.refused(asGov1, /gov1's key \(SHA256:[^)]+\) is not usable at this workstation, so nothing was done in their name/, before);
    expect(asGov1.stderr, describeRun(asGov1)).toMatch(/ssh-keygen -Y sign -n cutover-act-v1/);
    // In her own name she is not an approver: refused naming the role.
    const asAna = await w.cli(['run', 'attest', '--vault', w.vault, runId, 'gov-signoff']);
    await w.refused(asAna, /ana is operator; only approver may attest this step \(gov-signoff\)/, before);
    expect(await w.stepStatus(runId, 'gov-signoff')).toBe('pending');

    // gov1 attests on their own machine: the exported act signed with plain ssh-keygen.
    const act = join(gov1.home, 'attest.json');
    await w.ok(['act', 'export', '--vault', w.vault, runId, 'gov-signoff', '--as', 'gov1', '--out', act]);
    signAs(gov1, NS.act, act);
    await w.ok(['act', 'import', '--vault', w.vault, '--act', act, '--signature', `${act}.sig`]);
    expect(await w.stepStatus(runId, 'gov-signoff')).toBe('PASS');
    await w.approve(runId, gov1);

    // The observer, key in hand, executes the approved command: refused, and nothing ran.
    before = await w.head();
    const observer = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate', '--actor', 'scribe'], { agent: scribe.agent!.socket });
    await w.refused(observer, /scribe is observer; only operator may execute a step/, before);
    expect(existsSync(out)).toBe(false);

    // policy.decide: approver. The observer and the operator (both with usable keys) may not decide.
    const scribeDecides = await w.cli(['run', 'decide', '--vault', w.vault, runId, '--decision', 'stop', '--reason', 'I say so', '--actor', 'scribe'], { agent: scribe.agent!.socket });
    await w.refused(scribeDecides, /scribe is observer; only approver may decide on the run/, before);
    const anaDecides = await w.cli(['run', 'decide', '--vault', w.vault, runId, '--decision', 'stop', '--reason', 'I say so']);
    await w.refused(anaDecides, /ana is operator; only approver may decide on the run/, before);
    // The formal decision by the operator, with the deciding role given to approvers only: refused too.
    const anaAuthorizes = await w.cli(['run', 'decision', '--vault', w.vault, runId, '--authorization', 'Approved']);
    await w.refused(anaAuthorizes, /ana/, before);
    expect((await w.status(runId)).status).toBe('ACTIVE');

    // The operator, whose role it is, runs it: the refusals above were about who, not what.
    const ran = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    expect(ran.code, describeRun(ran)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('migrated\n');
  });

  it('a quorum of two is not met by the operator under a second name, one key registered twice, or an unproven identity', { timeout: 600_000 }, async () => {
    const w = await World.create();
    const out = join(w.dir, 'migrated.txt');
    // The operator brings a key file of her own, so she can also sign with ssh-keygen outside the app.
    const anaKey = await w.addOwnerWithKeyFile('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const gov2 = await w.addPerson('gov2', 'approver', { prove: false });

    // The operator's own key under a second, approver name: refused at once.
    let before = await w.head();
    const anaTwice = await w.cli(['identity', 'add', '--vault', w.vault, '--name', 'ana-gov', '--role', 'approver', '--public-key', `${anaKey.path}.pub`]);
    await w.refused(anaTwice, /already registered as ana/, before);
    // gov1's key under a second name: refused.
    const gov1Twice = await w.cli(['identity', 'add', '--vault', w.vault, '--name', 'gov1-again', '--role', 'approver', '--public-key', `${gov1.key.path}.pub`]);
    await w.refused(gov1Twice, /already registered as gov1/, before);

    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-quorum
title: Insider quorum
version: "1"
policy: { approvals: { quorum: 2 } }
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Change
    steps:
      - { id: migrate, kind: command, title: Migrate, target: ws, run: "echo migrated >> ${out}" }
`);
    await w.approve(runId, gov1);

    before = await w.head();
    // The operator signs the plan with her own key, as if she were a second approver.
    const plan = await w.exportPlan(runId, { home: w.dir, name: 'ana' });
    signWithKeyFile(anaKey.path, NS.plan, plan);
    const anaApproves = await w.cli(['approve', 'import', '--vault', w.vault, runId, '--plan', plan, '--signature', `${plan}.sig`]);
    await w.refused(anaApproves, /ana is the operator of this run and cannot approve it/, before);
    // gov1's key counts once, however often it signs.
    const again = await w.exportPlan(runId, gov1);
    signAs(gov1, NS.plan, again);
    const gov1Again = await w.cli(['approve', 'import', '--vault', w.vault, runId, '--plan', again, '--signature', `${again}.sig`]);
    await w.refused(gov1Again, /gov1 already approved this exact plan/, before);
    // gov2 never proved their key: their approval does not count.
    const byGov2 = await w.exportPlan(runId, gov2);
    signAs(gov2, NS.plan, byGov2);
    const unproven = await w.cli(['approve', 'import', '--vault', w.vault, runId, '--plan', byGov2, '--signature', `${byGov2}.sig`]);
    await w.refused(unproven, /gov2 has not proved their key/, before);

    // The command stays refused: one valid approval of the two required.
    const step = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(step, /needs 2 approver signature\(s\) over this step, has 1/, before);
    expect(existsSync(out)).toBe(false);
    const approvals = (JSON.parse((await w.ok(['run', 'status', '--vault', w.vault, runId, '--json'])).stdout) as { approvals: { signer: string }[] }).approvals;
    expect(approvals.map((a) => a.signer)).toEqual(['gov1']);
  });

  it('an identities row changed with SQL: the chain\'s key counts, an attacker\'s signature as gov1 is refused, and vault verify names the row', { timeout: 600_000 }, async () => {
    const w = await World.create();
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-tamper
title: Insider tamper
version: "1"
targets: { ws: { kind: local } }
preconditions:
  - { id: gov-signoff, kind: attest, title: Governance sign-off, statement: Governance reviewed the change, by: approver }
phases:
  - id: P1
    title: Change
    steps:
      - { id: migrate, kind: command, title: Migrate, target: ws, run: "true" }
`);
    const before = await w.head();

    // Someone with the vault key points gov1's row at their own key.
    const mallory = await makeKey(w.dir, 'ed25519', { name: 'mallory_key', comment: 'mallory@elsewhere' });
    const malloryFp = await keygenFingerprint(w.dir, mallory.publicKey);
    const { dataKey } = unwrapDataKey(w.vault);
    const db = openVaultFile(w.vault, dataKey);
    try {
      const changed = db.prepare("UPDATE identities SET public_key = ?, fingerprint = ? WHERE name = 'gov1'").run(mallory.publicKey, malloryFp);
      expect(changed.changes).toBe(1);
    } finally {
      db.close();
    }

    // An approval signed by the attacker's key: not gov1's key in the chain, refused.
    const plan = await w.exportPlan(runId, { home: w.dir, name: 'mallory' });
    signWithKeyFile(mallory.path, NS.plan, plan);
    const approval = await w.cli(['approve', 'import', '--vault', w.vault, runId, '--plan', plan, '--signature', `${plan}.sig`]);
    await w.refused(approval, new RegExp(`${malloryFp.replace(/[+/]/g, '\\$&')} that signed this approval is not an identity`), before);
    // An attestation as gov1 signed by the attacker's key: refused.
    const act = join(w.dir, 'attest.json');
    await w.ok(['act', 'export', '--vault', w.vault, runId, 'gov-signoff', '--as', 'gov1', '--out', act]);
    const exported = JSON.parse(readFileSync(act, 'utf8')) as { by: { fingerprint: string } };
    expect(exported.by.fingerprint).toBe(await keygenFingerprint(w.dir, gov1.key.publicKey));
    signWithKeyFile(mallory.path, NS.act, act);
    const attest = await w.cli(['act', 'import', '--vault', w.vault, '--act', act, '--signature', `${act}.sig`]);
    await w.refused(attest, /gov1's signature over this act does not verify/, before);

    // vault verify (read-only) fails and names gov1's row.
    const verify = await w.cli(['vault', 'verify', '--vault', w.vault]);
    expect(verify.code, describeRun(verify)).toBe(1);
    expect(`${verify.stdout}\n${verify.stderr}`, describeRun(verify)).toMatch(/gov1's (public key|fingerprint) in the identities table/);
    const verifyJson = await w.cli(['vault', 'verify', '--vault', w.vault, '--json']);
    expect(verifyJson.code, describeRun(verifyJson)).toBe(1);
    expect(verifyJson.stdout).toMatch(/gov1/);
    expect(await w.head()).toEqual(before);

    // gov1 with their real key still signs, and it counts.
    await w.approve(runId, gov1);
  });
});
