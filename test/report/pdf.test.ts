// decision.pdf read back with poppler (pdftotext, pdftoppm, pdfinfo): real text, every hash and
// fingerprint, every page renders, nothing overlaps, the same input gives the same bytes.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionContext } from '../../src/core/reports/decision';
import type { PackModel } from '../../src/core/reports/pack-model';
import { renderDecisionPdf } from '../../src/core/reports/pdf';
import { PdfLayout, pdfSafe } from '../../src/core/reports/pdf-layout';
import { overlappingWords, pdfInfo, pdfText, recordedRun, renderPages, type Variant } from './runs';

async function context(variant: Variant) {
  const run = await recordedRun(variant);
  const vault = run.open();
  try {
    return decisionContext(vault, run.runId);
  } finally {
    vault.close();
  }
}

/** pdftotext output with line breaks folded, for phrases a layout may wrap. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
/** pdftotext's pages (it ends each with a form feed). */
const pagesOf = (text: string) => text.split('\f').slice(0, -1);
const squeezed = (text: string) => text.replace(/\s+/g, '');
const POLICY = { policy: { quorum: 2, role: 'approver', rejection: 'veto' } };

function expectPages(pdf: Buffer): number {
  const { pages, pngs } = renderPages(pdf);
  expect(pages).toBeGreaterThan(0);
  expect(pngs).toHaveLength(pages);
  for (const png of pngs) expect(statSync(png).size, png).toBeGreaterThan(3000);
  const text = pdfText(pdf);
  for (let n = 1; n <= pages; n++) expect(text).toContain(`page ${n} of ${pages}`);
  expect(overlappingWords(pdf), 'overlapping words').toEqual([]);
  return pages;
}

describe('decision.pdf', () => {
  it('a passing rehearsal: REHEARSAL on every page, the target it used, the decision, every hash and fingerprint as text, plan approvals as files; deterministic', async () => {
    const { model, decision } = await context('pass');
    expect(model.run.environment).toBe('rehearsal');
    const approvers = model.identities.filter((i) => i.roles.includes('approver'));
    expect(approvers.map((a) => a.name)).toEqual(['gov1', 'gov2']);
    const pdf = await renderDecisionPdf(model, decision, POLICY);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Same input, same bytes (also on another render a moment later).
    await new Promise((r) => setTimeout(r, 1100));
    expect((await renderDecisionPdf(structuredClone(model), structuredClone(decision), POLICY)).equals(pdf)).toBe(true);
    const info = pdfInfo(pdf);
    expect(info.CreationDate).toBe(model.exportedAt.replace(/\.\d+Z$/, 'Z'));
    expect(info.ModDate).toBe(info.CreationDate);
    expect(info.Title).toContain('Decision record: Production Alembic reconciliation');

    const text = pdfText(pdf);
    const folded = flat(text);
    for (const page of pagesOf(text)) expect(page).toContain('REHEARSAL');
    expect(text).not.toContain('PRODUCTION');
    expect(folded).toContain('GOVERNANCE DECISION RECORD');
    // The first block: a rehearsal on the database it actually reached, not production.
    const db = model.targets.find((t) => t.name === 'prod_db')!;
    expect(db.address).toContain('127.0.0.1');
    const first = flat(pagesOf(text)[0]!);
    // (The address may wrap at a "/": compared without white space.)
    expect(squeezed(first)).toContain(squeezed(`REHEARSAL Rehearsal on prod_db (${db.address}) — not an authorization for production`));
    expect(first).toContain('The runbook\'s production target is netz-prod-postgres / netzprod; this rehearsal did not run against it.');
    expect(first.indexOf('not an authorization for production')).toBeLessThan(first.indexOf('GO / NO-GO statement'));
    for (const phrase of ['Status PASS', 'Final Revision 70a79686336c', 'Heads State single head at 70a79686336c', 'Target prod_db (postgresql://', 'Runbook\'s production target (not used by this rehearsal): netz-prod-postgres / netzprod', 'Production cutover authorization Not recorded in the run', 'GO / NO-GO Decision GO', 'No rollback triggers observed']) expect(folded).toContain(phrase);
    expect(folded).toContain(decision.statement.slice(0, 60));
    expect(folded.toLowerCase()).not.toContain('awaiting');
    for (const a of model.artifacts) {
      expect(text, a.name).toContain(a.sha256);
      expect(folded).toContain(a.name);
    }
    for (const i of model.identities) expect(text, i.name).toContain(i.fingerprint);
    expect(text).toContain(model.chainHead.hash);
    expect(text).toContain(model.runbook.hash);
    // The plan approvals are files of the pack, with the command that checks them.
    expect(model.plans).toHaveLength(1);
    expect(text).toContain(model.plans![0]!.sha256);
    expect(new Set(model.approvals.map((a) => a.planDigest))).toEqual(new Set([model.plans![0]!.sha256]));
    expect(folded).toContain('Plan version 1: plan/plan.json');
    for (const name of ['gov1', 'gov2']) expect(folded).toContain(`plan/approvals/${name}.sig`);
    expect(folded).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-plan-v1 -s plan/approvals/NAME.sig < plan/plan.json');
    // How the decision is approved: the policy, the detached files, the commands; no status.
    expect(folded).toContain('How this decision is approved');
    expect(folded).toContain('Policy: 2 approving signatures from people with the approver role (in this pack\'s allowed_signers: gov1, gov2). The run\'s operator (ana) never counts toward it');
    for (const f of ['signatures/NAME.sig', 'signatures/NAME.json', 'signatures/NAME.json.sig']) expect(folded).toContain(f);
    expect(folded).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.sig < manifest.json');
    expect(folded).toContain('cutover pack verify PACK --allowed-signers');
    expect(folded).toContain('printed by `cutover pack verify`');
    expect(folded).not.toMatch(/nobody has signed|required approval signature\(s\) present/);
    // Preconditions with who and when; the scribe timeline; gate results.
    expect(folded).toMatch(/pre-approval .*The maintenance window is approved.* PASS gov1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(folded).toContain('Timeline (scribe format)');
    expect(folded).toMatch(/T\+\d\d:\d\d p3-upgrade-head — alembic upgrade head/);
    expect(folded).toContain('alembic current = 70a79686336c PASS value 70a79686336c');
    const pages = expectPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('the same run as production: PRODUCTION on every page, no rehearsal mark, the GO banner says what the authorization field holds', async () => {
    const { model, decision } = await context('pass');
    const prod: PackModel = { ...structuredClone(model), run: { ...model.run, environment: 'production' } };
    const d = { ...structuredClone(decision), environment: 'production' as const };
    const text = pdfText(await renderDecisionPdf(prod, d, POLICY));
    for (const page of pagesOf(text)) expect(page).toContain('PRODUCTION');
    expect(text).not.toContain('REHEARSAL');
    const first = flat(pagesOf(text)[0]!);
    expect(first).toContain('Status PASS · production cutover authorization: none recorded in the run GO GO / NO-GO statement');
    expect(first).toContain('Runbook\'s production target: netz-prod-postgres / netzprod');
    expect(flat(text).toLowerCase()).not.toContain('awaiting');
    const recorded = { ...d, authorization: 'Approved' as const, sources: { ...d.sources, authorization: { from: 'operator' as const, detail: 'recorded by a person', refs: [], actor: 'gov1', at: model.exportedAt, seq: 77 } } };
    expect(flat(pagesOf(pdfText(await renderDecisionPdf(prod, recorded, POLICY)))[0]!)).toContain('production cutover authorization: Approved, recorded by gov1 (event #77 of the chain)');
  });

  it('the DuplicateTable run: NO-GO, the blocker, how it would be approved, and nothing awaiting', async () => {
    const { model, decision } = await context('blocked');
    const pdf = await renderDecisionPdf(model, decision, POLICY);
    const text = pdfText(pdf);
    const folded = flat(text);
    expect(folded).toContain('NO-GO');
    expect(folded).toContain('Status BLOCKER');
    expect(folded).toContain('Rehearsal result: NO-GO (status BLOCKER)');
    expect(folded).toContain('DuplicateTable');
    expect(folded).toContain('abort gate /DuplicateTable/ MATCHED');
    expect(folded).toMatch(/Rollback triggered by ana at .*DuplicateTable in 0023; PITR decision path/);
    expect(folded.toLowerCase()).not.toContain('awaiting');
    expect(folded).toContain('Who may sign toward the policy');
    for (const i of model.identities.filter((x) => x.roles.includes('approver'))) expect(text).toContain(i.fingerprint);
    for (const a of model.artifacts) expect(text).toContain(a.sha256);
    for (const t of model.targets.filter((x) => x.hostKey)) expect(text).toContain(t.hostKey!);
    expect(folded).toContain('Not run: p4-current, p4-heads, p4-ai4-objects, p4-no-unresolved-errors.');
    expectPages(pdf);
  });

  it('long runs break across pages with the table header repeated, and odd characters stay readable', async () => {
    const { model, decision } = await context('pass');
    const big: PackModel = structuredClone(model);
    big.artifacts = Array.from({ length: 140 }, (_, i) => ({
      artifactId: `a${i}`, path: `evidence/transcript_${String(i).padStart(3, '0')}_${'x'.repeat(i % 7 === 0 ? 60 : 5)}.log`, name: `transcript_${String(i).padStart(3, '0')}_${'x'.repeat(i % 7 === 0 ? 60 : 5)}.log`,
      mediaType: 'text/plain', sha256: createHash('sha256').update(String(i)).digest('hex'), size: i * 1_000_003, state: i === 5 ? 'incomplete' : 'complete', stepId: `step-${i}`,
    }));
    big.steps[0]!.statement = `Write freeze → confirmed ≤ 5 min ✔ — “quoted” ${'long statement '.repeat(40)} 日本語 \u0007bell`;
    big.steps[1]!.statement = 'word '.repeat(6000);
    const many = { ...decision, errors: Array.from({ length: 300 }, (_, i) => `step-${i} FAIL: exit code ${i}`) };
    // Re-approved after a change: two plan versions, each with its own folder.
    const [v1] = big.plans!;
    big.plans = [{ ...v1!, version: 1, dir: 'plan/v1', path: 'plan/v1/plan.json', approvals: v1!.approvals.map((a) => ({ ...a, path: `plan/v1/approvals/${a.signer}.sig` })) },
      { ...v1!, version: 2, dir: 'plan/v2', path: 'plan/v2/plan.json', sha256: 'f'.repeat(64), approvals: v1!.approvals.slice(1).map((a) => ({ ...a, seq: a.seq + 100, path: `plan/v2/approvals/${a.signer}.sig` })) }];
    const pdf = await renderDecisionPdf(big, many, POLICY);
    const text = pdfText(pdf);
    // Blocks taller than a page are cut, saying so, instead of running off the page.
    expect(flat(text)).toMatch(/… \[\d+ more characters in the evidence\]/);
    expect(flat(text)).toContain('step-0 FAIL: exit code 0');
    expect(flat(text)).toContain('… and 290 more');
    for (const a of big.artifacts) expect(text, a.name).toContain(a.sha256);
    expect(text).toContain('Evidence artifacts (continued)');
    expect(text.match(/SHA-256/g)!.length).toBeGreaterThan(3);
    expect(flat(text)).toContain('Write freeze -> confirmed <= 5 min v — “quoted”');
    expect(text).toContain('??? bell');
    const folded = flat(text);
    expect(folded).toContain('The plan was approved in 2 versions (re-approved after a change), kept as plan/v1/ … plan/v2/');
    expect(folded).toContain('Plan version 2: plan/v2/plan.json');
    expect(folded).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-plan-v1 -s plan/v2/approvals/NAME.sig < plan/v2/plan.json');
    expect(folded).toContain('plan/v2/approvals/gov2.sig');
    expect(folded).not.toContain('plan/v2/approvals/gov1.sig');
    expect(text).toContain('f'.repeat(64));
    expect(expectPages(pdf)).toBeGreaterThanOrEqual(7);
  });

  it('the overlap check itself catches overlapping text', async () => {
    const layout = new PdfLayout({ title: 't', subject: 's', keywords: 'k', date: new Date(0), header: 'h', footer: 'f' });
    layout.doc.text('overlapping words here', 100, 100).text('overlapping words here', 103, 101);
    expect(overlappingWords(await layout.finish()).length).toBeGreaterThan(0);
  });

  it('pdfSafe keeps WinAnsi text and spells out the rest', () => {
    expect(pdfSafe('a→b ≤ c ✔ ✘ — € ü\tx\u0000y 😀')).toBe('a->b <= c v x — € ü    xy ?');
  });
});
