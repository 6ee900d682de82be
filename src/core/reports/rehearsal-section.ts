// The decision PDF's "Production against rehearsal" section: a production run bound to its
// rehearsal, step by step — the verdict, what differed, the diff's evidence file and who
// accepted the deviation (from the chain: step.compared, deviation.accepted).
import { rowDetails, verdictWords } from '../rehearsal/report';
import type { PackModel } from './pack-model';
import { COLOR, type PdfLayout } from './pdf-layout';

export const REHEARSAL_HEADING = 'Production against rehearsal';

export function rehearsalSection(pdf: PdfLayout, model: PackModel): void {
  const c = model.rehearsalComparison;
  if (!c || !c.rehearsal) return;
  pdf.heading(REHEARSAL_HEADING, { keep: 90 });
  pdf.paragraph(`This production run is bound to rehearsal run ${c.rehearsal.runId}; the sha256 of that rehearsal's pack manifest, ${c.rehearsal.manifestSha256}, is signed in the run's start act and in the plan the approvers signed, and the manifest is in this pack as rehearsal/manifest.json. Each step was compared with the rehearsal's as it finished (normalised transcripts); the whole comparison is rehearsal/comparison.json.`, { size: 8, color: COLOR.muted });
  pdf.paragraph(`${c.counts.matches} step(s) match the rehearsal, ${c.counts.differs} differ (${c.counts.accepted} accepted by approvers), ${c.counts.notInRehearsal} not in the rehearsal, ${c.counts.notCompared} not compared.${c.firstDeviation ? ` Production first left the rehearsed path at ${c.firstDeviation}.` : ''}`, { size: 9 });
  pdf.table(
    [{ header: 'Step', width: 130 }, { header: 'Verdict', width: 120 }, { header: 'What differed, the diff, who accepted it', width: 0, size: 7.5 }],
    c.steps.map((row) => [
      { text: row.stepId, bold: true, sub: row.title },
      { text: verdictWords(row), color: row.verdict === 'matches' ? COLOR.pass : row.verdict === 'differs' ? (row.accepted.length ? COLOR.warn : COLOR.fail) : COLOR.muted, sub: row.durationRatio !== null ? `duration ${row.durationRatio}× the rehearsal's` : undefined },
      { text: rowDetails(row).join('\n') || '—' },
    ]),
    { title: REHEARSAL_HEADING },
  );
}
