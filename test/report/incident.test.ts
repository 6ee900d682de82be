// The post-incident report of the DuplicateTable run, in Markdown and PDF, read back with
// poppler: the failing step, the abort gate, the exit code, the excerpt, containment, and the
// evidence (artifact + sha256, or chain event + hash) behind every claim.
import { describe, expect, it } from 'vitest';
import { buildIncidentReport, incidentMarkdown, renderIncidentPdf, transcriptExcerpt, type IncidentRef } from '../../src/core/reports/incident';
import { setSecret } from '../../src/core/vault';
import { copyOf, overlappingWords, pdfText, recordedRun, renderPages } from './runs';

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('transcript excerpts', () => {
  const lines = (n: number, match?: number) => Array.from({ length: n }, (_, i) => (i + 1 === match ? `psycopg2.errors.DuplicateTable: relation "x" already exists` : `line ${i + 1}`));
  // Chunks cut anywhere, CRLF line ends.
  const chunked = (text: string) => Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => Buffer.from(text.slice(i * 7, i * 7 + 7)));

  it('keeps the lines around the first abort match and the end of the transcript', () => {
    const ex = transcriptExcerpt(chunked(`${lines(200, 60).join('\r\n')}\r\n`), [/DuplicateTable/]);
    expect(ex.totalLines).toBe(200);
    expect(ex.matchedLine).toBe(60);
    const shown = ex.lines.filter((l) => l.n !== null);
    expect(shown[0]!.n).toBe(45);
    expect(ex.lines.find((l) => l.mark)).toEqual({ n: 60, text: 'psycopg2.errors.DuplicateTable: relation "x" already exists', mark: true });
    expect(ex.lines.find((l) => l.n === null)!.text).toBe('… 115 line(s) omitted …');
    expect(shown.at(-1)).toEqual({ n: 200, text: 'line 200', mark: false });
    expect(shown.length).toBeLessThanOrEqual(41);
  });

  it('without a match keeps the last 40 lines; very long lines are cut', () => {
    const ex = transcriptExcerpt([Buffer.from(`${lines(100).join('\n')}\n${'y'.repeat(5000)}`)], [/DuplicateTable/]);
    expect(ex.matchedLine).toBeNull();
    expect(ex.lines).toHaveLength(40);
    expect(ex.lines[0]!.n).toBe(62);
    expect(ex.lines.at(-1)!.text).toBe(`${'y'.repeat(400)} … [4600 more characters]`);
  });
});

describe('the incident report of the DuplicateTable run', () => {
  it('names the failing step, its command, target, exit code, abort gate, excerpt, containment and follow-ups', async () => {
    const run = await recordedRun('blocked');
    const vault = run.open();
    try {
      const r = buildIncidentReport(vault, run.runId);
      const upgrade = vault.artifacts().find((a) => a.name === 'prod_upgrade_0019_to_head.log')!;
      const f = r.failing!;
      expect(f).toMatchObject({ stepId: 'p3-upgrade-head', kind: 'command', status: 'FAIL', exitCode: 1, command: 'python3 -m alembic upgrade head', actor: 'ana' });
      expect(f.target).toMatchObject({ name: 'ops_host', kind: 'ssh' });
      expect(f.abortGates).toEqual([{ label: 'DuplicateTable', pattern: 'DuplicateTable', line: 'psycopg2.errors.DuplicateTable: relation "active_investments" already exists' }]);
      expect(f.failedExpectations.map((g) => g.gate)).toEqual(['exit code = 0', 'output contains "-> 70a79686336c,"']);
      expect(f.evidence).toEqual({ kind: 'artifact', name: 'prod_upgrade_0019_to_head.log', sha256: upgrade.sha256, size: upgrade.size });
      expect(f.refs.map((x) => (x as { type: string }).type)).toEqual(['step.finished', 'run.blocked']);
      // The excerpt: around the match (marked) and the end of the trace, about 40 lines.
      const marked = f.excerpt!.lines.filter((l) => l.mark);
      expect(marked).toHaveLength(1);
      expect(marked[0]!.text).toContain('DuplicateTable');
      expect(f.excerpt!.lines.filter((l) => l.n !== null).length).toBeLessThanOrEqual(41);
      expect(f.excerpt!.lines.at(-2)!.text).toBe('[SQL: CREATE TABLE active_investments (id BIGSERIAL PRIMARY KEY)]');
      expect(f.excerpt!.lines.some((l) => l.text.startsWith('Traceback (most recent call last):'))).toBe(true);

      // Classification, containment, follow-ups — each pointing at evidence.
      expect(r.classification.find((c) => c.label === 'Abort gate matched')!.value).toBe('DuplicateTable (/DuplicateTable/)');
      expect(r.classification.find((c) => c.label === 'Root-cause classification')).toMatchObject({ value: 'DuplicateTable (at p3-upgrade-head)', refs: [expect.objectContaining({ name: 'rb-classify_record.json' })] });
      const containment = r.containment.map((c) => c.text).join('\n');
      expect(containment).toMatch(/The engine blocked the run at p3-upgrade-head .*Not run after the block: p4-current, p4-heads, p4-ai4-objects, p4-no-unresolved-errors\./);
      expect(containment).toContain('ana decided "rollback"');
      expect(containment).toContain('Rollback step rb-classify (Record blocker classification): PASS by ana');
      expect(containment).toContain('Recorded: classification = DuplicateTable, failed_step = p3-upgrade-head.');
      expect(containment).toMatch(/Restore point: "The PITR\/backup rollback window is active/);
      expect(r.followUps[0]!.text).toMatch(/^Find and fix the cause of DuplicateTable/);
      expect(r.followUps.some((c) => /read-only checks p4-current, p4-heads, p4-ai4-objects did not run/.test(c.text))).toBe(true);
      const hashes = new Map(vault.artifacts().map((a) => [a.name, a.sha256]));
      const events = new Map(vault.events().map((e) => [e.seq, e.hash]));
      const checkRef = (ref: IncidentRef) => (ref.kind === 'artifact' ? expect(ref.sha256).toBe(hashes.get(ref.name)) : expect(ref.hash).toBe(events.get(ref.seq)));
      for (const c of [...r.summary, ...r.containment, ...r.followUps]) c.refs.forEach(checkRef);
      for (const c of [...r.summary, ...r.containment.filter((x) => !/^(No snapshot|Rollback steps not done)/.test(x.text))]) expect(c.refs.length, c.text).toBeGreaterThan(0);
      for (const e of r.timeline.entries) if (e.evidence) expect(e.evidence.sha256).toBe(hashes.get(e.evidence.name));
    } finally {
      vault.close();
    }
  });

  it('Markdown and PDF carry the failing step, DuplicateTable, the exit code and the artifact hash; the PDF renders cleanly and is deterministic', async () => {
    const run = await recordedRun('blocked');
    const vault = run.open();
    try {
      const r = buildIncidentReport(vault, run.runId);
      const hash = vault.artifacts().find((a) => a.name === 'prod_upgrade_0019_to_head.log')!.sha256!;
      const md = incidentMarkdown(r);
      expect(md).toMatch(/^# Post-incident report: /);
      expect(md).toContain('- Step: **p3-upgrade-head**: alembic upgrade head');
      expect(md).toContain('- Exit code: 1');
      expect(md).toContain('- Abort gate matched: **DuplicateTable** (pattern `/DuplicateTable/`)');
      expect(md).toContain(`evidence/prod_upgrade_0019_to_head.log sha256 ${hash}`);
      expect(md).toMatch(/^\s*\d+ >> psycopg2\.errors\.DuplicateTable: relation "active_investments" already exists$/m);
      expect(md).toContain('```text\npython3 -m alembic upgrade head\n```');
      expect(md).toMatch(/## Containment\n\n- The engine blocked the run/);
      for (const a of r.artifacts) expect(md).toContain(a.sha256);

      const pdf = await renderIncidentPdf(r);
      expect((await renderIncidentPdf(buildIncidentReport(vault, run.runId))).equals(pdf)).toBe(true);
      const text = pdfText(pdf);
      const folded = flat(text);
      expect(folded).toContain('POST-INCIDENT REPORT');
      expect(folded).toContain('p3-upgrade-head: alembic upgrade head');
      expect(folded).toContain('DuplicateTable (/DuplicateTable/)');
      expect(folded).toContain('Exit code 1');
      expect(folded).toContain('psycopg2.errors.DuplicateTable: relation "active_investments" already exists');
      expect(folded).toContain('python3 -m alembic upgrade head');
      expect(text).toContain(hash);
      for (const a of r.artifacts) expect(text).toContain(a.sha256);
      const { pages, pngs } = renderPages(pdf);
      expect(pngs).toHaveLength(pages);
      for (let n = 1; n <= pages; n++) expect(text).toContain(`page ${n} of ${pages}`);
      // A rehearsal's report says so on every page.
      const pageTexts = text.split('\f').slice(0, -1);
      expect(pageTexts).toHaveLength(pages);
      for (const page of pageTexts) expect(page).toContain('REHEARSAL');
      expect(overlappingWords(pdf)).toEqual([]);
    } finally {
      vault.close();
    }
  });

  it('redacts again with the vault\'s secrets: a secret added after the run does not appear in the report', async () => {
    const run = await recordedRun('blocked');
    const vault = copyOf(run);
    try {
      setSecret(vault, 'late_secret', 'active_investments', 'ana');
      const r = buildIncidentReport(vault, run.runId);
      expect(r.failing!.excerpt!.redactions).toBeGreaterThan(0);
      const md = incidentMarkdown(r);
      expect(md).not.toContain('active_investments');
      expect(md).toContain('psycopg2.errors.DuplicateTable: relation "[REDACTED]" already exists');
      expect(pdfText(await renderIncidentPdf(r))).not.toContain('active_investments');
    } finally {
      vault.close();
    }
  });
});
