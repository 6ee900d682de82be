// decision.pdf read back with poppler (pdftotext, pdftoppm, pdfinfo): real text, every hash and
// fingerprint, every page renders, nothing overlaps, the same input gives the same bytes.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionContext } from '../../src/core/reports/decision';
import type { PackModel } from '../../src/core/reports/pack-model';
import { renderDecisionPdf, type DecisionSignature } from '../../src/core/reports/pdf';
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
  it('a passing run with its approvers\' signatures: the decision, every hash and fingerprint as text; deterministic', async () => {
    const { model, decision, state } = await context('pass');
    const approvers = model.identities.filter((i) => i.roles.includes('approver'));
    expect(approvers.map((a) => a.name)).toEqual(['gov1', 'gov2']);
    const signatures: DecisionSignature[] = approvers.map((a) => ({ identity: a.name, fingerprint: a.fingerprint, decision: 'approve', at: model.exportedAt }));
    const options = { quorum: state.runbook.policy.approvals.quorum, namespace: 'cutover-decision-v1' };
    const pdf = await renderDecisionPdf(model, decision, signatures, options);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Same input, same bytes (also on another render a moment later).
    await new Promise((r) => setTimeout(r, 1100));
    expect((await renderDecisionPdf(structuredClone(model), structuredClone(decision), signatures, options)).equals(pdf)).toBe(true);
    const info = pdfInfo(pdf);
    expect(info.CreationDate).toBe(model.exportedAt.replace(/\.\d+Z$/, 'Z'));
    expect(info.ModDate).toBe(info.CreationDate);
    expect(info.Title).toContain('Decision record: Production Alembic reconciliation');

    const text = pdfText(pdf);
    const folded = flat(text);
    expect(folded).toContain('GOVERNANCE DECISION RECORD');
    for (const phrase of ['Status PASS', 'Final Revision 70a79686336c', 'Heads State single head at 70a79686336c', 'Target netz-prod-postgres / netzprod', 'Production cutover authorization', 'GO / NO-GO Decision GO', 'No rollback triggers observed']) expect(folded).toContain(phrase);
    expect(folded).toContain(decision.statement.slice(0, 60));
    for (const a of model.artifacts) {
      expect(text, a.name).toContain(a.sha256);
      expect(folded).toContain(a.name);
    }
    for (const i of model.identities) expect(text, i.name).toContain(i.fingerprint);
    for (const s of signatures) expect(text).toContain(s.fingerprint);
    for (const a of model.approvals) expect(text).toContain(a.planDigest);
    expect(text).toContain(model.chainHead.hash);
    expect(text).toContain(model.runbook.hash);
    expect(folded).toContain('2 of 2 required approval signature(s) present.');
    // Preconditions with who and when; the scribe timeline; gate results.
    expect(folded).toMatch(/pre-approval .*The maintenance window is approved.* PASS gov1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(folded).toContain('Timeline (scribe format)');
    expect(folded).toMatch(/T\+\d\d:\d\d p3-upgrade-head — alembic upgrade head/);
    expect(folded).toContain('alembic current = 70a79686336c PASS value 70a79686336c');
    const pages = expectPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('the DuplicateTable run, unsigned: NO-GO, the blocker, an empty signature block awaiting the approvers', async () => {
    const { model, decision, state } = await context('blocked');
    const pdf = await renderDecisionPdf(model, decision, [], { quorum: state.runbook.policy.approvals.quorum });
    const text = pdfText(pdf);
    const folded = flat(text);
    expect(folded).toContain('NO-GO');
    expect(folded).toContain('Status BLOCKER');
    expect(folded).toContain('DuplicateTable');
    expect(folded).toContain('abort gate /DuplicateTable/ MATCHED');
    expect(folded).toMatch(/Rollback triggered by ana at .*DuplicateTable in 0023; PITR decision path/);
    expect(folded).toContain('Awaiting signatures: nobody has signed this decision yet.');
    expect(folded).toContain('Required: 2 approver signature(s) from gov1, gov2');
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
    const signatures: DecisionSignature[] = [
      { identity: 'gov1', fingerprint: big.identities.find((i) => i.name === 'gov1')!.fingerprint, decision: 'approve', at: big.exportedAt },
      { identity: 'gov2', fingerprint: big.identities.find((i) => i.name === 'gov2')!.fingerprint, decision: 'reject', reason: 'The PITR window was not validated on the replica; re-run after the DBA confirms it.', at: big.exportedAt },
    ];
    const pdf = await renderDecisionPdf(big, many, signatures, { quorum: 2 });
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
    expect(flat(text)).toContain('REJECT');
    expect(flat(text)).toContain('re-run after the DBA confirms it.');
    expect(flat(text)).toContain('1 of 2 required approval signature(s) present; awaiting more.');
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
