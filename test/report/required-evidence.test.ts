// The runbook's evidence pack ("Required for Final Decision") and its abort gates, as the
// decision record shows them: real runs on a local target in a real vault, the PDF read back
// with pdftotext, the decision template filled from the same snapshot, the pack exported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { decisionContext, formatDecision } from '../../src/core/reports/decision';
import { buildPack } from '../../src/core/pack';
import { renderDecisionPdf } from '../../src/core/reports/pdf';
import type { Keyring, Signer } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { overlappingWords, pdfText, recordedRun } from './runs';
import { addPeople } from '../helpers/people';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

/** The upgrade prints `upgradeOutput`; an abort gate watches it for DuplicateTable. */
const runbook = (upgradeOutput: string) => `
format: cutover-runbook/v1
id: evidence-test
title: Required evidence test cutover
version: "3"
policy: { approvals: { quorum: 1, role: approver } }
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", by: operator, evidence: ev_write_freeze_attestation.log }
phases:
  - id: P0
    title: Preflight
    steps:
      - id: p0-heads
        kind: check
        title: alembic heads
        target: ws
        run: "printf '70a79686336c (head)\\\\n'"
        read_only: true
        expect: [ { exit_code: 0 }, { output_contains: "(head)" } ]
        abort_on:
          - { pattern: '^\\w+ \\(head\\)', unless: '^70a79686336c \\(head\\)', label: a second head }
        evidence: ev_heads_preflight.log
  - id: P1
    title: Upgrade
    steps:
      - id: p1-upgrade
        kind: command
        title: alembic upgrade head
        target: ws
        run: |
          echo '${upgradeOutput}'; echo done
        expect: [ { exit_code: 0 } ]
        abort_on:
          - { pattern: DuplicateTable, label: DuplicateTable }
          - { pattern: LockNotAvailable, label: lock timeout, on_match: cancel }
        evidence: ev_upgrade_to_head.log
  - id: P2
    title: Post-checks
    steps:
      - id: p2-current
        kind: check
        title: alembic current
        target: ws
        run: "echo '70a79686336c (head)'"
        read_only: true
        expect: [ { value: { pattern: '^(\\w+) \\(head\\)', equals: 70a79686336c, label: alembic current } } ]
        abort_on:
          - { pattern: Traceback, label: script failure }
        evidence: ev_post_upgrade_current.log
rollback:
  triggers: [ "DuplicateTable in the upgrade" ]
  steps:
    - id: rb-pitr
      kind: record
      title: PITR decision
      fields: [ { name: decision, label: Decision } ]
      evidence: ev_rollback_pitr_decision.json
evidence_pack:
  - ev_write_freeze_attestation.log
  - ev_heads_preflight.log
  - ev_upgrade_to_head.log
  - ev_post_upgrade_current.log
  - ev_rollback_pitr_decision.json
decision:
  template: governance
  target: local / evidence-test
`;

const PASSPHRASE = 'correct horse battery staple';
let dir: string;
let vault: Vault;
let complete: string;
let blocked: string;
let skipped: string;
let keyring: Keyring;
let gov1: Signer;

async function play(text: string, variant: 'complete' | 'blocked' | 'skipped'): Promise<string> {
  const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
  const op = engine('ana');
  const { runId } = await op.startRun({ text, source: 'evidence-test.yaml', environment: 'rehearsal' });
  await op.attest(runId, 'pre-freeze');
  await op.executeStep(runId, 'p0-heads');
  await engine('gov1').approve(runId, 'gov1', gov1);
  const upgrade = await op.executeStep(runId, 'p1-upgrade');
  if (variant === 'complete') {
    expect(upgrade.status).toBe('PASS');
    await op.executeStep(runId, 'p2-current');
  } else if (variant === 'skipped') {
    expect(upgrade.status).toBe('PASS');
    await op.skip(runId, 'p2-current', 'the post-check tool is not installed on this host');
  } else {
    expect(upgrade).toMatchObject({ status: 'FAIL', blocked: true });
    await op.decide(runId, 'rollback', 'DuplicateTable in the upgrade');
    await op.record(runId, 'rb-pitr', { decision: 'restore to the snapshot' });
  }
  return runId;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-required-evidence-'));
  vault = Vault.create(join(dir, 'ev.vault'), PASSPHRASE);
  const added = await addPeople(vault, [['ana', ['operator']], ['gov1', ['approver']]]);
  keyring = added.keyring;
  gov1 = added.people.get('gov1')!.signer;
  complete = await play(runbook('Running upgrade 0019 -> 70a79686336c'), 'complete');
  blocked = await play(runbook('psycopg2.errors.DuplicateTable: relation "x" already exists'), 'blocked');
  skipped = await play(runbook('Running upgrade 0019 -> 70a79686336c'), 'skipped');
}, 180_000);

afterAll(() => {
  vault?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const flat = (text: string) => text.replace(/\s+/g, ' ');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

let layouts = 0;
/** `pdftotext -layout`: each table row on its own line(s), columns side by side. */
function layoutLines(pdf: Buffer): string[] {
  const path = join(dir, `layout-${++layouts}.pdf`);
  writeFileSync(path, pdf);
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.split('\n');
}

/** The row whose first line matches `first`, and the line under it. */
function row(lines: string[], first: RegExp): [string, string] {
  const i = lines.findIndex((l) => first.test(l));
  expect(i, `a line matching ${first}`).toBeGreaterThanOrEqual(0);
  return [lines[i]!, lines[i + 1] ?? ''];
}

describe('required evidence and abort gates in the decision record', () => {
  it('a run with every required file: the model matches each to its artifact; the PDF lists each as present with its hash; deterministic', async () => {
    const { model, decision } = decisionContext(vault, complete);
    const required = model.requiredEvidence!;
    expect(required.map((e) => [e.name, e.status, e.step?.stepId])).toEqual([
      ['ev_write_freeze_attestation.log', 'present', 'pre-freeze'],
      ['ev_heads_preflight.log', 'present', 'p0-heads'],
      ['ev_upgrade_to_head.log', 'present', 'p1-upgrade'],
      ['ev_post_upgrade_current.log', 'present', 'p2-current'],
      // Only the rollback path writes it, and this run did not take it.
      ['ev_rollback_pitr_decision.json', 'not-applicable', 'rb-pitr'],
    ]);
    for (const e of required.filter((x) => x.status === 'present')) {
      const artifact = model.artifacts.find((a) => a.name === e.name)!;
      expect(e.artifact).toEqual({ artifactId: artifact.artifactId, path: `evidence/${e.name}`, sha256: artifact.sha256, size: artifact.size, state: 'complete', stepId: e.step!.stepId });
      expect(e.artifact!.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // Declared gates with their outcomes: expectations judged, abort gates watched and clear.
    const upgrade = model.steps.find((s) => s.stepId === 'p1-upgrade')!;
    expect(upgrade.declaredGates).toEqual([
      { kind: 'expect', gate: 'exit code = 0', label: null, pattern: null, onMatch: null, outcome: 'pass', detail: 'exit code 0' },
      { kind: 'abort', gate: 'abort on /DuplicateTable/', label: 'DuplicateTable', pattern: 'DuplicateTable', onMatch: 'block', outcome: 'clear', detail: 'watched over the whole output; never matched' },
      { kind: 'abort', gate: 'abort on /LockNotAvailable/', label: 'lock timeout', pattern: 'LockNotAvailable', onMatch: 'cancel', outcome: 'clear', detail: 'watched over the whole output; never matched' },
    ]);
    expect(model.steps.find((s) => s.stepId === 'p2-current')!.declaredGates![0]).toMatchObject({ gate: 'alembic current = 70a79686336c', label: 'alembic current', outcome: 'pass', detail: 'value 70a79686336c' });
    expect(model.steps.find((s) => s.stepId === 'pre-freeze')!.declaredGates).toEqual([]);

    expect(decision.status).toBe('PASS');
    expect(decision.errors).toEqual([]);
    expect(decision.statement).toContain('Required evidence present: all 4 files of the runbook\'s evidence pack.');
    expect(formatDecision(decision)).toContain('- Errors: None\n    (run: no step failed; all required evidence present)');

    const pdf = await renderDecisionPdf(model, decision, { policy: { quorum: 1, role: 'approver', rejection: 'veto' } });
    expect((await renderDecisionPdf(structuredClone(model), structuredClone(decision), { policy: { quorum: 1, role: 'approver', rejection: 'veto' } })).equals(pdf)).toBe(true);
    const folded = flat(pdfText(pdf));
    expect(folded).toContain('Required evidence');
    expect(folded).toContain('All 4 files present.');
    expect(folded).not.toContain('MISSING');
    const lines = layoutLines(pdf);
    for (const e of required.filter((x) => x.status === 'present')) {
      // "present" (after a drawn tick) and the step that wrote it; under it the full SHA-256, the short hash, the step's result.
      const [first, second] = row(lines, new RegExp(`^\\s*\\d+ ${escape(e.name)}\\s`));
      expect(first).toMatch(new RegExp(`${escape(e.name)}\\s+present\\s+${e.step!.stepId}$`));
      expect(second).toMatch(new RegExp(`^\\s+${e.artifact!.sha256}\\s+${e.artifact!.sha256.slice(0, 12)}\\s+PASS · \\d+ B$`));
    }
    const [na, why] = row(lines, /^\s*\d+ ev_rollback_pitr_decision\.json\s/);
    expect(na).toMatch(/ev_rollback_pitr_decision\.json\s+n\/a\s+rb-pitr$/);
    expect(why).toMatch(/only rollback step rb-pitr writes it, and this run did not take its rollback path/);
    // Abort gates per phase: every declared gate, watched and clear.
    expect(folded).toContain('Abort gates per phase');
    expect(folded).toMatch(/Preflight \(P0\) 1 abort gate on 1 step\(s\): 0 matched, 1 clear\./);
    expect(folded).toMatch(/Upgrade \(P1\) 2 abort gates on 1 step\(s\): 0 matched, 2 clear\./);
    expect(folded).toMatch(/Post-checks \(P2\) 1 abort gate on 1 step\(s\): 0 matched, 1 clear\./);
    expect(row(lines, /^\s*p0-heads\s+a second head/)[0]).toMatch(/a second head\s+clear\s+watched over the whole output; never matched$/);
    expect(row(lines, /^\s*p1-upgrade\s+DuplicateTable/)).toEqual([expect.stringMatching(/DuplicateTable\s+clear\s+watched/), expect.stringMatching(/^\s*PASS\s+\/DuplicateTable\/ · on match: block$/)]);
    expect(row(lines, /^\s*p1-upgrade\s+lock timeout/)[1]).toMatch(/\/LockNotAvailable\/ · on match: cancel$/);
    expect(row(lines, /^\s*p2-current\s+script failure/)[0]).toMatch(/script failure\s+clear/);
    expect(overlappingWords(pdf), 'overlapping words').toEqual([]);
  });

  it('a run missing a required file: MISSING in the PDF, a finding in the decision template; matched abort gate per phase', async () => {
    const { model, decision } = decisionContext(vault, blocked);
    const required = model.requiredEvidence!;
    expect(required.map((e) => [e.name, e.status, e.reason])).toEqual([
      ['ev_write_freeze_attestation.log', 'present', null],
      ['ev_heads_preflight.log', 'present', null],
      // The failing step's transcript is evidence too: present.
      ['ev_upgrade_to_head.log', 'present', null],
      ['ev_post_upgrade_current.log', 'missing', 'p2-current not run'],
      // The rollback path was taken, so its record is required, and present.
      ['ev_rollback_pitr_decision.json', 'present', null],
    ]);
    expect(required[3]!.artifact).toBeNull();

    const upgrade = model.steps.find((s) => s.stepId === 'p1-upgrade')!;
    expect(upgrade.declaredGates!.filter((g) => g.kind === 'abort').map((g) => [g.label, g.outcome])).toEqual([['DuplicateTable', 'matched'], ['lock timeout', 'clear']]);
    expect(upgrade.declaredGates![1]!.detail).toBe('matched: psycopg2.errors.DuplicateTable: relation "x" already exists');
    expect(model.steps.find((s) => s.stepId === 'p2-current')!.declaredGates!.map((g) => [g.kind, g.outcome])).toEqual([['expect', 'not-run'], ['abort', 'not-run']]);

    expect(decision.status).toBe('BLOCKER');
    const finding = 'required evidence missing: 1 of 5 files in the runbook\'s evidence pack (ev_post_upgrade_current.log: p2-current not run)';
    expect(decision.errors).toContain(finding);
    expect(decision.statement).toContain('Required evidence missing: ev_post_upgrade_current.log.');
    const template = formatDecision(decision);
    expect(template).toMatch(/^- Errors: p1-upgrade \(alembic upgrade head\) FAIL: abort gate \/DuplicateTable\/ matched/m);
    expect(template).toContain(`\n    ${finding}\n`);

    const pdf = await renderDecisionPdf(model, decision, { policy: { quorum: 1, role: 'approver', rejection: 'veto' } });
    expect((await renderDecisionPdf(structuredClone(model), structuredClone(decision), { policy: { quorum: 1, role: 'approver', rejection: 'veto' } })).equals(pdf)).toBe(true);
    const folded = flat(pdfText(pdf));
    expect(folded).toContain('4 of 5 files present; 1 MISSING (ev_post_upgrade_current.log).');
    const lines = layoutLines(pdf);
    const [missing, why] = row(lines, /^\s*\d+ ev_post_upgrade_current\.log\s/);
    expect(missing).toMatch(/ev_post_upgrade_current\.log\s+MISSING\s+p2-current$/);
    expect(why).toMatch(/^\s+p2-current not run\s+not run$/);
    for (const e of required.filter((x) => x.status === 'present')) {
      const [first, second] = row(lines, new RegExp(`^\\s*\\d+ ${escape(e.name)}\\s`));
      expect(first).toMatch(new RegExp(`${escape(e.name)}\\s+present\\s+${e.step!.stepId}$`));
      expect(second).toMatch(new RegExp(`^\\s+${e.artifact!.sha256}\\s+${e.artifact!.sha256.slice(0, 12)}\\s+(PASS|FAIL) · `));
    }
    // The finding is in the formal decision on the cover, too.
    expect(folded).toContain(finding);
    expect(folded).toMatch(/Upgrade \(P1\) 2 abort gates on 1 step\(s\): 1 matched, 1 clear\./);
    expect(row(lines, /^\s*p1-upgrade\s+DuplicateTable/)).toEqual([
      expect.stringMatching(/DuplicateTable\s+MATCHED\s+matched: psycopg2\.errors\.DuplicateTable: relation$/),
      expect.stringMatching(/^\s*FAIL\s+\/DuplicateTable\/ · on match: block\s+"x" already exists$/),
    ]);
    expect(row(lines, /^\s*p1-upgrade\s+lock timeout/)[0]).toMatch(/lock timeout\s+clear/);
    expect(folded).toMatch(/Post-checks \(P2\) 1 abort gate on 1 step\(s\): 0 matched, 1 not run\./);
    expect(row(lines, /^\s*p2-current\s+script failure/)[0]).toMatch(/script failure\s+not run$/);
    expect(overlappingWords(pdf), 'overlapping words').toEqual([]);
  });

  it('a skipped step: its required file is MISSING with who skipped it, besides the deviation itself', async () => {
    const { model, decision } = decisionContext(vault, skipped);
    expect(model.run.status).toBe('COMPLETED');
    const entry = model.requiredEvidence!.find((e) => e.name === 'ev_post_upgrade_current.log')!;
    expect(entry).toMatchObject({ status: 'missing', reason: 'p2-current skipped by ana', step: { stepId: 'p2-current', status: 'skipped' }, artifact: null });
    expect(model.steps.find((s) => s.stepId === 'p2-current')!.declaredGates!.map((g) => [g.outcome, g.detail])).toEqual([['not-run', 'the step was skipped'], ['not-run', 'the step was skipped']]);
    expect(decision.status).toBe('BLOCKER');
    expect(decision.errors).toEqual([
      'p2-current (alembic current) skipped by ana: a deviation from the approved runbook',
      'required evidence missing: 1 of 4 files in the runbook\'s evidence pack (ev_post_upgrade_current.log: p2-current skipped by ana)',
    ]);
    const pdf = await renderDecisionPdf(model, decision, { policy: { quorum: 1, role: 'approver', rejection: 'veto' } });
    const lines = layoutLines(pdf);
    expect(row(lines, /^\s*\d+ ev_post_upgrade_current\.log\s/)).toEqual([expect.stringMatching(/MISSING\s+p2-current$/), expect.stringMatching(/p2-current skipped by ana\s+SKIPPED$/)]);
    expect(row(lines, /^\s*\d+ ev_rollback_pitr_decision\.json\s/)[0]).toMatch(/n\/a\s+rb-pitr$/);
    expect(flat(pdfText(pdf))).toContain('3 of 4 files present; 1 MISSING (ev_post_upgrade_current.log).');
  });

  it('the exported pack carries the missing file as absent, the finding in the signed decision, and the declared gates in the step results; same run, same bytes', async () => {
    const out = join(dir, 'packs');
    const built = await buildPack(vault, blocked, { outDir: out });
    const manifest = JSON.parse(readFileSync(join(built.folder, 'manifest.json'), 'utf8'));
    const pack = manifest.predicate.runbook.evidencePack as { name: string; path: string | null }[];
    expect(pack.find((e) => e.name === 'ev_post_upgrade_current.log')!.path).toBeNull();
    expect(pack.filter((e) => e.path).map((e) => e.path)).toEqual(['evidence/ev_write_freeze_attestation.log', 'evidence/ev_heads_preflight.log', 'evidence/ev_upgrade_to_head.log', 'evidence/ev_rollback_pitr_decision.json']);
    expect((manifest.predicate.decision.errors as string[]).some((e) => e.startsWith('required evidence missing: 1 of 5 files'))).toBe(true);
    const result = JSON.parse(readFileSync(join(built.folder, 'evidence/results/p1-upgrade.json'), 'utf8'));
    expect(result.declaredGates.map((g: { label: string | null; outcome: string }) => [g.label, g.outcome])).toEqual([[null, 'pass'], ['DuplicateTable', 'matched'], ['lock timeout', 'clear']]);
    const pdfText1 = flat(pdfText(join(built.folder, 'decision.pdf')));
    expect(pdfText1).toContain('1 MISSING (ev_post_upgrade_current.log)');
    const again = await buildPack(vault, blocked, { outDir: join(dir, 'packs-again') });
    expect(again.zipSha256).toBe(built.zipSha256);
    expect(again.manifestSha256).toBe(built.manifestSha256);
  });
});

describe('the reference scenario (alembic-governance-cutover.yaml: sshd, Alembic, PostgreSQL)', () => {
  it('the passing run has all 15 files of the evidence pack; the DuplicateTable run lacks the three post-check files', async () => {
    const pass = await recordedRun('pass');
    const v1 = pass.open();
    try {
      const { model, decision } = decisionContext(v1, pass.runId);
      expect(model.requiredEvidence).toHaveLength(15);
      expect(model.requiredEvidence!.filter((e) => e.status !== 'present')).toEqual([]);
      expect(decision.errors).toEqual([]);
      const lines = layoutLines(await renderDecisionPdf(model, decision, { policy: { quorum: 2, role: 'approver', rejection: 'veto' } }));
      for (const e of model.requiredEvidence!) {
        const [first, second] = row(lines, new RegExp(`^\\s*\\d+ ${escape(e.name)}\\s`));
        expect(first).toMatch(/\s+present\s+\S+$/);
        expect(second).toContain(e.artifact!.sha256);
      }
    } finally {
      v1.close();
    }
    const blockedRun = await recordedRun('blocked');
    const v2 = blockedRun.open();
    try {
      const { model, decision } = decisionContext(v2, blockedRun.runId);
      expect(model.requiredEvidence!.filter((e) => e.status === 'missing').map((e) => [e.name, e.reason])).toEqual([
        ['prod_post_upgrade_current.log', 'p4-current not run'],
        ['prod_post_upgrade_heads.log', 'p4-heads not run'],
        ['prod_ai4_object_parity.log', 'p4-ai4-objects not run'],
      ]);
      expect(decision.errors).toContain('required evidence missing: 3 of 15 files in the runbook\'s evidence pack (prod_post_upgrade_current.log: p4-current not run; prod_post_upgrade_heads.log: p4-heads not run; prod_ai4_object_parity.log: p4-ai4-objects not run)');
      const upgrade = model.steps.find((s) => s.stepId === 'p3-upgrade-head')!;
      const aborts = upgrade.declaredGates!.filter((g) => g.kind === 'abort');
      expect(aborts.map((g) => g.label)).toEqual(['DuplicateTable', 'MissingColumn', 'Enum/type redefinition conflict', 'Lock timeout', 'Deadlock', 'Unexpected backfill conflict']);
      expect(aborts.map((g) => g.outcome)).toEqual(['matched', 'clear', 'clear', 'clear', 'clear', 'clear']);
      // The post-checks that never ran: their gates were never watched.
      expect(model.steps.find((s) => s.stepId === 'p4-heads')!.declaredGates!.every((g) => g.outcome === 'not-run')).toBe(true);
    } finally {
      v2.close();
    }
  }, 120_000);
});
