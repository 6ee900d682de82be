// A rehearsal exported as a real decision pack, read back with pdftotext: REHEARSAL on every
// page, the database it actually reached (127.0.0.1, from --target) in the first block with "not
// an authorization for production", the runbook's production target named as such; nothing in
// the PDF says "awaiting", before or after two approvers sign; each plan approval the PDF names
// is a file of the pack that ssh-keygen accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { buildPack, signPack } from '../../src/core/pack';
import { decisionContext } from '../../src/core/reports/decision';
import { Keyring, loadKeyFile } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { setSecret, Vault } from '../../src/core/vault';
import { addPersonFromKeyFile } from '../helpers/key-file-people';
import { addOwner } from '../helpers/people';
import { useTestDatabase } from '../helpers/pg';
import { makeKey } from '../helpers/ssh-keys';
import { useTempDir } from '../helpers/tmp';
import { tool } from '../pack/fixture';
import { pdfText } from './runs';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const runbook = (secret: boolean) => `
format: cutover-runbook/v1
id: rehearsal-pdf
title: Rehearsal PDF cutover
version: "3.1"
policy: { approvals: { quorum: 2, role: approver } }
targets:
  prod_db: { kind: postgres, dsn: "postgresql://netzadmin@netz-prod-postgres.example.net:5432/netzprod", tls: verify-full${secret ? ', secret: db_password' : ''} }
  ws: { kind: local }
preconditions:
  - { id: pre-freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", by: operator }
phases:
  - id: P0
    title: Preflight
    steps:
      - id: p0-db
        kind: check
        title: the database answers
        target: prod_db
        sql: "SELECT 1 AS up"
        expect: [ { value: { column: up, equals: 1, label: database up } } ]
  - id: P1
    title: Upgrade
    steps:
      - id: p1-upgrade
        kind: command
        title: upgrade
        target: ws
        run: "echo upgraded"
        expect: [ { exit_code: 0 } ]
decision:
  template: governance
  target: netz-prod-postgres / netzprod
`;

/** pdftotext's pages (it ends each with a form feed), each with white space folded. */
const pagesOf = (text: string) => text.split('\f').slice(0, -1).map((p) => p.replace(/\s+/g, ' '));
/** Without any white space: an address may wrap at a "/". */
const squeezed = (text: string) => text.replace(/\s+/g, '');

describe('a rehearsal\'s decision.pdf, exported in a real pack', () => {
  it('says REHEARSAL on every page, opens with the 127.0.0.1 target it used, names the production target as such, and never says awaiting, unsigned or signed by two approvers', async () => {
    const dir = useTempDir('cutover-rehearsal-pdf-');
    const db = await useTestDatabase();
    const vault = Vault.create(join(dir, 'ev.vault'), 'correct horse battery staple');
    try {
      const keys = {
        gov1: await makeKey(dir, 'ed25519', { name: 'gov1_ed25519', comment: 'gov1@governance' }),
        gov2: await makeKey(dir, 'ed25519', { name: 'gov2_ed25519', comment: 'gov2@governance' }),
      };
      const people = [await addOwner(vault, 'ana', ['operator']), await addPersonFromKeyFile(vault, 'gov1', ['approver'], keys.gov1), await addPersonFromKeyFile(vault, 'gov2', ['approver'], keys.gov2)];
      const keyring = new Keyring(people.map((p) => p.signer));
      const password = db.secrets.db_password;
      if (password !== undefined) setSecret(vault, 'db_password', password, 'ana');
      const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
      const rehearsalDsn = `${db.target().dsn}?sslmode=disable`;
      expect(rehearsalDsn).toContain('127.0.0.1');
      const op = engine('ana');
      const { runId } = await op.startRun({ text: runbook(password !== undefined), source: 'rehearsal-pdf.yaml', environment: 'rehearsal', targets: { prod_db: rehearsalDsn } });
      await op.attest(runId, 'pre-freeze');
      expect((await op.executeStep(runId, 'p0-db')).status).toBe('PASS');
      for (const p of people.slice(1)) await engine(p.name).approve(runId, p.name, p.signer);
      expect((await op.executeStep(runId, 'p1-upgrade')).status).toBe('PASS');

      const built = await buildPack(vault, runId, { outDir: join(dir, 'out') });
      const pdfPath = join(built.folder, 'decision.pdf');
      const unsigned = readFileSync(pdfPath);
      const text = pdfText(pdfPath);
      const pages = pagesOf(text);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      pages.forEach((page, i) => expect(page, `page ${i + 1}`).toContain('REHEARSAL'));
      expect(text).not.toContain('PRODUCTION');
      expect(text.toLowerCase()).not.toContain('awaiting');

      // The first block: the address the rehearsal actually used, not the runbook's production one.
      const first = pages[0]!;
      const opening = squeezed(first.slice(0, first.indexOf('GO / NO-GO statement')));
      expect(opening).toContain(squeezed(`Rehearsal on prod_db (${rehearsalDsn}) — not an authorization for production`));
      expect(opening).toContain(squeezed('The runbook\'s production target is netz-prod-postgres / netzprod; this rehearsal did not run against it.'));
      expect(opening).not.toContain('netz-prod-postgres.example.net');
      expect(first).not.toMatch(/authorization:? Approved(?!\|)/);
      // The decision's Target: the run's, with the production target beside it.
      expect(squeezed(first)).toContain(squeezed(`Target prod_db (${rehearsalDsn}) Runbook's production target (not used by this rehearsal): netz-prod-postgres / netzprod`));

      // Each plan approval the PDF names is a file of the pack that ssh-keygen accepts.
      const folded = text.replace(/\s+/g, ' ');
      const named = [...folded.matchAll(/\bplan\/approvals\/(gov\d)\.sig\b/g)].map((m) => m[1]!);
      expect(new Set(named)).toEqual(new Set(['gov1', 'gov2']));
      expect(folded).toContain('Plan version 1: plan/plan.json');
      // The PDF's plan versions are the pack's, file for file.
      const manifest = JSON.parse(readFileSync(join(built.folder, 'manifest.json'), 'utf8')) as { predicate: { plans: unknown[] } };
      const { model } = decisionContext(vault, runId);
      expect(model.plans!.map(({ dir: _dir, ...v }) => v)).toEqual(manifest.predicate.plans);
      for (const name of ['gov1', 'gov2']) {
        const v = await tool('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', name, '-n', 'cutover-plan-v1', '-s', `plan/approvals/${name}.sig`], { cwd: built.folder, input: readFileSync(join(built.folder, 'plan/plan.json')) });
        expect(v.code, v.stderr).toBe(0);
      }

      // Two approvers sign: their signatures are files beside the PDF, which does not change.
      for (const name of ['gov1', 'gov2'] as const) await signPack(built.folder, { identity: name, signer: await loadKeyFile(keys[name].path), decision: 'approve' });
      for (const name of ['gov1', 'gov2']) {
        const v = await tool('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', name, '-n', 'cutover-decision-v1', '-s', `signatures/${name}.sig`], { cwd: built.folder, input: readFileSync(join(built.folder, 'manifest.json')) });
        expect(v.code, v.stderr).toBe(0);
      }
      expect(readFileSync(pdfPath).equals(unsigned)).toBe(true);
      const signedText = pdfText(pdfPath).replace(/\s+/g, ' ');
      expect(signedText.toLowerCase()).not.toContain('awaiting');
      expect(signedText).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.sig < manifest.json');
      expect(signedText).toContain('printed by `cutover pack verify`');
    } finally {
      vault.close();
    }
  });
});
