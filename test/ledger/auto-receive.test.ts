// Automatic receive: the operator's autoplay waits on the ledger for the approver's attestation
// (sent with attestThroughLedger from their own vault, after two refused attempts that sign
// nothing), then reaches a command step nobody approved yet, offers the plan and waits again. The approver's workstation first sends a
// signature over a plan that is not the one offered (a command edited): it is refused, named once,
// and the operator's chain head does not move. Then the approver signs the plan offered: it
// arrives, is recorded, and the run goes on to the end with nobody typing `ledger receive`.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autoplay, PLAN_NAMESPACE, RunEngine } from '../../src/core/engine';
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity } from '../../src/core/identity';
import { APPROVAL_SENT, approveThroughLedger, attestThroughLedger, joinLedger, LedgerInbox, offerPlan, publishVault, readTeam } from '../../src/core/ledger';
import { runStateIn } from '../../src/core/engine/state';
import { offeredPlan } from '../../src/core/ledger/approve';
import { planDigest } from '../../src/core/engine/plan';
import { Keyring, sshsigSign } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { canonicalJson, Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, startCli } from '../helpers/cli';
import { addOwner } from '../helpers/people';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, useLedger } from './fixture';

const RUNBOOK = `
format: cutover-runbook/v1
id: auto-receive
title: Automatic receive
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local, cwd: "DIR" }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
  - { id: window, kind: attest, title: Window, statement: "The maintenance window is approved", by: approver }
phases:
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo changed" }
`;

/** The inbox's lines as they are said, and a promise for the first one matching. */
function transcript() {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  return {
    lines,
    say(line: string, refusal?: boolean) {
      const text = `${refusal ? 'REFUSED ' : ''}${line}`;
      lines.push(text);
      for (const w of waiters.filter((x) => x.re.test(text))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(text);
      }
    },
    next(re: RegExp): Promise<string> {
      const seen = lines.find((l) => re.test(l));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ re, resolve }));
    },
  };
}

const open: Vault[] = [];
afterEach(() => {
  for (const v of open.splice(0)) v.close();
});

/** The operator's and the approver's workstations, each its own vault joined to the ledger, and a run started. */
async function twoWorkstations(dir: string, dsn: string) {
  const op = Vault.create(join(dir, 'op.vault'), PASSPHRASE);
  const ap = Vault.create(join(dir, 'ap1.vault'), PASSPHRASE);
  open.push(op, ap);
  const opOwner = await addOwner(op, 'op', ['operator']);
  const apOwner = await addOwner(ap, 'ap1', ['approver']);
  // The operator registers the approver by public key; the approver proves it with their own key.
  await addIdentityFrom(op, { name: 'ap1', roles: ['approver'], source: { kind: 'public', publicKey: apOwner.signer.publicKey }, actor: 'op' });
  const statement = Buffer.from(identityStatementFor(op, 'ap1'));
  proveIdentity(op, { name: 'ap1', statement, signature: await sshsigSign(apOwner.signer, statement, IDENTITY_NAMESPACE), actor: 'op' });
  await joinLedger(op, { db: dsn, workstation: 'op-ws', actor: 'op' });
  await joinLedger(ap, { db: dsn, workstation: 'ap1-ws', actor: 'ap1' });
  const engine = new RunEngine(op, { actor: 'op', keyring: new Keyring([opOwner.signer]), executors: createExecutor });
  const runbookText = RUNBOOK.replace('DIR', dir);
  const { runId } = await engine.startRun({ text: runbookText, source: 'auto-receive.yaml', environment: 'rehearsal' });
  return { op, ap, apOwner, engine, runbookText, runId };
}

describe('automatic receive while a run waits on the team', () => {
  it('receives the approver\'s attestation, offers the plan, refuses an approval of another plan with the head unchanged, records the approval of the plan offered as it arrives, and the run completes', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-auto-receive-');
    const { op, ap, apOwner, engine, runbookText, runId } = await twoWorkstations(dir, db.dsn);
    await publishVault(ap, {});

    const said = transcript();
    const inbox = (await LedgerInbox.open(op, { timeoutMs: 300_000, pollMs: 1_000, actor: 'op', say: said.say }))!;
    try {
      const played = autoplay(engine, runId, { answers: { freeze: true }, waitForTeam: inbox.waiter(engine) });
      await said.next(/^waiting for the approver's signed act for window through the team ledger/);
      const apHead = ap.head();
      await expect(attestThroughLedger(ap, { runId, stepId: 'window', runbookText: runbookText.replace('version: "1"', 'version: "2"') })).rejects.toThrow(/^The runbook you gave \(sha256 [0-9a-f]{12}…\) is not the one run .* follows/);
      await expect(attestThroughLedger(ap, { runId, stepId: 'freeze', runbookText })).rejects.toThrow('ap1 is approver; only operator attests freeze. Nothing was signed.');
      expect(ap.head()).toEqual(apHead);
      expect((await attestThroughLedger(ap, { runId, stepId: 'window', runbookText })).sent).toBe(true);
      await publishVault(ap, {});
      await said.next(/^received from ap1-ws #\d+: step\.attest window by ap1 recorded$/);
      await said.next(/^waiting for approvals of the plan before change/);
      expect(said.lines.some((l) => /^offered the plan of run .* to the team \(sha256 [0-9a-f]{12}…, 1 step\(s\) that execute\)$/.test(l))).toBe(true);

      // The approver's workstation sends a signature over a plan that is not the one offered.
      const offer = offeredPlan(await readTeam(db.dsn), runId, 'ap1-ws');
      const edited = JSON.parse(offer.bytes.toString('utf8')) as { steps: { command: string }[] };
      edited.steps[0]!.command = 'echo changed; rm -rf /srv/data';
      const other = Buffer.from(canonicalJson(edited), 'utf8');
      const head = op.head();
      ap.append({ actor: 'ap1', type: APPROVAL_SENT, payload: { runId, to: { workstation: 'op-ws', vault: op.id }, planDigest: planDigest(other), plan: other.toString('utf8'), signature: await sshsigSign(apOwner.signer, other, PLAN_NAMESPACE), fingerprint: apOwner.signer.fingerprint } });
      await publishVault(ap, {});
      const refused = await said.next(/^REFUSED /);
      expect(refused).toMatch(new RegExp(`^REFUSED refused approval from ap1-ws event #\\d+ \\(run ${runId}, by ap1\\): it approves plan ${planDigest(other).slice(0, 12)}…, which this workstation never offered for run ${runId} \\(it offered ${offer.digest.slice(0, 12)}…\\)`));
      expect(op.head()).toEqual(head);
      expect(engine.status(runId).approvals).toEqual([]);

      // Now the plan offered, signed on the approver's workstation: it arrives and the run goes on.
      const approved = await approveThroughLedger(ap, { runId });
      expect(approved.sent).toBe(true);
      await publishVault(ap, {});
      const result = await played;
      expect(result.stopped).toBeNull();
      expect(result.state.status).toBe('COMPLETED');
      expect(result.state.approvals.map((a) => [a.signer, a.planDigest])).toEqual([['ap1', offer.digest]]);
      expect(said.lines.filter((l) => /^received from ap1-ws #\d+: approval of plan [0-9a-f]{12}… by ap1 recorded$/.test(l))).toHaveLength(1);
      // The refusal was said once, though every read of the ledger meets it again.
      expect(said.lines.filter((l) => l.startsWith('REFUSED'))).toHaveLength(1);
    } finally {
      await inbox.close();
    }
  }, 180_000);

  it('ledger publish --follow --receive records the approval as it arrives and publishes that too', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-auto-receive-');
    const { op, ap, runId } = await twoWorkstations(dir, db.dsn);
    const offer = offerPlan(op, runId, 'op');
    const head = op.head().seq;
    op.close();
    open.splice(open.indexOf(op), 1);
    const follow = startCli(['ledger', 'publish', '--vault', join(dir, 'op.vault'), '--follow', '--receive', '--poll', '200'], { env: { CUTOVER_ACTOR: 'op' } });
    let stdout = '';
    follow.child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    /** Resolves once the follower has printed a line matching `re` (listeners run in order: the text is in `stdout`). */
    const printed = (re: RegExp) => new Promise<void>((resolve) => {
      const look = () => {
        if (!re.test(stdout)) return;
        follow.child.stdout.off('data', look);
        resolve();
      };
      follow.child.stdout.on('data', look);
      look();
    });
    try {
      await printed(new RegExp(`^Published up to #${head}\\.$`, 'm'));
      await approveThroughLedger(ap, { runId });
      await publishVault(ap, {});
      await printed(/^received from ap1-ws #\d+: approval of plan [0-9a-f]{12}… by ap1 recorded$/m);
      // The approval the vault recorded goes out to the ledger like every other event.
      await printed(new RegExp(`^Published up to #${head + 1}\\.$`, 'm'));
    } finally {
      follow.child.kill('SIGINT');
    }
    const r = await follow.result;
    expect(r.code, describeRun(r)).toBe(0);
    const after = Vault.openReadOnly(join(dir, 'op.vault'), { passphrase: PASSPHRASE });
    try {
      expect(runStateIn(after, runId)!.approvals.map((a) => [a.signer, a.planDigest])).toEqual([['ap1', offer.planDigest]]);
      expect((await ledgerRows(db, 'op-ws')).length).toBe(after.head().seq);
    } finally {
      after.close();
    }
  });
});
