// `cutover run decision`, `cutover run broadcasts`, `cutover report incident` and
// `cutover report decision` as a user runs them: a child process on a real vault.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, describeRun, expectNoCrash, REPO_ROOT, type CliResult } from '../helpers/cli';
import { copyVaultFile, pdfText, recordedRun } from './runs';

const BIN = join(REPO_ROOT, 'bin/cutover.mjs');

function cutover(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function refused(r: CliResult, message: RegExp): void {
  expect(r.code, describeRun(r)).toBe(2);
  expect(r.stderr, describeRun(r)).toMatch(/^cutover: /);
  expect(r.stderr).toMatch(message);
  expectNoCrash(r);
}

describe('cutover run decision / run broadcasts / report', () => {
  it('run decision prints the filled template, records a person\'s part, refuses bad input with exit 2', async () => {
    const run = await recordedRun('blocked');
    const vault = copyVaultFile(run);
    const shown = await cutover(['run', 'decision', run.runId, '--vault', vault]);
    expect(shown.code, describeRun(shown)).toBe(0);
    expect(shown.stdout).toMatch(/^Formal Decision \(post-run\)\n\n- Status: BLOCKER\n/);
    expect(shown.stdout).toContain('GO/NO-GO Decision: NO-GO');

    refused(await cutover(['run', 'decision', run.runId, '--vault', vault, '--risk-tier', '', '--actor', 'ana']), /the risk tier is empty/);
    refused(await cutover(['run', 'decision', run.runId, '--vault', vault, '--authorization', 'maybe', '--actor', 'gov1', '--key', run.keys.gov1]), /--authorization is Approved or Rejected, got "maybe"/);
    refused(await cutover(['run', 'decision', run.runId, '--vault', vault, '--authorization', 'approved', '--actor', 'gov1', '--key', run.keys.gov1]), /cannot be Approved/);
    refused(await cutover(['run', 'decision', 'no-such-run', '--vault', vault]), /No run no-such-run/);

    const recorded = await cutover(['run', 'decision', run.runId, '--vault', vault, '--root-cause', 'Schema drift: active_investments pre-existed', '--risk-tier', 'Tier 2 (elevated)', '--actor', 'ana']);
    expect(recorded.code, describeRun(recorded)).toBe(0);
    expect(recorded.stdout).toMatch(/^Recorded by ana \(event #\d+\)\./);
    expect(recorded.stdout).toContain('- Risk tier (updated): Tier 2 (elevated)\n    (recorded by ana at ');
    // A name is not enough: without gov2's own key nothing is recorded in their name.
    refused(await cutover(['run', 'decision', run.runId, '--vault', vault, '--authorization', 'Rejected', '--actor', 'gov2']), /gov2's key \(SHA256:\S+\) is not usable at this workstation/);
    const json = await cutover(['run', 'decision', run.runId, '--vault', vault, '--authorization', 'Rejected', '--note', 'DuplicateTable; re-plan', '--actor', 'gov2', '--key', run.keys.gov2, '--json']);
    expect(json.code, describeRun(json)).toBe(0);
    const parsed = JSON.parse(json.stdout) as { decision: { authorization: string; riskTier: string; rootCause: string; goNoGo: string; sources: { authorization: { actor: string } } }; recorded: { actor: string; seq: number } };
    expect(parsed.decision).toMatchObject({ authorization: 'Rejected', riskTier: 'Tier 2 (elevated)', rootCause: 'Schema drift: active_investments pre-existed', goNoGo: 'NO-GO', sources: { authorization: { actor: 'gov2' } } });
    expect(parsed.recorded.actor).toBe('gov2');
  });

  it('run broadcasts prints the checkpoint messages, text and JSON', async () => {
    const run = await recordedRun('blocked');
    const vault = copyVaultFile(run);
    const text = await cutover(['run', 'broadcasts', run.runId, '--vault', vault]);
    expect(text.code, describeRun(text)).toBe(0);
    expect(text.stdout).toMatch(/^\[\S+ \S+ T-\d\d:\d\d\] Cutover initiated: /);
    expect(text.stdout).toContain('Rollback triggered. Reason: DuplicateTable in 0023; PITR decision path');
    const json = await cutover(['run', 'broadcasts', run.runId, '--vault', vault, '--json']);
    const list = JSON.parse(json.stdout) as { kind: string; at: string; t: string; text: string }[];
    expect(list.map((b) => b.kind)).toContain('deploy-smoke');
    expect(list.every((b) => /^\d{4}-\d\d-\d\dT/.test(b.at))).toBe(true);
  });

  it('report incident writes Markdown and PDF, refuses to overwrite without --force, and refuses a run with no incident', async () => {
    const blocked = await recordedRun('blocked');
    const vault = copyVaultFile(blocked);
    const out = join(mkdtempSync(join(tmpdir(), 'cutover-incident-')), 'reports');
    const r = await cutover(['report', 'incident', blocked.runId, '--vault', vault, '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`Incident report for run ${blocked.runId} (ROLLBACK, NO-GO): failed at p3-upgrade-head (DuplicateTable)`);
    const md = join(out, `incident-${blocked.runId}.md`);
    const pdf = join(out, `incident-${blocked.runId}.pdf`);
    expect(readFileSync(md, 'utf8')).toContain('DuplicateTable');
    expect(pdfText(pdf)).toContain('p3-upgrade-head');
    refused(await cutover(['report', 'incident', blocked.runId, '--vault', vault, '--out', out]), /already exists; .*--force/);
    const forced = await cutover(['report', 'incident', blocked.runId, '--vault', vault, '--out', out, '--force', '--json']);
    expect(forced.code, describeRun(forced)).toBe(0);
    const j = JSON.parse(forced.stdout) as { failingStep: { stepId: string; exitCode: number }; files: { path: string; sha256: string }[] };
    expect(j.failingStep).toMatchObject({ stepId: 'p3-upgrade-head', exitCode: 1 });
    for (const f of j.files) expect(f.sha256).toBe(createHash('sha256').update(readFileSync(f.path)).digest('hex'));
    const file = join(out, 'not-a-folder');
    writeFileSync(file, 'x');
    refused(await cutover(['report', 'incident', blocked.runId, '--vault', vault, '--out', file]), /is a file, not a folder/);

    const pass = await recordedRun('pass');
    const passVault = copyVaultFile(pass);
    refused(await cutover(['report', 'incident', pass.runId, '--vault', passVault, '--out', out]), /no failed step, block or rollback\/stop decision/);

    const decisionPdf = join(out, 'decision.pdf');
    const d = await cutover(['report', 'decision', pass.runId, '--vault', passVault, '--out', decisionPdf]);
    expect(d.code, describeRun(d)).toBe(0);
    expect(d.stdout).toContain('(GO, status PASS)');
    const previewText = pdfText(decisionPdf).replace(/\s+/g, ' ');
    expect(previewText).toContain('How this decision is approved');
    expect(previewText).toContain('This is a preview rendered by `cutover report decision`, outside any pack');
    expect(previewText.toLowerCase()).not.toContain('awaiting');
    refused(await cutover(['report', 'decision', pass.runId, '--vault', passVault, '--out', decisionPdf]), /already exists/);
    expect(existsSync(decisionPdf)).toBe(true);
  });
});
