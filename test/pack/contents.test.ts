// What a pack carries beyond the evidence, checked the way an auditor would: the plan texts the
// approvers signed and each approval's SSHSIG (ssh-keygen -Y verify -n cutover-plan-v1), the
// chain up to the anchor as lines whose sha256sum is each event's hash and whose prevHash links
// them (POSIX sh parameter expansion, as the layout promises), every signed act with its
// signature (ssh-keygen -n cutover-act-v1) and its digest in the chain; verdicts the vault holds
// exported with the pack; and verifyPack naming each kind of tampering, even when the forger
// rewrote manifest.json and SHA256SUMS to match.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, planBytes, PLAN_NAMESPACE } from '../../src/core/engine/plan';
import { runStateIn } from '../../src/core/engine/state';
import { buildPack, formatSums, importSignature, signPack, verifyPack, type PackVerifyReport } from '../../src/core/pack';
import { recordDecisionHere } from '../../src/core/reports/decision';
import { loadKeyFile, sshsigSign } from '../../src/core/signing';
import { canonicalJson, type VaultEvent } from '../../src/core/vault';
import { cutover, tool, usePackFixture, type PackFixture } from './fixture';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface Predicate {
  chainHead: { seq: number; hash: string };
  chain: { path: string; firstSeq: number; firstPrevHash: string; headSeq: number; headHash: string; events: number };
  plans: { version: number; path: string; sha256: string; approvals: { signer: string; fingerprint: string; path: string; seq: number }[] }[];
  acts: { seq: number; kind: string; signer: string; fingerprint: string; path: string; signaturePath: string; digest: string }[];
}

function predicateOf(folder: string): Predicate {
  return JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).predicate as Predicate;
}

function filesOf(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    return e.isDirectory() ? filesOf(root, rel) : [rel];
  }).sort();
}

/** `ssh-keygen -Y verify -f allowed_signers -I NAME -n NAMESPACE -s SIG < FILE` in the pack folder. */
function keygenVerify(folder: string, name: string, namespace: string, sig: string, file: string) {
  return tool('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', name, '-n', namespace, '-s', sig], { cwd: folder, input: readFileSync(join(folder, file)) });
}

async function sha256sumOf(folder: string, path: string): Promise<string> {
  const r = await tool('sha256sum', [path], { cwd: folder });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split(' ')[0]!;
}

/**
 * The chain check the layout promises an auditor, in POSIX sh: each line's top-level prevHash
 * (the last one in the line) against the sha256sum of the line before; prints the last hash.
 */
const CHAIN_SH = `
prev=$1; n=0
while IFS= read -r line; do
  n=$((n+1))
  p=\${line##*\\"prevHash\\":\\"}; p=\${p%%\\"*}
  case "$line" in *'"seq":'"$n"',"type":'*) ;; *) echo "line $n is not seq $n"; exit 1 ;; esac
  [ "$p" = "$prev" ] || { echo "line $n: prevHash $p is not $prev"; exit 1; }
  prev=$(printf '%s' "$line" | sha256sum); prev=\${prev%% *}
done < chain/events.jsonl
echo "$n $prev"
`;

function chainCheck(folder: string, firstPrevHash: string) {
  return tool('sh', ['-c', CHAIN_SH, 'chain-check', firstPrevHash], { cwd: folder });
}

/** A forger's fix-up: manifest subjects and SHA256SUMS recomputed for the folder's files as they now are. */
function rehash(folder: string, edit: (manifest: { subject: { name: string; digest: { sha256: string }; annotations: Record<string, unknown> }[]; predicate: Record<string, unknown> }) => void = () => {}): void {
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
  edit(manifest);
  const old = new Map<string, Record<string, unknown>>(manifest.subject.map((s: { name: string; annotations: Record<string, unknown> }) => [s.name, s.annotations]));
  const files = filesOf(folder).filter((p) => p !== 'manifest.json' && p !== 'SHA256SUMS' && !p.startsWith('signatures/'));
  manifest.subject = files.map((name) => {
    const data = readFileSync(join(folder, name));
    return { name, digest: { sha256: sha256(data) }, annotations: { ...(old.get(name) ?? { kind: 'evidence', mediaType: 'text/plain' }), size: data.length } };
  });
  const bytes = Buffer.from(canonicalJson(manifest));
  writeFileSync(join(folder, 'manifest.json'), bytes);
  writeFileSync(join(folder, 'SHA256SUMS'), formatSums([...files, 'manifest.json'].map((path) => ({ path, sha256: sha256(readFileSync(join(folder, path))) }))));
}

const areasOf = (report: PackVerifyReport) => [...new Set(report.problems.map((p) => p.area))].sort();

/** The fixture's run with a formal decision: ana's part (root cause, risk, drift) and gov1's authorization, each a signed act. */
async function decidedRun(): Promise<PackFixture> {
  const f = await usePackFixture();
  await recordDecisionHere(f.vault, f.runId, 'ana', { rootCause: 'None: all gates passed', riskTier: 'low', drift: 'None' }, f.keyring);
  await recordDecisionHere(f.vault, f.runId, 'gov1', { authorization: 'Approved', note: 'evidence reviewed' }, f.keyring);
  return f;
}

const eventsOf = (f: PackFixture, type: string): VaultEvent[] => f.vault.events().filter((e) => e.type === type && (e.payload as { runId?: string }).runId === f.runId);

describe('the chain, the signed plan and the acts in a pack', () => {
  it('every file checks out with ssh-keygen, sha256sum and sh alone, and verifyPack agrees', async () => {
    const f = await decidedRun();
    const headBefore = f.vault.head();
    const built = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'out') });
    const folder = built.folder;
    expect(f.vault.head()).toEqual(headBefore);
    const p = predicateOf(folder);

    // allowed_signers lets each key sign in all three namespaces: one file checks every signature.
    expect(readFileSync(join(folder, 'allowed_signers'), 'utf8')).toMatch(/^gov2 namespaces="cutover-decision-v1,cutover-plan-v1,cutover-act-v1" ssh-rsa /m);

    // plan/: one plan version, the exact text each approver signed, their SSHSIG beside it.
    const approvals = eventsOf(f, 'approval.added');
    expect(approvals.map((e) => e.actor)).toEqual(['gov1', 'gov2']);
    expect(p.plans).toEqual([{ version: 1, path: 'plan/plan.json', sha256: (approvals[0]!.payload as { planDigest: string }).planDigest, approvals: approvals.map((e) => ({ signer: e.actor, fingerprint: (e.payload as { fingerprint: string }).fingerprint, path: `plan/approvals/${e.actor}.sig`, seq: e.seq })) }]);
    expect(readFileSync(join(folder, 'plan/plan.json'), 'utf8')).toBe((approvals[0]!.payload as { plan: string }).plan);
    expect(await sha256sumOf(folder, 'plan/plan.json')).toBe(p.plans[0]!.sha256);
    for (const e of approvals) {
      expect(readFileSync(join(folder, `plan/approvals/${e.actor}.sig`), 'utf8')).toBe((e.payload as { signature: string }).signature);
      const r = await keygenVerify(folder, e.actor, 'cutover-plan-v1', `plan/approvals/${e.actor}.sig`, 'plan/plan.json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Good "cutover-plan-v1" signature for ${e.actor}`);
    }
    // Another person's name, or another namespace, does not pass.
    expect((await keygenVerify(folder, 'gov2', 'cutover-plan-v1', 'plan/approvals/gov1.sig', 'plan/plan.json')).code).not.toBe(0);
    expect((await keygenVerify(folder, 'gov1', 'cutover-act-v1', 'plan/approvals/gov1.sig', 'plan/plan.json')).code).not.toBe(0);

    // chain/events.jsonl: seq 1 to the anchor, each line the canonical bytes whose sha256 is the event's hash.
    const events = f.vault.events().filter((e) => e.seq <= p.chainHead.seq);
    expect(p.chain).toEqual({ path: 'chain/events.jsonl', firstSeq: 1, firstPrevHash: '0'.repeat(64), headSeq: p.chainHead.seq, headHash: p.chainHead.hash, events: events.length });
    const lines = readFileSync(join(folder, 'chain/events.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(p.chainHead.seq);
    lines.forEach((line, i) => {
      expect(JSON.parse(line).seq).toBe(i + 1);
      expect(sha256(line)).toBe(events[i]!.hash);
    });
    const sh = await chainCheck(folder, p.chain.firstPrevHash);
    expect(sh.code, sh.stdout + sh.stderr).toBe(0);
    expect(sh.stdout.trim()).toBe(`${p.chain.events} ${p.chain.headHash}`);

    // acts/: every signed act of the run, the exact bytes signed, the signature, the digest in its chain line.
    const actEvents = f.vault.events().filter((e) => (e.payload as { act?: unknown }).act && (e.payload as { runId?: string }).runId === f.runId);
    expect(p.acts.map((a) => [a.seq, a.kind, a.signer])).toEqual([
      [actEvents[0]!.seq, 'run.start', 'ana'],
      [actEvents[1]!.seq, 'step.attest', 'ana'],
      [actEvents[2]!.seq, 'step.record', 'ana'],
      [actEvents[3]!.seq, 'step.execute', 'ana'],
      [actEvents[4]!.seq, 'step.execute', 'ana'],
      [actEvents[5]!.seq, 'decision.record', 'ana'],
      [actEvents[6]!.seq, 'decision.record', 'gov1'],
    ]);
    for (const [i, a] of p.acts.entries()) {
      const stored = (actEvents[i]!.payload as { act: { text: string; signature: string; digest: string } }).act;
      expect(a.path).toBe(`acts/${String(a.seq).padStart(6, '0')}-${a.kind}-${a.signer}.json`);
      expect(a.signaturePath).toBe(`${a.path}.sig`);
      expect(readFileSync(join(folder, a.path), 'utf8')).toBe(stored.text);
      expect(readFileSync(join(folder, a.signaturePath), 'utf8')).toBe(stored.signature);
      expect(await sha256sumOf(folder, a.path)).toBe(a.digest);
      expect(lines[a.seq - 1]).toContain(`"digest":"${a.digest}"`);
      const r = await keygenVerify(folder, a.signer, 'cutover-act-v1', a.signaturePath, a.path);
      expect(r.code, `${a.path}: ${r.stderr}`).toBe(0);
    }
    // Everything is a subject: sha256sum -c covers it.
    const sums = await tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder });
    expect(sums.code, sums.stdout).toBe(0);
    for (const path of ['chain/events.jsonl', 'plan/plan.json', 'plan/approvals/gov1.sig', p.acts[0]!.path, p.acts[0]!.signaturePath]) expect(sums.stdout).toContain(`${path}: OK`);

    const cli = await cutover(['pack', 'verify', folder]);
    expect(cli.code, cli.stdout).toBe(3);
    expect(cli.stdout).toContain(`  chain: chain/events.jsonl, ${p.chain.events} event(s) to #${p.chain.headSeq}: every line links to the next, up to the head hash\n  plan: 1 version(s), approvals 2 of 2 good\n  acts: 7 of 7 good\n`);
    const report = await verifyPack(folder);
    expect(report.problems.map((x) => x.area)).toEqual(['policy']);
    expect(report.contents?.chain).toEqual({ path: 'chain/events.jsonl', events: p.chain.events, headSeq: p.chain.headSeq, headHash: p.chain.headHash, ok: true });
    expect(report.contents?.plans[0]!.approvals.map((a) => [a.signer, a.status])).toEqual([['gov1', 'valid'], ['gov2', 'valid']]);
    expect(report.contents?.acts.every((a) => a.status === 'valid')).toBe(true);
    expect(report.contents?.acts).toHaveLength(7);
  });

  it('a plan approved again after it changed gives plan/v1 and plan/v2, each text with its own approvers', async () => {
    const f = await usePackFixture();
    // The plan as it stands after a change (here: the upgrade step's title), signed by gov3 and then gov1.
    const state = runStateIn(f.vault, f.runId)!;
    const changed = buildPlan(state);
    changed.steps = changed.steps.map((s) => (s.stepId === 'p1-upgrade' ? { ...s, title: 'alembic upgrade head (retitled)' } : s));
    const text = planBytes(changed);
    for (const name of ['gov3', 'gov1'] as const) f.engine(name).importApproval(f.runId, text, await sshsigSign(await loadKeyFile(f.keys[name].path), text, PLAN_NAMESPACE));

    const built = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'out') });
    const p = predicateOf(built.folder);
    expect(filesOf(built.folder).filter((x) => x.startsWith('plan/'))).toEqual([
      'plan/v1/approvals/gov1.sig', 'plan/v1/approvals/gov2.sig', 'plan/v1/plan.json',
      'plan/v2/approvals/gov1.sig', 'plan/v2/approvals/gov3.sig', 'plan/v2/plan.json',
    ]);
    expect(p.plans.map((v) => [v.version, v.path, v.approvals.map((a) => a.signer)])).toEqual([[1, 'plan/v1/plan.json', ['gov1', 'gov2']], [2, 'plan/v2/plan.json', ['gov3', 'gov1']]]);
    expect(readFileSync(join(built.folder, 'plan/v2/plan.json')).equals(text)).toBe(true);
    for (const v of p.plans) {
      expect(await sha256sumOf(built.folder, v.path)).toBe(v.sha256);
      for (const a of v.approvals) {
        const r = await keygenVerify(built.folder, a.signer, 'cutover-plan-v1', a.path, v.path);
        expect(r.code, `${a.path}: ${r.stderr}`).toBe(0);
      }
    }
    // gov1's first approval is over v1's text, not v2's.
    expect((await keygenVerify(built.folder, 'gov1', 'cutover-plan-v1', 'plan/v1/approvals/gov1.sig', 'plan/v2/plan.json')).code).not.toBe(0);
    const report = await verifyPack(built.folder);
    expect(report.problems.map((x) => x.area)).toEqual(['policy']);
    expect(report.contents?.plans.map((v) => v.approvals.map((a) => a.status))).toEqual([['valid', 'valid'], ['valid', 'valid']]);
  });

  it('export carries every verdict the vault holds on its manifest: import-then-export verifies with both signatures, and exports are byte-identical', async () => {
    const f = await decidedRun();
    const first = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'first') });
    expect(first.signedBy).toEqual([]);
    for (const name of ['gov1', 'gov2'] as const) await signPack(first.zip, { identity: name, signer: await loadKeyFile(f.keys[name].path), decision: 'approve', reason: `${name} reviewed`, now: new Date('2026-12-06T12:00:00Z') });
    for (const name of ['gov1', 'gov2']) await importSignature(f.vault, f.runId, first.zip, name);
    const head = f.vault.head();

    const one = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'one') });
    const two = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'two') });
    expect(f.vault.head()).toEqual(head);
    expect(one.manifestSha256).toBe(first.manifestSha256);
    expect(one.signedBy).toEqual(['gov1', 'gov2']);
    expect(filesOf(one.folder).filter((x) => x.startsWith('signatures/'))).toEqual(['signatures/gov1.json', 'signatures/gov1.json.sig', 'signatures/gov1.sig', 'signatures/gov2.json', 'signatures/gov2.json.sig', 'signatures/gov2.sig']);
    // The verdicts exported are the bytes the approvers signed, checked by ssh-keygen.
    const unpacked = join(f.dir, 'signed-unpacked');
    expect((await tool('unzip', ['-q', first.zip, '-d', unpacked])).code).toBe(0);
    for (const name of ['gov1', 'gov2']) {
      for (const ext of ['sig', 'json', 'json.sig']) expect(readFileSync(join(one.folder, `signatures/${name}.${ext}`)).equals(readFileSync(join(unpacked, `signatures/${name}.${ext}`)))).toBe(true);
      const r = await keygenVerify(one.folder, name, 'cutover-decision-v1', `signatures/${name}.sig`, 'manifest.json');
      expect(r.code, r.stderr).toBe(0);
    }
    // The zip holds them too, and is the same file on every export of this vault state.
    const zipped = await tool('unzip', ['-Z1', one.zip]);
    expect(zipped.stdout.split('\n').filter((l) => l.startsWith('signatures/'))).toHaveLength(6);
    const [a, b] = [await sha256sumOf(f.dir, one.zip), await sha256sumOf(f.dir, two.zip)];
    expect(a).toBe(b);
    expect(a).toBe(one.zipSha256);
    // Signatures are outside SHA256SUMS and the manifest: still `sha256sum -c` clean.
    expect((await tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: one.folder })).code).toBe(0);
    const report = await verifyPack(one.zip);
    expect(report.problems).toEqual([]);
    expect(report.policy).toMatchObject({ ok: true, approvedBy: ['gov1', 'gov2'] });
  });

  it('against the organisation\'s roster: signers it does not list are noted, a signer it knows by another key fails', async () => {
    const f = await decidedRun();
    const built = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'out') });
    // The roster lists the approvers only; gov2 may sign decisions and nothing else.
    const roster = join(f.dir, 'org_allowed_signers');
    writeFileSync(roster, `gov1 ${f.keys.gov1.publicKey}\ngov2 namespaces="cutover-decision-v1" ${f.keys.gov2.publicKey}\n`);
    const report = await verifyPack(built.folder, { allowedSignersFile: roster });
    expect(report.problems.map((x) => x.area)).toEqual(['policy']);
    expect(report.contents?.plans[0]!.approvals.map((a) => [a.signer, a.status])).toEqual([['gov1', 'valid'], ['gov2', 'not-in-roster']]);
    expect(report.contents?.acts.map((a) => [a.signer, a.status])).toEqual([...Array(6).fill(['ana', 'not-in-roster']), ['gov1', 'valid']]);
    expect(report.contents?.notes).toEqual([`Plan approvals or acts signed by people your roster ${roster} does not list for that kind of signature (checked against the keys the pack names for them only): gov2, ana.`]);
    // The organisation knows ana by another key: every act the pack says ana signed fails, named.
    writeFileSync(roster, `gov1 ${f.keys.gov1.publicKey}\ngov2 ${f.keys.gov2.publicKey}\nana ${f.keys.gov3.publicKey}\n`);
    const other = await verifyPack(built.folder, { allowedSignersFile: roster });
    const trustProblems = other.problems.filter((x) => x.area === 'trust');
    expect(trustProblems).toHaveLength(6);
    expect(trustProblems[0]!.message).toMatch(new RegExp(`^acts/\\d{6}-run\\.start-ana\\.json\\.sig: your roster ${roster.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lists ana with another key \\(SHA256:\\S+\\), not SHA256:\\S+$`));
  });

  describe('tampering is named by verifyPack, even with manifest.json and SHA256SUMS rewritten to match', () => {
    async function exported() {
      const f = await decidedRun();
      const built = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'out') });
      let n = 0;
      const copy = () => {
        const dir = join(f.dir, `tampered-${++n}`);
        cpSync(built.folder, dir, { recursive: true });
        return dir;
      };
      return { f, built, p: predicateOf(built.folder), copy };
    }

    it('a chain line edited, or an event removed from the middle', async () => {
      const { p, copy } = await exported();
      const edited = copy();
      const path = join(edited, 'chain/events.jsonl');
      const lines = readFileSync(path, 'utf8').split('\n');
      const attest = p.acts.find((a) => a.kind === 'step.attest')!;
      lines[attest.seq - 1] = lines[attest.seq - 1]!.replace('"actor":"ana"', '"actor":"gov3"');
      writeFileSync(path, lines.join('\n'));
      rehash(edited);
      const report = await verifyPack(edited);
      expect(areasOf(report)).toEqual(['chain', 'policy']);
      expect(report.problems.find((x) => x.area === 'chain')!.message).toBe(`chain/events.jsonl line ${attest.seq + 1}: its prevHash ${sha256(lines[attest.seq - 1]!.replace('"actor":"gov3"', '"actor":"ana"'))} is not the sha256 of line ${attest.seq} (${sha256(lines[attest.seq - 1]!)}): line ${attest.seq} was changed, or an event was removed between them`);
      expect(report.contents?.chain?.ok).toBe(false);
      // The auditor's sh check stops at the same line.
      const sh = await chainCheck(edited, p.chain.firstPrevHash);
      expect(sh.code).toBe(1);
      expect(sh.stdout).toContain(`line ${attest.seq + 1}: prevHash`);

      const removed = copy();
      const all = readFileSync(join(removed, 'chain/events.jsonl'), 'utf8').split('\n');
      all.splice(4, 1);
      writeFileSync(join(removed, 'chain/events.jsonl'), all.join('\n'));
      rehash(removed);
      const gone = await verifyPack(removed);
      const messages = gone.problems.filter((x) => x.area === 'chain').map((x) => x.message);
      expect(messages).toContain('chain/events.jsonl line 5: is event #6, not #5: an event is missing, added or out of order');
      expect(messages).toContain(`chain/events.jsonl has ${p.chain.events - 1} line(s); the manifest says ${p.chain.events}`);
    });

    it('an act\'s bytes edited, an act left out, an approval .sig swapped with another\'s', async () => {
      const { p, copy } = await exported();
      const record = p.acts.find((a) => a.kind === 'step.record')!;
      const edited = copy();
      const text = readFileSync(join(edited, record.path), 'utf8');
      expect(text).toContain('snap-0a1b2c');
      writeFileSync(join(edited, record.path), text.replace('snap-0a1b2c', 'snap-ffffff'));
      rehash(edited);
      const report = await verifyPack(edited);
      expect(areasOf(report)).toEqual(['act', 'policy']);
      expect(report.problems.find((x) => x.area === 'act')!.message).toMatch(new RegExp(`^${record.path}: sha256 [0-9a-f]{64} is not the act's digest ${record.digest}: its bytes were changed$`));
      // ssh-keygen agrees.
      expect((await keygenVerify(edited, 'ana', 'cutover-act-v1', record.signaturePath, record.path)).code).not.toBe(0);

      const dropped = copy();
      rmSync(join(dropped, record.path));
      rmSync(join(dropped, record.signaturePath));
      rehash(dropped, (m) => {
        m.predicate.acts = (m.predicate.acts as { seq: number }[]).filter((a) => a.seq !== record.seq);
      });
      const missing = await verifyPack(dropped);
      expect(missing.problems.filter((x) => x.area === 'act').map((x) => x.message)).toEqual([`chain/events.jsonl holds an act of this run at event #${record.seq} (step.recorded by ana), which the pack's acts/ does not carry`]);

      const swapped = copy();
      cpSync(join(swapped, 'plan/approvals/gov2.sig'), join(swapped, 'plan/approvals/gov1.sig'));
      rehash(swapped);
      const bad = await verifyPack(swapped);
      expect(areasOf(bad)).toEqual(['plan', 'policy']);
      expect(bad.problems.find((x) => x.area === 'plan')!.message).toMatch(/^plan\/approvals\/gov1\.sig: does not match approval event #\d+ in chain\/events\.jsonl: the signature it records is not plan\/approvals\/gov1\.sig$/);
      expect(bad.contents?.plans[0]!.approvals.map((a) => a.status)).toEqual(['failed', 'valid']);

      // An extra file under acts/ that the predicate does not list.
      const extra = copy();
      writeFileSync(join(extra, 'acts/000999-step.attest-gov1.json'), '{}');
      rehash(extra);
      expect((await verifyPack(extra)).problems.filter((x) => x.area === 'act').map((x) => x.message)).toEqual(['acts/000999-step.attest-gov1.json is in the pack, but the manifest\'s acts do not list it']);
    });

    it('a pack exported before packs carried them still verifies, with a note that it carries no chain', async () => {
      const { copy } = await exported();
      const old = copy();
      for (const dir of ['chain', 'plan', 'acts']) rmSync(join(old, dir), { recursive: true });
      rehash(old, (m) => {
        delete m.predicate.chain;
        delete m.predicate.plans;
        delete m.predicate.acts;
      });
      const report = await verifyPack(old);
      expect(report.problems.map((x) => x.area)).toEqual(['policy']);
      expect(report.contents).toEqual({ chain: null, plans: [], acts: [], notes: [expect.stringMatching(/carries no chain, signed plan or signed acts \(it was exported before packs did\)/)] });
      // The CLI says so, and the pack awaits signatures as any unsigned pack does.
      const cli = await cutover(['pack', 'verify', old]);
      expect(cli.code, cli.stdout).toBe(3);
      expect(cli.stdout).toMatch(/^ {2}note: This pack carries no chain, signed plan or signed acts/m);
      expect(cli.stdout).not.toMatch(/^ {2}chain:/m);
    });
  });
});
