// The decision PDF's "Production against rehearsal" section: a production run bound to its
// rehearsal, step by step — the verdict, what differed, the diff's evidence file and who
// accepted the deviation (from the chain: step.compared, deviation.accepted).
import { rowDetails, verdictWords } from '../rehearsal/report';
import type { PackModel } from './pack-model';
import { COLOR, type PdfLayout } from './pdf-layout';
import type { Translator } from '../../shared/i18n';

export function rehearsalSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const c = model.rehearsalComparison;
  if (!c || !c.rehearsal) return;
  const heading = tr.t('pdf.rehearsalSection.heading');
  pdf.heading(heading, { keep: 90 });
  pdf.paragraph(tr.t('pdf.rehearsalSection.intro', { runId: c.rehearsal.runId, sha256: c.rehearsal.manifestSha256 }), { size: 8, color: COLOR.muted });
  pdf.paragraph(`${tr.t('pdf.rehearsalSection.counts', { matches: c.counts.matches, differs: c.counts.differs, accepted: c.counts.accepted, notIn: c.counts.notInRehearsal, notCompared: c.counts.notCompared })}${c.firstDeviation ? tr.t('pdf.rehearsalSection.first', { step: c.firstDeviation }) : ''}`, { size: 9 });
  pdf.table(
    [{ header: tr.t('pdf.col.step'), width: 130 }, { header: tr.t('pdf.col.verdict'), width: 120 }, { header: tr.t('pdf.col.differed'), width: 0, size: 7.5 }],
    c.steps.map((row) => [
      { text: row.stepId, bold: true, sub: row.title },
      { text: verdictWords(row, tr.lang), color: row.verdict === 'matches' ? COLOR.pass : row.verdict === 'differs' ? (row.accepted.length ? COLOR.warn : COLOR.fail) : COLOR.muted, sub: row.durationRatio !== null ? tr.t('pdf.rehearsalSection.duration', { ratio: tr.number(row.durationRatio) }) : undefined },
      { text: rowDetails(row, tr.lang).join('\n') || '—' },
    ]),
    { title: heading },
  );
}
