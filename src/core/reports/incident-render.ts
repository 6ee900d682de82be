// The post-incident report as Markdown and as PDF, from the one model buildIncidentReport makes
// (incident.ts), in the runbook's language. Every claim is printed with the evidence it names.
import type { IncidentRef, IncidentReport } from './incident';
import { COLOR, FONT, PdfLayout, sizeText, type Cell } from './pdf-layout';
import { environmentMarks, widths } from './pdf';
import { failureKindText, failureMessageText, failureText } from './failure-words';
import { environmentText, resultText, runStatusText, stepKindText } from './words';
import { translator, type Translator } from '../../shared/i18n';

const trOf = (r: IncidentReport) => translator(r.language);

function refText(tr: Translator, r: IncidentRef): string {
  return r.kind === 'artifact' ? tr.t('incident.ref.artifact', { name: r.name, sha256: r.sha256 ?? tr.t('incident.ref.incomplete') }) : tr.t('incident.ref.event', { seq: r.seq, type: r.type, hash: r.hash });
}

// ---- Markdown -------------------------------------------------------------------------------

const mdCell = (t: string) => t.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const mdRefs = (tr: Translator, refs: IncidentRef[]) => (refs.length ? ` _[${refs.map((r) => refText(tr, r)).map((t) => `\`${t}\``).join('; ')}]_` : '');

function fence(lines: string[]): string {
  let ticks = '```';
  while (lines.some((l) => l.includes(ticks))) ticks += '`';
  return `${ticks}text\n${lines.join('\n')}\n${ticks}`;
}

/** What the excerpt is: how many lines of how many, the matched line, and what redaction found. */
function excerptNote(tr: Translator, x: NonNullable<NonNullable<IncidentReport['failing']>['excerpt']>, style: 'md' | 'pdf'): string {
  const shown = x.lines.filter((l) => l.n !== null).length;
  const redactions = x.redactions ? tr.t('incident.excerpt.redactions', { n: x.redactions }) : '';
  if (style === 'md') return `${tr.t('incident.md.excerpt', { shown, total: x.totalLines })}${x.matchedLine ? tr.t('incident.md.excerptMatched', { n: x.matchedLine }) : ''}${tr.t('incident.md.redacted')}${redactions || tr.t('incident.md.nothingFurther')}):`;
  return `${tr.t('incident.pdf.excerpt', { shown, total: x.totalLines })}${x.matchedLine ? tr.t('incident.pdf.excerptMatched', { n: x.matchedLine }) : ''}${tr.t('incident.pdf.redacted')}${redactions || tr.t('incident.pdf.nothingFurther')}`;
}

/** The report as Markdown. */
export function incidentMarkdown(r: IncidentReport): string {
  const tr = trOf(r);
  const out: string[] = [];
  const refs = (list: IncidentRef[]) => mdRefs(tr, list);
  out.push(`# ${tr.t('incident.title', { title: r.runbook.title })}`, '');
  out.push(tr.t('incident.md.run', { runId: r.runId, environment: environmentText(tr, r.environment), operator: r.operator, started: tr.time(r.startedAt) }));
  out.push(tr.t('incident.md.runbook', { runbook: r.runbook.id, version: r.runbook.version, hash: r.runbook.hash }));
  out.push(tr.t('incident.md.status', { status: runStatusText(tr, r.status), decision: r.decision.status, goNoGo: r.decision.goNoGo }));
  out.push(tr.t('incident.md.asOf', { at: tr.time(r.asOf), seq: r.chainHead.seq, hash: r.chainHead.hash }));
  out.push('', tr.t('incident.md.claims'), '');

  out.push(`## ${tr.t('incident.h.summary')}`, '');
  for (const c of r.summary) out.push(`- ${c.text}${refs(c.refs)}`);

  out.push('', `## ${tr.t('incident.h.classification')}`, '', `| ${tr.t('incident.col.field')} | ${tr.t('incident.col.value')} | ${tr.t('incident.col.source')} |`, '|---|---|---|');
  for (const c of r.classification) out.push(`| ${mdCell(c.label)} | ${mdCell(c.value)} | ${mdCell(c.source)}${c.refs.length ? `<br>${mdCell(c.refs.map((x) => refText(tr, x)).join('; '))}` : ''} |`);

  out.push('', `## ${tr.t('incident.h.failing')}`, '');
  const f = r.failing;
  if (!f) out.push(tr.t('incident.noFailure'));
  else {
    out.push(tr.t('incident.md.step', { step: f.stepId, title: f.title, kind: stepKindText(tr, f.kind), phase: f.phase }));
    out.push(tr.t('incident.md.result', { status: f.status, at: tr.time(f.finishedAt), actor: f.actor ?? '?', started: tr.time(f.startedAt) }));
    if (f.target) out.push(tr.t('incident.md.target', { name: f.target.name, kind: f.target.kind, address: f.target.address }));
    out.push(`${tr.t('incident.md.exit', { code: f.exitCode ?? tr.t('incident.none') })}${f.failure ? `${tr.t('incident.md.failure', { kind: failureKindText(tr.lang, f.failure.kind), message: failureMessageText(tr.lang, f.failure.message) })}${f.failure.sqlState ? ` (SQLSTATE ${f.failure.sqlState})` : ''}` : ''}`);
    for (const a of f.abortGates) out.push(tr.t('incident.md.abort', { label: a.label, pattern: a.pattern, line: a.line.replace(/`/g, "'") }));
    for (const g of f.failedExpectations) out.push(tr.t('incident.md.expectation', { gate: g.gate, detail: g.detail }));
    out.push(`${tr.t('incident.md.evidence')}${refs([...(f.evidence ? [f.evidence] : []), ...f.refs]) || ` ${tr.t('incident.none')}`}`);
    if (f.command) out.push('', tr.t('incident.md.command'), '', fence(f.command.replace(/\n+$/, '').split('\n')));
    if (f.excerpt) {
      out.push('', `${excerptNote(tr, f.excerpt, 'md')}${refs(f.evidence ? [f.evidence] : [])}`, '');
      const width = String(f.excerpt.totalLines).length;
      out.push(fence(f.excerpt.lines.map((l) => (l.n === null ? `${' '.repeat(width)}    ${l.text}` : `${String(l.n).padStart(width)} ${l.mark ? '>>' : '  '} ${l.text}`))));
    }
  }

  out.push('', `## ${tr.t('incident.h.timeline')}`, '', tr.t('incident.md.t0', { at: tr.time(r.timeline.t0.at), label: r.timeline.t0.label }), '', `| T | ${tr.t('pdf.col.step')} | ${tr.t('pdf.col.result')} | ${tr.t('pdf.col.timestamp')} | ${tr.t('pdf.col.actor')} | ${tr.t('incident.col.evidence')} |`, '|---|---|---|---|---|---|');
  for (const e of r.timeline.entries) out.push(`| ${e.t} | ${mdCell(e.stepId ? `${e.stepId}: ${e.title}` : e.title)} | ${resultText(tr, e.result)} | ${tr.time(e.at)} | ${e.actor ?? ''} | ${e.evidence ? mdCell(`${e.evidence.name} sha256 ${e.evidence.sha256 ?? ''}`) : ''} |`);

  out.push('', `## ${tr.t('incident.h.containment')}`, '');
  for (const c of r.containment) out.push(`- ${c.text}${refs(c.refs)}`);
  out.push('', `## ${tr.t('incident.h.followUps')}`, '');
  r.followUps.forEach((c, i) => out.push(`${i + 1}. ${c.text}${refs(c.refs)}`));

  out.push('', `## ${tr.t('incident.h.evidence')}`, '', `| ${tr.t('incident.col.file')} | ${tr.t('pdf.col.size')} | SHA-256 |`, '|---|---:|---|');
  for (const a of r.artifacts) out.push(`| ${mdCell(a.path)}${a.state === 'incomplete' ? tr.t('incident.md.incomplete') : ''} | ${a.size} | \`${a.sha256}\` |`);
  for (const l of r.linkedEvidence) out.push(`| ${tr.t('incident.md.linked', { name: mdCell(l.name), kind: mdCell(l.kind), seq: l.seq, detail: mdCell(l.detail) })} | ${l.size} | \`${l.sha256}\` |`);
  out.push('', tr.t('incident.md.verify'), '');
  return out.join('\n');
}

// ---- PDF ------------------------------------------------------------------------------------

/** A claim and the evidence it names, kept on one page. */
function claim(pdf: PdfLayout, tr: Translator, text: string, refs: IncidentRef[]): void {
  const refsText = refs.map((r) => refText(tr, r)).join('\n');
  pdf.ensure(pdf.height(text, FONT.sans, 9.5, pdf.width) + (refs.length ? pdf.height(refsText, FONT.mono, 6.5, pdf.width - 10) : 0) + 10);
  pdf.paragraph(text, { size: 9.5 });
  if (refs.length) pdf.paragraph(refsText, { font: FONT.mono, size: 6.5, color: COLOR.muted, indent: 10 });
}

/** The report as a PDF (deterministic, text searchable). */
export async function renderIncidentPdf(r: IncidentReport): Promise<Buffer> {
  const tr = trOf(r);
  const refCells = (refs: IncidentRef[]) => refs.map((x) => refText(tr, x)).join('\n');
  const ids = { runId: r.runId, runbook: r.runbook.id, version: r.runbook.version };
  const pdf = new PdfLayout({
    title: tr.t('incident.title', { title: r.runbook.title }),
    subject: tr.t('incident.pdf.subject', { ...ids, status: runStatusText(tr, r.status), goNoGo: r.decision.goNoGo }),
    keywords: tr.t('incident.pdf.keywords', { runbook: r.runbook.id, runId: r.runId, labels: r.failing?.abortGates.map((a) => a.label).join(', ') ?? '' }),
    date: new Date(r.asOf),
    header: tr.t('incident.pdf.header', ids),
    footer: tr.t('incident.pdf.footer', { runId: r.runId, seq: r.chainHead.seq, hash: r.chainHead.hash.slice(0, 16) }),
    lang: tr.lang,
    ...environmentMarks(r.environment, tr.lang),
  });
  pdf.titleBlock(tr.t('incident.kicker'), r.runbook.title, tr.t('incident.pdf.subtitle', { ...ids, environment: environmentText(tr, r.environment), operator: r.operator, at: tr.time(r.asOf), seq: r.chainHead.seq }));
  pdf.banner(r.decision.goNoGo, `${tr.t('incident.pdf.banner', { run: runStatusText(tr, r.status), status: r.decision.status })}${r.failing ? tr.t('incident.pdf.failedAt', { step: r.failing.stepId }) : ''}`, r.decision.goNoGo === 'GO' ? COLOR.pass : COLOR.fail);
  pdf.paragraph(tr.t('incident.pdf.claims'), { size: 8, color: COLOR.muted });

  pdf.heading(tr.t('incident.h.summary'), { keep: 60 });
  for (const c of r.summary) claim(pdf, tr, c.text, c.refs);

  pdf.heading(tr.t('incident.h.failing'), { keep: 120 });
  const f = r.failing;
  if (!f) pdf.paragraph(tr.t('incident.noFailure'), { color: COLOR.muted });
  else {
    pdf.keyValues([
      { label: tr.t('pdf.col.step'), value: `${f.stepId}: ${f.title}`, note: tr.t('incident.pdf.stepNote', { kind: stepKindText(tr, f.kind), phase: f.phase }) },
      { label: tr.t('pdf.col.result'), value: tr.t('incident.pdf.resultAt', { status: f.status, at: tr.time(f.finishedAt) }), note: tr.t('incident.pdf.runBy', { actor: f.actor ?? '?', started: tr.time(f.startedAt) }), color: COLOR.fail },
      ...(f.target ? [{ label: tr.t('pdf.col.target'), value: `${f.target.name} (${f.target.kind})`, note: f.target.address }] : []),
      { label: tr.t('incident.label.exitCode'), value: `${f.exitCode ?? tr.t('incident.none')}${f.failure ? ` — ${failureText(tr.lang, f.failure)}` : ''}` },
      ...f.abortGates.map((a) => ({ label: tr.t('incident.abortGateMatched'), value: `${a.label} (/${a.pattern}/)`, note: a.line, color: COLOR.fail })),
      ...f.failedExpectations.map((g) => ({ label: tr.t('incident.label.expectationFailed'), value: g.gate, note: g.detail })),
      ...(f.evidence || f.refs.length ? [{ label: tr.t('incident.col.evidence'), value: refCells([...(f.evidence ? [f.evidence] : []), ...f.refs]), mono: true }] : []),
    ], { labelWidth: 118, size: 9 });
    if (f.command) {
      pdf.paragraph(tr.t('incident.pdf.command'), { font: FONT.bold, size: 9 });
      pdf.code(f.command.replace(/\n+$/, '').split('\n').map((text) => ({ n: null, text })));
    }
    if (f.excerpt) {
      pdf.ensure(80);
      pdf.paragraph(`${excerptNote(tr, f.excerpt, 'pdf')}${tr.t('incident.pdf.from', { source: f.evidence ? refText(tr, f.evidence) : tr.t('incident.pdf.theTranscript') })}`, { size: 8, color: COLOR.muted });
      pdf.code(f.excerpt.lines);
    }
  }

  pdf.heading(tr.t('incident.h.classification'), { keep: 80 });
  pdf.keyValues(r.classification.map((c) => ({ label: c.label, value: c.value, note: `${c.source}${c.refs.length ? `\n${refCells(c.refs)}` : ''}` })), { labelWidth: 140, size: 9 });

  pdf.heading(tr.t('incident.h.timeline'), { keep: 80 });
  pdf.paragraph(tr.t('incident.pdf.t0', { at: tr.time(r.timeline.t0.at), label: r.timeline.t0.label }), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: 'T', width: 50, mono: true, size: 7.5 }, { header: tr.t('pdf.col.step'), width: 0 }, { header: tr.t('pdf.col.result'), width: widths(tr).result }, { header: tr.t('pdf.col.timestamp'), width: widths(tr).time, size: 7.5 }, { header: tr.t('pdf.col.actor'), width: 50 }],
    r.timeline.entries.map((e): Cell[] => [
      { text: e.t },
      { text: e.stepId ? `${e.stepId} — ${e.title}` : e.title, sub: e.evidence ? e.evidence.name : undefined, bold: e.kind !== 'step' },
      { text: resultText(tr, e.result), bold: true, color: e.result === 'PASS' ? COLOR.pass : e.result === 'FAIL' || e.result === 'BLOCKED' || e.result === 'INTERRUPTED' ? COLOR.fail : COLOR.warn },
      { text: tr.time(e.at) },
      { text: e.actor ?? '—' },
    ]),
    { title: tr.t('pdf.timeline.title') },
  );

  pdf.heading(tr.t('incident.h.containment'), { keep: 60 });
  for (const c of r.containment) claim(pdf, tr, `• ${c.text}`, c.refs);
  pdf.heading(tr.t('incident.h.followUps'), { keep: 60 });
  r.followUps.forEach((c, i) => claim(pdf, tr, `${i + 1}. ${c.text}`, c.refs));

  pdf.heading(tr.t('incident.h.evidence'), { keep: 80 });
  pdf.table(
    [{ header: tr.t('pdf.col.file'), width: 0, size: 8 }, { header: tr.t('pdf.col.size'), width: 66, align: 'right' }, { header: tr.t('pdf.col.step'), width: 100, size: 7.5 }],
    [
      ...r.artifacts.map((a): Cell[] => [{ text: a.name, sub: a.sha256, subMono: true }, { text: sizeText(a.size, tr.lang), sub: tr.t('pdf.artifacts.bytes', { n: a.size }) }, { text: a.stepId ?? tr.t('pdf.artifacts.runbook'), sub: a.state === 'incomplete' ? tr.t('pdf.required.incompleteWord') : undefined }]),
      ...r.linkedEvidence.map((l): Cell[] => [{ text: l.name, sub: l.sha256, subMono: true }, { text: sizeText(l.size, tr.lang), sub: tr.t('pdf.artifacts.bytes', { n: l.size }) }, { text: l.kind, sub: tr.t('incident.pdf.event', { seq: l.seq }) }]),
    ],
    { title: tr.t('incident.h.evidence') },
  );
  return pdf.finish();
}
