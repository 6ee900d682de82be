// VERIFY.txt as an auditor follows it: a real pack (two approvers with their own ssh-keygen key
// files, a plan re-approved after a change, attestations, a formal decision), signed by both,
// unzipped with unzip, and each shell block of VERIFY.txt run by sh with PATH holding only
// coreutils, unzip and ssh-keygen. A good pack passes every step; each tamper is caught and
// named by the step that checks that claim.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_NAMESPACE, RunEngine } from '../../src/core/engine';
import { buildPack, signPack } from '../../src/core/pack';
import { recordDecisionHere } from '../../src/core/reports/decision';
import { Keyring, loadKeyFile, type Signer } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { canonicalJson, Vault } from '../../src/core/vault';
import { addPersonFromKeyFile } from '../helpers/key-file-people';
import { addOwner } from '../helpers/people';
import { keygenSign, makeKey, type KeygenKey } from '../helpers/ssh-keys';
import { auditorShell, verifyBlocks, type AuditorShell } from './auditor-tools';
import { PASSPHRASE, RUNBOOK, tool, type ToolRun } from './fixture';

const STEPS = ['STEP 1', 'STEP 2', 'STEP 3', 'STEP 4', 'STEP 5', 'STEP 6'] as const;
type Step = (typeof STEPS)[number];
type Results = Record<Step, ToolRun>;

interface Manifest {
  predicate: {
    chain: { path: string; firstSeq: number; firstPrevHash: string; headSeq: number; headHash: string; events: number };
    plans: { version: number; path: string; sha256: string; approvals: { signer: string; path: string; seq: number }[] }[];
    acts: { seq: number; kind: string; signer: string; path: string; signaturePath: string; digest: string }[];
  };
}

const show = (r: ToolRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('VERIFY.txt, followed with coreutils, unzip and ssh-keygen alone', () => {
  let dir: string;
  let vault: Vault;
  let shell: AuditorShell;
  let roster: string;
  /** Exported, not signed; signed by gov1 and gov2 (approve); gov1 approves, gov2 rejects. */
  let unsigned: string, signed: string, rejected: string;
  let manifest: Manifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-auditor-'));
    vault = Vault.create(join(dir, 'ev.vault'), PASSPHRASE);
    const keys: Record<'gov1' | 'gov2', KeygenKey> = {
      gov1: await makeKey(dir, 'ed25519', { name: 'gov1_ed25519', comment: 'gov1@governance' }),
      gov2: await makeKey(dir, 'rsa', { name: 'gov2_rsa', bits: 3072, comment: 'gov2@governance' }),
    };
    const signers: Record<'ana' | 'gov1' | 'gov2', Signer> = {
      ana: (await addOwner(vault, 'ana', ['operator'])).signer,
      gov1: (await addPersonFromKeyFile(vault, 'gov1', ['approver'], keys.gov1)).signer,
      gov2: (await addPersonFromKeyFile(vault, 'gov2', ['approver'], keys.gov2)).signer,
    };
    const keyring = new Keyring(Object.values(signers));
    const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
    const op = engine('ana');
    const { runId } = await op.startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'rehearsal' });
    await op.attest(runId, 'pre-freeze');
    await op.record(runId, 'pre-snapshot', { snapshot_id: 'snap-0a1b2c' });
    await op.executeStep(runId, 'p0-heads');
    // Plan version 1: the upgrade as first reviewed (another command), signed offline by both
    // approvers with ssh-keygen; then the plan as it runs, approved again: version 2.
    const current = op.exportPlan(runId).plan;
    const first = JSON.parse(JSON.stringify(current)) as typeof current;
    first.steps.find((s) => s.stepId === 'p1-upgrade')!.command = "echo 'Running upgrade 0019 -> 0020'; echo done";
    const firstBytes = Buffer.from(canonicalJson(first));
    for (const name of ['gov1', 'gov2'] as const) op.importApproval(runId, firstBytes, keygenSign(keys[name].path, firstBytes, PLAN_NAMESPACE));
    for (const name of ['gov1', 'gov2'] as const) await engine(name).approve(runId, name, signers[name]);
    await op.executeStep(runId, 'p1-upgrade');
    await recordDecisionHere(vault, runId, 'gov1', { authorization: 'Approved', note: 'transcripts reviewed' }, keyring);

    const built = await buildPack(vault, runId, { outDir: join(dir, 'out') });
    unsigned = built.folder;
    manifest = JSON.parse(readFileSync(join(unsigned, 'manifest.json'), 'utf8')) as Manifest;

    // Each approver signs the zip on their own machine with their key file; the auditor unzips it.
    const sign = async (zip: string, name: 'gov1' | 'gov2', decision: 'approve' | 'reject', reason?: string) => {
      await signPack(zip, { identity: name, signer: await loadKeyFile(keys[name].path), decision, reason });
    };
    const unzip = async (zip: string, to: string) => {
      const r = await tool('unzip', ['-q', zip, '-d', to]);
      expect(r.code, show(r)).toBe(0);
      return to;
    };
    cpSync(built.zip, join(dir, 'signed.zip'));
    await sign(join(dir, 'signed.zip'), 'gov1', 'approve', 'transcripts reviewed');
    await sign(join(dir, 'signed.zip'), 'gov2', 'approve');
    signed = await unzip(join(dir, 'signed.zip'), join(dir, 'signed'));
    cpSync(built.zip, join(dir, 'rejected.zip'));
    await sign(join(dir, 'rejected.zip'), 'gov1', 'approve');
    await sign(join(dir, 'rejected.zip'), 'gov2', 'reject', 'the upgrade transcript shows no row counts');
    rejected = await unzip(join(dir, 'rejected.zip'), join(dir, 'rejected'));

    // The organisation's own roster: the approvers' published keys, not the pack's copy.
    roster = join(dir, 'org_allowed_signers');
    writeFileSync(roster, `gov1 ${keys.gov1.publicKey}\ngov2 ${keys.gov2.publicKey}\n`);
    shell = auditorShell(dir);
  }, 120_000);

  afterAll(() => {
    vault?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Every step of the folder's own VERIFY.txt, run in the folder. */
  async function runSteps(folder: string, rosterFile = roster): Promise<Results> {
    const blocks = verifyBlocks(readFileSync(join(folder, 'VERIFY.txt'), 'utf8'));
    const results = {} as Results;
    for (const step of STEPS) {
      const block = blocks.get(step);
      expect(block, `VERIFY.txt has a block ${step}`).toBeDefined();
      results[step] = await shell.run(block!, folder, { ROSTER: rosterFile });
    }
    return results;
  }

  function expectOk(results: Results, steps: readonly Step[]): void {
    for (const step of steps) {
      const r = results[step];
      expect(r.code, `${step}\n${show(r)}`).toBe(0);
      expect(r.stdout, `${step}\n${show(r)}`).not.toMatch(/FAILED/);
      expect(r.stdout, `${step}\n${show(r)}`).toMatch(new RegExp(`== ${step} \\([^)]+\\): OK`));
    }
  }

  function expectFailed(results: Results, step: Step, ...named: (string | RegExp)[]): void {
    const r = results[step];
    expect(r.code, `${step}\n${show(r)}`).toBe(1);
    expect(r.stdout, `${step}\n${show(r)}`).toMatch(new RegExp(`== ${step} \\([^)]+\\): FAILED`));
    for (const n of named) {
      if (typeof n === 'string') expect(r.stdout, `${step}\n${show(r)}`).toContain(n);
      else expect(r.stdout, `${step}\n${show(r)}`).toMatch(n);
    }
  }

  /** A copy of a pack folder, changed by `change`. */
  function tampered(from: string, name: string, change: (folder: string) => void): string {
    const to = join(dir, `tampered-${name}`);
    cpSync(from, to, { recursive: true });
    change(to);
    return to;
  }

  const chainLines = (folder: string) => readFileSync(join(folder, 'chain/events.jsonl'), 'utf8').split('\n').slice(0, -1);
  const writeChain = (folder: string, lines: string[]) => writeFileSync(join(folder, 'chain/events.jsonl'), lines.map((l) => `${l}\n`).join(''));

  it('the auditor has coreutils, unzip and ssh-keygen, and no node, sed, grep, awk, perl or python', async () => {
    const r = await shell.run('for p in node sed grep awk perl python3 python find; do command -v "$p" >/dev/null && echo "FOUND $p"; done; for p in sha256sum ssh-keygen unzip head tail tr; do command -v "$p"; done\n', dir);
    expect(r.stdout).not.toMatch(/FOUND/);
    expect(r.stdout.trim().split('\n')).toEqual(['sha256sum', 'ssh-keygen', 'unzip', 'head', 'tail', 'tr'].map((p) => join(shell.bin, p)));
  });

  it('VERIFY.txt states the chain, each plan version with its approvers and each act, from the signed manifest', () => {
    const text = readFileSync(join(signed, 'VERIFY.txt'), 'utf8');
    const { chain, plans, acts } = manifest.predicate;
    expect(chain).toMatchObject({ path: 'chain/events.jsonl', firstSeq: 1, firstPrevHash: '0'.repeat(64) });
    expect(text).toContain(`first prevHash  ${chain.firstPrevHash}`);
    expect(text).toContain(`lines           ${chain.events}`);
    expect(text).toContain(`head            seq ${chain.headSeq}, hash ${chain.headHash}`);
    expect(plans.map((p) => [p.path, p.approvals.map((a) => a.signer)])).toEqual([['plan/v1/plan.json', ['gov1', 'gov2']], ['plan/v2/plan.json', ['gov1', 'gov2']]]);
    for (const p of plans) expect(text).toContain(`plan version ${p.version}: ${p.path}, sha256 ${p.sha256}`);
    expect(acts.map((a) => a.kind)).toEqual(expect.arrayContaining(['run.start', 'step.attest', 'step.record', 'step.execute', 'decision.record']));
    for (const a of acts) expect(text).toContain(`#${a.seq} ${a.kind} by ${a.signer}: ${a.path}`);
    expect(text).toMatch(/WARNING: allowed_signers in this pack comes from the vault that exported it/);
  });

  it('a good pack, signed by both approvers: every step is OK and the quorum is met against the organisation\'s roster', async () => {
    const results = await runSteps(signed);
    expectOk(results, STEPS);
    const { chain, plans, acts } = manifest.predicate;
    expect(results['STEP 1'].stdout).toMatch(/OK: SHA256SUMS and manifest\.json list the same \d+ files/);
    expect(results['STEP 2'].stdout).toContain(`The last line's hash: ${chain.headHash}`);
    expect(results['STEP 2'].stdout).toContain(`OK: chain/events.jsonl has ${chain.events} lines`);
    const approvals = plans.flatMap((p) => p.approvals.map((a) => `OK: ${a.signer} approved ${p.path} (${a.path}`));
    for (const a of approvals) expect(results['STEP 3'].stdout).toContain(a);
    expect(results['STEP 4'].stdout.match(/^OK: acts\//gm)).toHaveLength(acts.length);
    expect(results['STEP 5'].stdout).toMatch(/OK: gov1 \(SHA256:\S+\) signed this manifest and the verdict "approve"/);
    expect(results['STEP 5'].stdout).toMatch(/OK: gov2 \(SHA256:\S+\) signed this manifest and the verdict "approve"/);
    expect(results['STEP 6'].stdout).toMatch(/== STEP 6 \(quorum\): OK: approved by 2 of 2 required: gov1 gov2 ==/);
  });

  it('the one line VERIFY.txt gives to run all six steps does so, with sh alone', async () => {
    const line = readFileSync(join(signed, 'VERIFY.txt'), 'utf8').split('\n').find((l) => l.startsWith('    ( on=; while IFS= read -r l;'));
    expect(line).toBeDefined();
    const r = await shell.run(`${line!.slice(4)}\n`, signed, { ROSTER: roster });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.match(/^== STEP \d \(.*$/gm)).toEqual([
      '== STEP 1 (files): OK ==', '== STEP 2 (chain): OK ==', '== STEP 3 (plan approvals): OK ==', '== STEP 4 (acts): OK ==', '== STEP 5 (verdicts): OK ==',
      '== STEP 6 (quorum): OK: approved by 2 of 2 required: gov1 gov2 ==',
    ]);
    expect(r.stdout).not.toMatch(/FAILED/);
    expect(r.stderr).toBe('');
  });

  it('a pack as exported: intact (steps 1 to 5 OK), and step 6 says AWAITING SIGNATURES with exit 3', async () => {
    const results = await runSteps(unsigned);
    expectOk(results, ['STEP 1', 'STEP 2', 'STEP 3', 'STEP 4', 'STEP 5']);
    expect(results['STEP 5'].stdout).toMatch(/No signatures in signatures\/ yet/);
    expect(results['STEP 6'].code, show(results['STEP 6'])).toBe(3);
    expect(results['STEP 6'].stdout).toMatch(/not signed: gov1\nnot signed: gov2\n== STEP 6 \(quorum\): AWAITING SIGNATURES: 0 of 2 required approvals ==/);
  });

  it('step 6 needs the organisation\'s roster, and counts only the keys in it', async () => {
    const noRoster = await shell.run(verifyBlocks(readFileSync(join(signed, 'VERIFY.txt'), 'utf8')).get('STEP 6')!, signed);
    expect(noRoster.code).toBe(2);
    expect(noRoster.stdout).toMatch(/FAILED: set ROSTER to your organisation's allowed_signers file first/);
    const partial = join(dir, 'roster_without_gov2');
    writeFileSync(partial, readFileSync(roster, 'utf8').split('\n')[0] + '\n');
    const results = await runSteps(signed, partial);
    expectOk(results, ['STEP 1', 'STEP 2', 'STEP 3', 'STEP 4', 'STEP 5']);
    expectFailed(results, 'STEP 6', /NOT COUNTED: signatures\/gov2\.sig is not a good signature by gov2 \(a key \S+roster_without_gov2 lists for gov2\)/, 'counts: gov1 approves');
    // ssh-keygen itself honours the roster's options: gov2's key expired before the pack was signed.
    const expired = join(dir, 'roster_gov2_expired');
    const [gov1Line, gov2Line] = readFileSync(roster, 'utf8').split('\n');
    writeFileSync(expired, `${gov1Line}\ngov2 valid-before="20200101" ${gov2Line!.replace(/^gov2 /, '')}\n`);
    const step6 = await shell.run(verifyBlocks(readFileSync(join(signed, 'VERIFY.txt'), 'utf8')).get('STEP 6')!, signed, { ROSTER: expired });
    expect(step6.code, show(step6)).toBe(1);
    expect(step6.stdout).toMatch(/NOT COUNTED: signatures\/gov2\.sig is not a good signature by gov2/);
  });

  it('an event line edited: step 2 names the line whose prevHash no longer matches (and step 1 the file)', async () => {
    const k = Math.floor(manifest.predicate.chain.events / 2);
    const folder = tampered(signed, 'event-edited', (f) => {
      const lines = chainLines(f);
      lines[k - 1] = lines[k - 1]!.replace(/"actor":"[^"]*"/, '"actor":"mallory"');
      writeChain(f, lines);
    });
    const results = await runSteps(folder);
    expectFailed(results, 'STEP 2', `FAILED: chain/events.jsonl line ${k + 1} (seq ${k + 1}): its prevHash is not the hash of line ${k}`);
    expect(results['STEP 2'].stdout.match(/^FAILED/gm)).toHaveLength(1);
    expectFailed(results, 'STEP 1', 'chain/events.jsonl: FAILED');
  });

  it('an event removed from the middle: step 2 names the gap, the broken link and the count', async () => {
    const k = Math.floor(manifest.predicate.chain.events / 2);
    const folder = tampered(signed, 'event-removed', (f) => writeChain(f, chainLines(f).filter((_, i) => i !== k - 1)));
    const results = await runSteps(folder);
    const { events } = manifest.predicate.chain;
    expectFailed(results, 'STEP 2',
      `FAILED: chain/events.jsonl line ${k} has seq ${k + 1}, not ${k}: an event is missing, added or out of order`,
      `FAILED: chain/events.jsonl line ${k} (seq ${k + 1}): its prevHash is not the hash of line ${k - 1}`,
      `FAILED: chain/events.jsonl has ${events - 1} lines, not ${events}`);
  });

  it('an approval .sig swapped with the other plan version\'s: step 3 names it', async () => {
    const folder = tampered(signed, 'approval-swapped', (f) => cpSync(join(f, 'plan/v1/approvals/gov1.sig'), join(f, 'plan/v2/approvals/gov1.sig')));
    const results = await runSteps(folder);
    expectFailed(results, 'STEP 3', /FAILED: plan\/v2\/approvals\/gov1\.sig is not a good signature by gov1 \(SHA256:\S+\) over plan\/v2\/plan\.json/);
    expect(results['STEP 3'].stdout).toMatch(/OK: gov1 approved plan\/v1\/plan\.json/);
    expect(results['STEP 3'].stdout).toMatch(/OK: gov2 approved plan\/v2\/plan\.json/);
    expectFailed(results, 'STEP 1', 'plan/v2/approvals/gov1.sig: FAILED');
  });

  it('an act\'s bytes edited: step 4 names the act, its signature and its digest', async () => {
    const act = manifest.predicate.acts.find((a) => a.kind === 'step.attest')!;
    const folder = tampered(signed, 'act-edited', (f) => {
      const path = join(f, act.path);
      writeFileSync(path, readFileSync(path, 'utf8').replace('"step":"pre-freeze"', '"step":"pre-snapshot"'));
    });
    const results = await runSteps(folder);
    expectFailed(results, 'STEP 4', `FAILED: ${act.signaturePath} is not a good signature by ${act.signer}`, `FAILED: ${act.path} does not have sha256 ${act.digest}`);
    expect(results['STEP 4'].stdout.match(/^FAILED/gm)).toHaveLength(2);
  });

  it('an evidence file edited: step 1 names it; the other steps have nothing to say about it', async () => {
    const evidence = readdirSync(join(signed, 'evidence')).find((n) => n.startsWith('prod_upgrade'))!;
    const folder = tampered(signed, 'evidence-edited', (f) => {
      const path = join(f, 'evidence', evidence);
      writeFileSync(path, readFileSync(path, 'utf8').replace('0019', '0020'));
    });
    const results = await runSteps(folder);
    expectFailed(results, 'STEP 1', `evidence/${evidence}: FAILED`);
    expectOk(results, ['STEP 2', 'STEP 3', 'STEP 4', 'STEP 5', 'STEP 6']);
  });

  it('evidence and SHA256SUMS both rewritten: step 1 finds the manifest lists another sha256', async () => {
    const evidence = readdirSync(join(signed, 'evidence')).find((n) => n.startsWith('prod_upgrade'))!;
    const folder = tampered(signed, 'sums-rewritten', (f) => {
      const path = join(f, 'evidence', evidence);
      const forged = 'Running upgrade 0019 -> 0020\ndone\n';
      writeFileSync(path, forged);
      writeFileSync(join(f, 'SHA256SUMS'), readFileSync(join(f, 'SHA256SUMS'), 'utf8').replace(/^[0-9a-f]{64}(?= {2}evidence\/prod_upgrade)/m, createHash('sha256').update(forged).digest('hex')));
    });
    const results = await runSteps(folder);
    expectFailed(results, 'STEP 1', `FAILED: manifest.json does not list evidence/${evidence} with the sha256 SHA256SUMS gives`);
    expect(results['STEP 1'].stdout).toContain('OK: every file SHA256SUMS lists has the sha256 it gives');
  });

  it('a signature without its verdict, and a file name with terminal escapes: step 5 names both, escaped', async () => {
    const folder = tampered(signed, 'odd-signatures', (f) => {
      rmSync(join(f, 'signatures/gov2.json'));
      rmSync(join(f, 'signatures/gov2.json.sig'));
      writeFileSync(join(f, 'signatures/\u001b[32mOK\u001b[0m.sig'), readFileSync(join(f, 'signatures/gov1.sig')));
    });
    const results = await runSteps(folder);
    const step5 = results['STEP 5'];
    expectFailed(results, 'STEP 5', 'FAILED: gov2 signed manifest.json but has no signed verdict (signatures/gov2.json and signatures/gov2.json.sig): neither approve nor reject', 'FAILED: signatures/??32mOK??0m.sig is not a good signature by ??32mOK??0m');
    expect(step5.stdout).not.toContain('\u001b');
    expect(results['STEP 6'].stdout).not.toContain('\u001b');
    expect(results['STEP 6'].stdout).toContain('never counts: ??32mOK??0m');
    expectFailed(results, 'STEP 6', 'rejected or broken: gov2(broken)');
  });

  it('a rejection counts as a veto; the verdict flipped from reject to approve is caught by step 5 and never counts', async () => {
    const honest = await runSteps(rejected);
    expectOk(honest, ['STEP 1', 'STEP 2', 'STEP 3', 'STEP 4', 'STEP 5']);
    expect(honest['STEP 5'].stdout).toMatch(/OK: gov2 \(SHA256:\S+\) signed this manifest and the verdict "reject"/);
    expectFailed(honest, 'STEP 6', 'counts: gov2 REJECTS', 'rejected or broken: gov2');

    const folder = tampered(rejected, 'verdict-flipped', (f) => {
      const path = join(f, 'signatures/gov2.json');
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('"decision":"reject"');
      writeFileSync(path, text.replace('"decision":"reject"', '"decision":"approve"'));
    });
    const results = await runSteps(folder);
    expectOk(results, ['STEP 1', 'STEP 2', 'STEP 3', 'STEP 4']);
    expectFailed(results, 'STEP 5', /FAILED: signatures\/gov2\.json\.sig is not a good signature by gov2's key SHA256:\S+ over signatures\/gov2\.json/);
    expectFailed(results, 'STEP 6', /NOT COUNTED: signatures\/gov2\.json\.sig is not a good signature/, 'rejected or broken: gov2(broken)');
  });
});
