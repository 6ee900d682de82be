// `cutover demo --team`: the reference cutover played by the operator, two approvers and the
// incident commander, four vaults acting in their own CLI processes through the team ledger on
// the real PostgreSQL. Checked as an auditor would: the ledger verifies, the pack verifies with
// sha256sum and `cutover pack verify`, and with a roster made from the people's own key files
// (not the pack's copy) ssh-keygen finds the plan approved by the approvers' keys and the GO
// signed by the incident commander's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';

interface TeamResult {
  runId: string;
  status: string;
  ledger: { ok: boolean };
  people: { name: string; workstation: string; vault: string; did: { command: string; said: string[] }[] }[];
  pack: { folder: string; zip: string };
  verify: { ok: boolean; verdict: string };
}

function sshVerify(cwd: string, roster: string, name: string, namespace: string, sig: string, file: string) {
  return spawnSync('ssh-keygen', ['-Y', 'verify', '-f', roster, '-I', name, '-n', namespace, '-s', sig], { cwd, input: readFileSync(join(cwd, file)), encoding: 'utf8' });
}

describe('cutover demo --team', () => {
  it('four people on four vaults run the reference cutover through the ledger; the ledger and the signed pack verify, approvals by the approvers\' keys, the GO by the incident commander\'s', async () => {
    const db = await useTestDatabase();
    const dir = useTempDir('cutover-team-demo-');
    const out = join(dir, 'team');
    const r = await runCli(['demo', '--team', '--db', db.dsn, '--out', out, '--json'], { timeoutMs: 1_500_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as TeamResult;
    expect(result.status).toBe('COMPLETED');
    expect(result.verify).toMatchObject({ ok: true, verdict: 'VERIFIED' });
    expect(result.ledger.ok).toBe(true);

    const names = ['operator', 'approver-1', 'approver-2', 'incident-commander'];
    expect(result.people.map((p) => p.name)).toEqual(names);
    for (const name of names) expect(existsSync(join(out, name, `${name}.vault`)), name).toBe(true);
    const did = (name: string) => result.people.find((p) => p.name === name)!.did;
    // Nobody typed `ledger receive`: the operator's run play took the team's acts as they arrived.
    const play = did('operator').find((d) => d.command.startsWith('cutover run play'))!;
    expect(play.said.join('\n')).toMatch(/received from approver-1\.\S+ #\d+: step\.attest pre-approval by approver-1 recorded/);
    expect(play.said.filter((s) => /received from approver-[12]\.\S+ #\d+: approval of plan [0-9a-f]{12}… by approver-[12] recorded/.test(s))).toHaveLength(2);
    expect(play.said.join('\n')).toMatch(/received from incident-commander\.\S+ #\d+: decision by incident-commander recorded/);
    expect(result.people.flatMap((p) => p.did.map((d) => d.command)).some((c) => /ledger receive/.test(c))).toBe(false);
    expect(did('incident-commander').map((d) => d.command)).toEqual([expect.stringMatching(/^cutover ledger decide --vault incident-commander\/incident-commander\.vault .* --authorization Approved/)]);

    const ledgerVerify = await runCli(['ledger', 'verify', '--db', db.dsn]);
    expect(ledgerVerify.code, describeRun(ledgerVerify)).toBe(0);
    for (const p of result.people) expect(ledgerVerify.stdout).toContain(p.workstation);

    const folder = result.pack.folder;
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const packVerify = await runCli(['pack', 'verify', result.pack.zip]);
    expect(packVerify.code, describeRun(packVerify)).toBe(0);
    const manifest = readFileSync(join(folder, 'manifest.json'), 'utf8');
    expect(manifest).toContain('ledger/checkpoints.json');
    expect(JSON.parse(readFileSync(join(folder, 'ledger/checkpoints.json'), 'utf8'))).toMatchObject({ checkpoints: [expect.objectContaining({ workstation: result.people[0]!.workstation })] });

    // A roster from the people's own public keys, as each made it on their machine.
    const roster = join(dir, 'roster');
    writeFileSync(roster, names.slice(1).map((n) => `${n} ${readFileSync(join(out, n, 'id_ed25519.pub'), 'utf8').trim()}\n`).join(''));
    for (const name of ['approver-1', 'approver-2']) {
      const v = sshVerify(folder, roster, name, 'cutover-plan-v1', `plan/approvals/${name}.sig`, 'plan/plan.json');
      expect(v.status, v.stderr).toBe(0);
    }
    const decisions = readdirSync(join(folder, 'acts')).filter((f) => /decision\.record-.*\.json$/.test(f));
    expect(decisions).toEqual([expect.stringMatching(/^\d+-decision\.record-incident-commander\.json$/)]);
    const act = JSON.parse(readFileSync(join(folder, 'acts', decisions[0]!), 'utf8')) as { what: { authorization?: string } };
    expect(act.what.authorization).toBe('Approved');
    expect(sshVerify(folder, roster, 'incident-commander', 'cutover-act-v1', `acts/${decisions[0]}.sig`, `acts/${decisions[0]}`).status).toBe(0);
    // The approver's key does not pass for the incident commander's act.
    expect(sshVerify(folder, roster, 'approver-1', 'cutover-act-v1', `acts/${decisions[0]}.sig`, `acts/${decisions[0]}`).status).not.toBe(0);
  }, 1_600_000);

  it('refuses a ledger URL it cannot use with exit 2 and a clear message, making nothing', async () => {
    const dir = useTempDir('cutover-team-demo-');
    const unreachable = await runCli(['demo', '--team', '--db', 'postgresql://postgres@127.0.0.1:1/cutover_ledger', '--out', join(dir, 'a')]);
    expect(unreachable.code, describeRun(unreachable)).toBe(2);
    expect(unreachable.stderr).toMatch(/^cutover: Cannot reach the ledger at 127\.0\.0\.1:1\/cutover_ledger: .*Check the URL, that PostgreSQL is running/m);
    const malformed = await runCli(['demo', '--team', '--db', 'mysql://root@127.0.0.1/ledger', '--out', join(dir, 'b')]);
    expect(malformed.code, describeRun(malformed)).toBe(2);
    expect(malformed.stderr).toMatch(/^cutover: --db: /m);
    expect(readdirSync(dir)).toEqual([]);
  });
});
