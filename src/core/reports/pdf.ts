// decision.pdf: what a governance board reads and signs. A cover with the formal decision and
// the GO / NO-GO call (a rehearsal's cover says first that it is a rehearsal on the target it
// actually used, not an authorization for production); the runbook's required evidence, each
// file present (with its hash) or MISSING; preconditions and attestations with who and when; the
// timeline in scribe format; gate results, and every declared abort gate per phase (matched,
// clear or never watched); the schema fingerprints and SQL previews stored for the run; the
// artifact table with sizes and full SHA-256 hashes; the plan approvals as the files of the pack
// that prove them; and how the decision is approved: the policy, the signature files and the
// commands that check them. It is rendered at export, before anyone signs, and the signatures
// then cover it, so it never claims who has signed: `cutover pack verify` says that. Every page
// says PRODUCTION or REHEARSAL. Written in the runbook's language (src/shared/i18n). Same input,
// same bytes.
import { failureSummary, fieldText, sourceText, templateLabels, scrubAddress, type Decision } from './decision';
import { scribeTimeline } from './broadcasts';
import { abortLineOf, abortPatternOf } from './gate-facts';
import { gateDetailText, gateText } from './gate-words';
import { languageOf, type DeclaredGate, type PackModel, type PackStep, type RequiredEvidence } from './pack-model';
import { rehearsalSection } from './rehearsal-section';
import { COLOR, FONT, PdfLayout, sizeText, type Cell, type Meta } from './pdf-layout';
import { translator, type Translator } from '../../shared/i18n';
import { decisionKindText, environmentText, resultText, runStatusText, statusText } from './words';

export interface DecisionPdfOptions {
  /** The approval policy of the pack: approving signatures needed, from which role; a rejection vetoes. */
  policy?: { quorum: number; role: string; rejection?: 'veto' | string };
  /** A preview outside any pack (`cutover report decision`): says so where it explains the signatures. */
  preview?: boolean;
}

/**
 * Columns whose words are longer in other languages than in English ("no ejecutado", a date
 * with its "UTC"): wider there, as they always were in English.
 */
export const widths = (tr: Translator) => (tr.lang === 'en' ? { status: 46, result: 62, gateResult: 44, time: 86 } : { status: 62, result: 70, gateResult: 62, time: 104 });

/** Commands an auditor types: small enough that each stays on one line. */
const COMMAND = { size: 6.5 };
const SIGNATURE_COMMANDS = [
  'ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.sig < manifest.json',
  'ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.json.sig < signatures/NAME.json',
  'cutover pack verify PACK --allowed-signers YOUR_ORGANISATION_ALLOWED_SIGNERS',
];
const planCommand = (dir: string) => `ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-plan-v1 -s ${dir}/approvals/NAME.sig < ${dir}/plan.json`;

const resultColor = (r: string) => (r === 'PASS' ? COLOR.pass : r === 'FAIL' || r === 'INTERRUPTED' || r === 'BLOCKED' ? COLOR.fail : r === 'ROLLBACK' || r === 'STOP' || r === 'SKIPPED' || r === 'WARN' ? COLOR.warn : COLOR.muted);
/** A step's status as a result code (colours are chosen by it). */
const statusCode = (s: PackStep['status']) => (s === 'skipped' ? 'SKIPPED' : s === 'pending' ? 'not run' : s === 'running' ? 'RUNNING' : s);
function cover(pdf: PdfLayout, tr: Translator, model: PackModel, d: Decision): void {
  pdf.titleBlock(
    d.template === 'governance' ? tr.t('pdf.cover.governance') : tr.t('pdf.cover.goNoGo'),
    model.runbook.title,
    tr.t('pdf.cover.subtitle', { runbook: `${model.runbook.id} v${model.runbook.version}`, runId: model.run.runId, environment: environmentText(tr, model.run.environment), at: tr.time(model.exportedAt), seq: model.chainHead.seq }),
  );
  const go = d.goNoGo === 'GO';
  if (model.run.environment === 'rehearsal') {
    pdf.notice(tr.t('pdf.environment.rehearsal'), tr.t('pdf.rehearsal.notice', { target: d.target ?? tr.t('pdf.rehearsal.noTarget') }), COLOR.rehearsal, [
      d.productionTarget ? tr.t('pdf.rehearsal.productionTarget', { target: d.productionTarget }) : tr.t('pdf.rehearsal.noProductionTarget'),
      tr.t('pdf.rehearsal.result', { goNoGo: d.goNoGo, status: d.status }),
    ]);
  } else {
    const source = d.sources.authorization;
    let authorization = tr.t('pdf.production.authorizationNone');
    if (d.authorization) {
      authorization = source.actor ? tr.t('pdf.production.authorizationBy', { value: d.authorization, by: source.actor }) : d.authorization;
      if (source.seq !== undefined && source.seq !== null) authorization = tr.t('pdf.production.authorizationEvent', { value: authorization, seq: source.seq });
    }
    pdf.banner(d.goNoGo, tr.t('pdf.production.bannerDetail', { status: d.status, authorization }), go ? COLOR.pass : COLOR.fail);
  }
  pdf.paragraph(tr.t('pdf.cover.statement'), { font: FONT.bold, size: 9, color: COLOR.muted });
  pdf.paragraph(`"${d.statement}"`, { size: 9.5 });

  pdf.heading(tr.t('pdf.cover.formal'), { keep: 120 });
  pdf.keyValues(templateLabels(tr.lang).map(([field, label]) => ({
    label,
    value: fieldText(d, field),
    note: sourceText(d.sources[field], tr.lang),
    ...(field === 'status' ? { color: d.status === 'PASS' ? COLOR.pass : COLOR.fail } : {}),
    ...(field === 'authorization' && d.authorization ? { color: d.authorization === 'Approved' ? COLOR.pass : COLOR.fail } : {}),
  })).concat([{ label: tr.t('pdf.cover.goNoGoField'), value: d.goNoGo, note: sourceText(d.sources.goNoGo, tr.lang), color: go ? COLOR.pass : COLOR.fail }]), { labelWidth: 150 });
  // The cover is the decision alone; the evidence starts on the next page.
  pdf.newPage();
}

function runSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const timeline = scribeTimeline(model);
  const status = runStatusText(tr, model.run.status);
  pdf.heading(tr.t('pdf.run.heading'), { keep: 100 });
  pdf.keyValues([
    { label: tr.t('pdf.run.runId'), value: model.run.runId, mono: true },
    { label: tr.t('pdf.run.runbook'), value: `${model.runbook.id} v${model.runbook.version} — ${model.runbook.title}` },
    { label: tr.t('pdf.run.runbookHash'), value: model.runbook.hash, mono: true },
    { label: tr.t('pdf.run.environment'), value: environmentText(tr, model.run.environment) },
    { label: tr.t('pdf.run.operator'), value: model.run.operator },
    { label: tr.t('pdf.run.started'), value: tr.time(model.run.startedAt) },
    { label: tr.t('pdf.run.t0'), value: `${tr.time(timeline.t0.at)} (${timeline.t0.label})` },
    { label: tr.t('pdf.run.status'), value: model.run.blockedBy ? tr.t('pdf.run.blockedAt', { status, step: model.run.blockedBy.stepId, reason: model.run.blockedBy.reason }) : status, color: model.run.status === 'ACTIVE' || model.run.status === 'COMPLETED' ? COLOR.text : COLOR.fail },
    ...model.run.decisions.map((dd, i) => ({ label: tr.t('pdf.run.decision', { n: i + 1 }), value: `${decisionKindText(tr, dd.decision)} — ${dd.reason}`, note: tr.t('pdf.run.decisionNote', { actor: dd.actor, at: tr.time(dd.at) }) })),
    { label: tr.t('pdf.run.chainHead'), value: `#${model.chainHead.seq} ${model.chainHead.hash}`, mono: true, note: tr.t('pdf.run.chainHeadNote') },
  ], { labelWidth: 110, size: 9 });

  if (model.targets.length) {
    pdf.heading(tr.t('pdf.run.targets'), { level: 2, keep: 40 });
    pdf.table(
      [{ header: tr.t('pdf.col.target'), width: 80 }, { header: tr.t('pdf.col.kind'), width: 52 }, { header: tr.t('pdf.col.address'), width: 0 }, { header: tr.t('pdf.col.hostKey'), width: 226, mono: true, size: 7 }],
      model.targets.map((t) => [{ text: t.name, bold: true }, t.kind, scrubAddress(t.address), t.hostKey ?? (t.kind === 'ssh' ? tr.t('pdf.notPinned') : tr.t('pdf.notApplicable'))]),
      { title: tr.t('pdf.run.targets') },
    );
  }
}

function requiredEvidenceRow(tr: Translator, e: RequiredEvidence, i: number): (string | Cell)[] {
  const step: Cell = e.step
    ? { text: e.step.stepId, sub: `${statusText(tr, e.step.status)}${e.artifact ? ` · ${sizeText(e.artifact.size, tr.lang)}` : ''}${e.step.phaseId === 'rollback' ? tr.t('pdf.required.rollbackPath') : ''}` }
    : { text: '—', sub: e.artifact ? sizeText(e.artifact.size, tr.lang) : tr.t('pdf.required.noStep'), color: COLOR.muted };
  const n = String(i + 1);
  switch (e.status) {
    case 'present':
      return [n, { text: e.name, sub: e.artifact!.sha256, subMono: true }, { text: tr.t('pdf.required.present'), icon: 'check', bold: true, color: COLOR.pass, sub: e.artifact!.sha256.slice(0, 12) }, step];
    case 'incomplete':
      return [n, { text: e.name, sub: e.artifact!.sha256, subMono: true, color: COLOR.warn }, { text: tr.t('pdf.required.incompleteWord'), bold: true, color: COLOR.warn, sub: tr.t('pdf.required.incompleteSub') }, step];
    case 'missing':
      return [n, { text: e.name, sub: e.reason ?? undefined, color: COLOR.fail }, { text: tr.t('pdf.required.missingWord'), icon: 'cross', bold: true, color: COLOR.fail }, step];
    default:
      return [n, { text: e.name, sub: e.reason ?? undefined, color: COLOR.muted }, { text: tr.t('pdf.notApplicable'), color: COLOR.muted, sub: tr.t('pdf.required.notRequired') }, step];
  }
}

/** The runbook's evidence pack, file by file: present with its hash, or MISSING and why. */
function requiredEvidenceSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const list = model.requiredEvidence;
  if (!list) return;
  pdf.heading(tr.t('pdf.required.heading'), { keep: 90 });
  if (!list.length) {
    pdf.paragraph(tr.t('pdf.required.none'), { color: COLOR.muted });
    return;
  }
  const required = list.filter((e) => e.status !== 'not-applicable');
  const present = required.filter((e) => e.status === 'present');
  const missing = required.filter((e) => e.status === 'missing');
  const incomplete = required.filter((e) => e.status === 'incomplete');
  pdf.paragraph(tr.t('pdf.required.intro'), { size: 8, color: COLOR.muted });
  const files = tr.count('files', required.length);
  const summary = present.length === required.length
    ? tr.t('pdf.required.all', { files })
    : `${tr.t('pdf.required.some', { present: present.length, files })}${missing.length ? tr.t('pdf.required.missing', { n: missing.length, names: missing.map((e) => e.name).join(', ') }) : ''}${incomplete.length ? tr.t('pdf.required.incomplete', { n: incomplete.length, names: incomplete.map((e) => e.name).join(', ') }) : ''}.`;
  pdf.paragraph(summary, { font: FONT.bold, size: 9, color: present.length === required.length ? COLOR.pass : COLOR.fail });
  pdf.table(
    [{ header: '#', width: 20, align: 'right' }, { header: tr.t('pdf.col.requiredFile'), width: 0, size: 8 }, { header: tr.t('pdf.col.status'), width: 84 }, { header: tr.t('pdf.col.writtenBy'), width: 110, size: 7.5 }],
    list.map((e, i) => requiredEvidenceRow(tr, e, i)),
    { title: tr.t('pdf.required.heading') },
  );
}

const LINKED_KINDS = ['schema-fingerprint', 'sql-preview', 'rehearsal-diff'] as const;
const linkedKindText = (tr: Translator, kind: string) => ((LINKED_KINDS as readonly string[]).includes(kind) ? tr.t(`pdf.linked.kind.${kind as (typeof LINKED_KINDS)[number]}`) : kind);

/**
 * Evidence stored for this run outside its steps (`cutover pg fingerprint --run`, `cutover
 * alembic sql --run`): each file with its full SHA-256, what it is, who stored it and when.
 */
function linkedEvidenceSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const list = model.linkedEvidence;
  if (!list) return;
  pdf.heading(tr.t('pdf.linked.heading'), { keep: 70 });
  if (!list.length) {
    pdf.paragraph(tr.t('pdf.linked.none'), { size: 8.5, color: COLOR.muted });
    return;
  }
  pdf.paragraph(tr.t('pdf.linked.intro', { files: tr.count('files', list.length) }), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: '#', width: 20, align: 'right' }, { header: tr.t('pdf.col.linkedFile'), width: 0, size: 8 }, { header: tr.t('pdf.col.kind'), width: 84, size: 8 }, { header: tr.t('pdf.col.stored'), width: 92, size: 7.5 }],
    list.map((l, i) => [
      String(i + 1),
      { text: `${l.name}\n${l.detail}`, sub: l.sha256, subMono: true },
      { text: linkedKindText(tr, l.kind), bold: true, sub: sizeText(l.size, tr.lang) },
      { text: tr.time(l.at), sub: tr.t('pdf.linked.by', { actor: l.actor, seq: l.seq }) },
    ]),
    { title: tr.t('pdf.linked.heading') },
  );
}

const OUTCOME_COLOR: Record<DeclaredGate['outcome'], string> = { matched: COLOR.fail, clear: COLOR.pass, 'not-run': COLOR.muted, 'not-judged': COLOR.warn, pass: COLOR.pass, fail: COLOR.fail };

/** Every abort gate the runbook declares, phase by phase: matched, watched and clear, or never watched. */
function abortGatesSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  if (!model.steps.some((s) => s.declaredGates)) return;
  pdf.heading(tr.t('pdf.abort.heading'), { keep: 90 });
  pdf.paragraph(tr.t('pdf.abort.intro'), { size: 8, color: COLOR.muted });
  const phases: { id: string; title: string; steps: PackStep[] }[] = [];
  for (const s of model.steps) {
    const phase = phases.find((p) => p.id === s.phaseId);
    if (phase) phase.steps.push(s);
    else phases.push({ id: s.phaseId, title: s.phaseTitle, steps: [s] });
  }
  const gatesOf = (s: PackStep) => (s.declaredGates ?? []).filter((g) => g.kind === 'abort');
  const watched = phases.filter((p) => p.steps.some((s) => gatesOf(s).length));
  if (!watched.length) {
    pdf.paragraph(tr.t('pdf.abort.none'), { color: COLOR.muted });
    return;
  }
  const outcome = (o: DeclaredGate['outcome']) => tr.t(`pdf.abort.outcome.${o}`);
  for (const phase of watched) {
    const all = phase.steps.flatMap(gatesOf);
    const count = (o: DeclaredGate['outcome']) => all.filter((g) => g.outcome === o).length;
    const parts = [tr.t('pdf.abort.matchedCount', { n: count('matched') }), ...(['clear', 'not-run', 'not-judged'] as const).filter((o) => count(o)).map((o) => tr.t('pdf.abort.count', { n: count(o), outcome: outcome(o) }))];
    pdf.heading(`${phase.title} (${phase.id})`, { level: 2, keep: 50 });
    pdf.paragraph(tr.count('pdf.abort.summary', all.length, { steps: phase.steps.filter((s) => gatesOf(s).length).length, parts: parts.join(', ') }), { size: 8.5, color: count('matched') ? COLOR.fail : COLOR.text, font: count('matched') ? FONT.bold : FONT.sans });
    const rows: Cell[][] = [];
    for (const s of phase.steps) {
      gatesOf(s).forEach((g, i) => {
        rows.push([
          i === 0 ? { text: s.stepId, bold: true, sub: statusText(tr, s.status) } : { text: s.stepId, color: COLOR.muted },
          { text: g.label ?? `/${g.pattern ?? ''}/`, bold: g.outcome === 'matched', sub: `${tr.t('pdf.abort.onMatch', { pattern: g.pattern ?? '', onMatch: g.onMatch ?? 'block' })}${g.level === 'warn' ? tr.t('pdf.abort.warnLevel') : ''}`, subMono: false },
          { text: outcome(g.outcome), bold: true, color: OUTCOME_COLOR[g.outcome] },
          { text: g.detail ?? '', color: g.outcome === 'matched' ? COLOR.text : COLOR.muted },
        ]);
      });
    }
    pdf.table([{ header: tr.t('pdf.col.step'), width: 112 }, { header: tr.t('pdf.col.abortGate'), width: 150 }, { header: tr.t('pdf.col.result'), width: 58 }, { header: tr.t('pdf.col.detail'), width: 0, size: 7.5 }], rows, { title: tr.t('pdf.abort.tableTitle', { phase: phase.title }), zebra: false });
  }
  const quiet = phases.filter((p) => !watched.includes(p) && p.steps.some((s) => s.kind === 'check' || s.kind === 'command'));
  if (quiet.length) pdf.paragraph(tr.t('pdf.abort.quiet', { phases: quiet.map((p) => p.title).join(', ') }), { size: 8.5, color: COLOR.muted });
}

function preconditions(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const steps = model.steps.filter((s) => s.phaseId === 'preconditions' || s.kind === 'attest' || s.kind === 'record');
  pdf.heading(tr.t('pdf.preconditions.heading'), { keep: 80 });
  if (!steps.length) {
    pdf.paragraph(tr.t('pdf.preconditions.none'), { color: COLOR.muted });
    return;
  }
  pdf.table(
    [{ header: tr.t('pdf.col.step'), width: 112 }, { header: tr.t('pdf.col.statement'), width: 0 }, { header: tr.t('pdf.col.result'), width: widths(tr).status }, { header: tr.t('pdf.col.by'), width: 46 }, { header: tr.t('pdf.col.when'), width: widths(tr).time, size: 7.5 }],
    steps.map((s) => [
      { text: s.stepId, bold: true, sub: s.phaseTitle },
      { text: `${s.statement ?? s.title}${s.values ? `\n${Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join('\n')}` : ''}`, sub: s.evidence ? tr.t('pdf.preconditions.evidence', { name: s.evidence.name }) : undefined },
      { text: statusText(tr, s.status), color: resultColor(statusCode(s.status)), bold: true },
      s.actor ?? '—',
      tr.time(s.finishedAt),
    ]),
    { title: tr.t('pdf.preconditions.heading') },
  );
}

function timelineSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const timeline = scribeTimeline(model);
  pdf.heading(tr.t('pdf.timeline.heading'), { keep: 80 });
  pdf.paragraph(tr.t('pdf.timeline.intro', { t0: tr.time(timeline.t0.at), label: timeline.t0.label }), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: 'T', width: 50, mono: true, size: 7.5 }, { header: tr.t('pdf.col.step'), width: 0 }, { header: tr.t('pdf.col.result'), width: widths(tr).result }, { header: tr.t('pdf.col.timestamp'), width: widths(tr).time, size: 7.5 }, { header: tr.t('pdf.col.actor'), width: 52 }],
    timeline.entries.map((e) => [
      e.t,
      { text: e.stepId ? `${e.stepId} — ${e.title}` : e.title, sub: e.evidence ? `${e.evidence.name}` : undefined, bold: e.kind !== 'step' },
      { text: resultText(tr, e.result), bold: true, color: resultColor(e.result) },
      tr.time(e.at),
      e.actor ?? '—',
    ]),
    { title: tr.t('pdf.timeline.title') },
  );
  const notRun = model.steps.filter((s) => s.status === 'pending' && s.phaseId !== 'rollback');
  const rbNotRun = model.steps.filter((s) => s.status === 'pending' && s.phaseId === 'rollback');
  if (notRun.length) pdf.paragraph(tr.t('pdf.timeline.notRun', { steps: notRun.map((s) => s.stepId).join(', ') }), { size: 8.5 });
  if (rbNotRun.length && model.run.status === 'ROLLBACK') pdf.paragraph(tr.t('pdf.timeline.rollbackNotRun', { steps: rbNotRun.map((s) => s.stepId).join(', ') }), { size: 8.5 });
}

function gatesSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const steps = model.steps.filter((s) => s.kind === 'check' || s.kind === 'command' || s.kind === 'monitor' || s.kind === 'http');
  pdf.heading(tr.t('pdf.gates.heading'), { keep: 80 });
  pdf.paragraph(tr.t('pdf.gates.intro'), { size: 8, color: COLOR.muted });
  const rows: Cell[][] = [];
  for (const s of steps) {
    const head = `${statusText(tr, s.status)}${s.exitCode !== null ? tr.t('pdf.gates.exit', { code: s.exitCode }) : ''}${s.target ? ` · ${s.target}` : ''}`;
    if (!s.gates.length) {
      rows.push([{ text: s.stepId, bold: true, sub: head }, { text: s.status === 'pending' ? tr.t('pdf.gates.notRun') : s.failure ? failureSummary(s, tr.lang) : tr.t('pdf.gates.noGates'), color: COLOR.muted }, { text: statusText(tr, s.status), bold: true, color: resultColor(statusCode(s.status)) }, { text: '' }]);
      continue;
    }
    s.gates.forEach((g, i) => {
      // A failed `level: warn` gate is a warning: shown, never blocking.
      const result = g.passed ? 'PASS' : g.level === 'warn' ? 'WARN' : 'FAIL';
      const shown = g.kind === 'abort' && result !== 'WARN' ? 'ABORT' : result;
      rows.push([
        i === 0 ? { text: s.stepId, bold: true, sub: head } : { text: s.stepId, color: COLOR.muted },
        { text: g.kind === 'abort' ? tr.t('pdf.gates.abortMatched', { pattern: abortPatternOf(g) }) : gateText(tr.lang, g), bold: g.kind === 'abort' },
        { text: resultText(tr, shown), bold: true, color: resultColor(g.kind === 'abort' && result !== 'WARN' ? 'FAIL' : result) },
        { text: gateDetailText(tr.lang, g) },
      ]);
    });
  }
  pdf.table([{ header: tr.t('pdf.col.step'), width: 112 }, { header: tr.t('pdf.col.gate'), width: 170 }, { header: tr.t('pdf.col.result'), width: widths(tr).gateResult }, { header: tr.t('pdf.col.detail'), width: 0 }], rows, { title: tr.t('pdf.gates.title'), zebra: false });
}

function artifactsSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  pdf.heading(tr.t('pdf.artifacts.heading'), { keep: 80 });
  pdf.paragraph(tr.t('pdf.artifacts.intro', { n: model.artifacts.length, size: sizeText(model.artifacts.reduce((n, a) => n + a.size, 0), tr.lang) }), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: '#', width: 24, align: 'right' }, { header: tr.t('pdf.col.file'), width: 0, size: 8 }, { header: tr.t('pdf.col.size'), width: 66, align: 'right' }, { header: tr.t('pdf.col.step'), width: 92, size: 7.5 }],
    model.artifacts.map((a, i) => [
      String(i + 1),
      { text: a.name, sub: a.sha256, subMono: true, color: a.state === 'incomplete' ? COLOR.warn : undefined },
      { text: sizeText(a.size, tr.lang), sub: tr.t('pdf.artifacts.bytes', { n: a.size }) },
      { text: a.stepId ?? tr.t('pdf.artifacts.runbook'), sub: `${a.mediaType}${a.state === 'incomplete' ? tr.t('pdf.artifacts.incomplete') : ''}` },
    ]),
    { title: tr.t('pdf.artifacts.heading') },
  );
}

function approvalsSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  pdf.heading(tr.t('pdf.plan.heading'), { keep: 70 });
  if (!model.approvals.length) {
    pdf.paragraph(tr.t('pdf.plan.none'), { color: COLOR.muted });
    return;
  }
  const roles = new Map(model.identities.map((i) => [i.name, i.roles.join(', ')]));
  const plans = model.plans;
  if (!plans) {
    // A snapshot written by hand: the approvals as the chain records them, without files.
    pdf.table(
      [{ header: tr.t('pdf.col.signer'), width: 96 }, { header: tr.t('pdf.col.fingerprintPlan'), width: 0, mono: true, size: 7 }, { header: tr.t('pdf.col.vaultEvent'), width: 60, align: 'right' }],
      model.approvals.map((a) => [{ text: a.signer, bold: true, sub: roles.get(a.signer) }, { text: a.fingerprint, sub: tr.t('pdf.plan.digestShort', { digest: a.planDigest }), subMono: true }, `#${a.seq}`]),
      { title: tr.t('pdf.plan.heading') },
    );
    return;
  }
  pdf.paragraph(tr.t('pdf.plan.intro'), { size: 8, color: COLOR.muted });
  if (plans.length > 1) pdf.paragraph(tr.t('pdf.plan.several', { n: plans.length }), { size: 8.5 });
  for (const p of plans) {
    const version = tr.t('pdf.plan.version', { version: p.version, path: p.path });
    pdf.paragraph(version, { font: FONT.bold, size: 9 });
    pdf.code([{ n: null, text: planCommand(p.dir) }], COMMAND);
    pdf.table(
      [{ header: tr.t('pdf.col.signer'), width: 90 }, { header: tr.t('pdf.col.approvalFile'), width: 0, size: 7.5 }, { header: tr.t('pdf.col.event'), width: 50, align: 'right' }],
      p.approvals.map((a) => [{ text: a.signer, bold: true, sub: roles.get(a.signer) }, { text: a.path, mono: true, sub: a.fingerprint, subMono: true }, `#${a.seq}`]),
      { title: version },
    );
    pdf.paragraph(tr.t('pdf.plan.sha256', { sha256: p.sha256 }), { font: FONT.mono, size: 7.5 });
  }
  pdf.paragraph(tr.t('pdf.plan.digest'), { size: 8, color: COLOR.muted });
}

function identitiesSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  pdf.heading(tr.t('pdf.people.heading'), { keep: 70 });
  pdf.paragraph(tr.t('pdf.people.intro'), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: tr.t('pdf.col.identity'), width: 90 }, { header: tr.t('pdf.col.roles'), width: 70 }, { header: tr.t('pdf.col.fingerprint'), width: 226, mono: true, size: 7 }, { header: tr.t('pdf.col.inThisRun'), width: 0 }],
    model.identities.map((i) => {
      const did = [
        i.name === model.run.operator ? tr.t('pdf.people.operator') : null,
        model.steps.some((s) => s.actor === i.name && s.kind === 'attest') ? tr.t('pdf.people.attested') : null,
        model.steps.some((s) => s.actor === i.name && s.kind !== 'attest') && i.name !== model.run.operator ? tr.t('pdf.people.ranSteps') : null,
        model.approvals.some((a) => a.signer === i.name) ? tr.t('pdf.people.approved') : null,
      ].filter(Boolean);
      return [{ text: i.name, bold: true }, i.roles.join(', '), i.fingerprint, did.join(', ') || '—'];
    }),
    { title: tr.t('pdf.people.heading') },
  );
}

function signaturesSection(pdf: PdfLayout, tr: Translator, model: PackModel, options: DecisionPdfOptions): void {
  const role = options.policy?.role ?? 'approver';
  const approvers = model.identities.filter((i) => (i.roles as readonly string[]).includes(role) && i.name !== model.run.operator);
  pdf.heading(tr.t('pdf.signatures.heading'), { keep: 150 });
  if (options.policy) {
    const names = approvers.map((a) => a.name);
    const policy = `${tr.count('pdf.signatures.policy', options.policy.quorum, { role: options.policy.role })}${names.length ? tr.t('pdf.signatures.policyApprovers', { approvers: names.join(', ') }) : ''}${tr.t('pdf.signatures.policyOperator', { operator: model.run.operator })}${options.policy.rejection === 'veto' ? tr.t('pdf.signatures.policyVeto') : ''}`;
    pdf.paragraph(policy, { size: 9 });
  }
  pdf.paragraph(tr.t('pdf.signatures.files'), { size: 8.5 });
  pdf.paragraph(tr.t('pdf.signatures.commands'), { size: 8.5 });
  pdf.code(SIGNATURE_COMMANDS.map((text) => ({ n: null, text })), COMMAND);
  pdf.paragraph(tr.t('pdf.signatures.status'), { size: 8.5, font: FONT.bold });
  if (options.preview) pdf.paragraph(tr.t('pdf.signatures.preview'), { size: 8.5, color: COLOR.warn });
  pdf.heading(tr.t('pdf.signatures.eligibleHeading'), { level: 2, keep: 40 });
  if (!approvers.length) {
    pdf.paragraph(tr.t('pdf.signatures.eligibleNone'), { size: 8.5, color: COLOR.muted });
    return;
  }
  pdf.table(
    [{ header: tr.t('pdf.col.identity'), width: 90 }, { header: tr.t('pdf.col.roles'), width: 80 }, { header: tr.t('pdf.col.fingerprint'), width: 0, mono: true, size: 7 }],
    approvers.map((a) => [{ text: a.name, bold: true }, a.roles.join(', '), a.fingerprint]),
    { title: tr.t('pdf.signatures.eligibleHeading') },
  );
}

function rollbackSection(pdf: PdfLayout, tr: Translator, model: PackModel): void {
  const observed: string[] = [];
  for (const s of model.steps) for (const g of s.gates) if (g.kind === 'abort') observed.push(`${tr.t('pdf.rollback.abortMatched', { step: s.stepId, pattern: abortPatternOf(g), line: abortLineOf(g) })}${s.evidence ? ` [${s.evidence.name}]` : ''}`);
  for (const s of model.steps) if ((s.status === 'FAIL' || s.status === 'INTERRUPTED') && !s.gates.some((g) => g.kind === 'abort') && s.phaseId !== 'rollback') observed.push(`${s.stepId} ${statusText(tr, s.status)}: ${failureSummary(s, tr.lang)}`);
  for (const d of model.run.decisions) observed.push(tr.t('pdf.rollback.decision', { decision: decisionKindText(tr, d.decision), actor: d.actor, at: tr.time(d.at), reason: d.reason }));
  pdf.heading(tr.t('pdf.rollback.heading'), { keep: 70 });
  pdf.table(
    [{ header: tr.t('pdf.col.trigger'), width: 0 }, { header: tr.t('pdf.col.action'), width: 140 }],
    (model.runbook.rollbackTriggers.length ? model.runbook.rollbackTriggers : [tr.t('pdf.rollback.none')]).map((t) => [t, { text: model.runbook.rollbackTriggers.length ? tr.t('pdf.rollback.action') : '' }]),
    { title: tr.t('pdf.rollback.heading') },
  );
  pdf.paragraph(observed.length ? `${tr.t('pdf.rollback.observed')}\n${observed.map((o) => `• ${o}`).join('\n')}` : tr.t('pdf.rollback.observedNone'), { size: 9 });
}

/** Every page of a document about a run says which environment it ran in; a rehearsal's also carries the diagonal mark. */
export function environmentMarks(environment: string, lang: Translator['lang'] = 'en'): Pick<Meta, 'badge' | 'watermark'> {
  const tr = translator(lang);
  return environment === 'rehearsal'
    ? { badge: { text: tr.t('pdf.environment.rehearsal'), color: COLOR.rehearsal }, watermark: tr.t('pdf.rehearsal.mark') }
    : { badge: { text: tr.t('pdf.environment.production'), color: COLOR.production } };
}

/** Renders decision.pdf for a run snapshot and its decision, in the runbook's language. Deterministic: same input, same bytes. */
export async function renderDecisionPdf(model: PackModel, decision: Decision, options: DecisionPdfOptions = {}): Promise<Buffer> {
  const tr = translator(languageOf(model));
  const rehearsal = model.run.environment === 'rehearsal';
  const env = rehearsal ? tr.t('pdf.environment.rehearsal') : tr.t('pdf.environment.production');
  const ids = { runbook: model.runbook.id, version: model.runbook.version, runId: model.run.runId, goNoGo: decision.goNoGo, status: decision.status };
  const pdf = new PdfLayout({
    title: tr.t('pdf.meta.title', { title: model.runbook.title }),
    subject: rehearsal ? tr.t('pdf.meta.subjectRehearsal', { env, ...ids }) : tr.t('pdf.meta.subject', ids),
    keywords: tr.t('pdf.meta.keywords', { environment: environmentText(tr, model.run.environment), goNoGo: decision.goNoGo, status: decision.status, runbook: model.runbook.id, runId: model.run.runId }),
    date: new Date(model.exportedAt),
    header: tr.t('pdf.meta.header', ids),
    footer: tr.t('pdf.meta.footer', { env, runId: model.run.runId, seq: model.chainHead.seq, hash: model.chainHead.hash.slice(0, 16) }),
    lang: tr.lang,
    ...environmentMarks(model.run.environment, tr.lang),
  });
  cover(pdf, tr, model, decision);
  runSection(pdf, tr, model);
  rehearsalSection(pdf, tr, model);
  requiredEvidenceSection(pdf, tr, model);
  linkedEvidenceSection(pdf, tr, model);
  preconditions(pdf, tr, model);
  timelineSection(pdf, tr, model);
  gatesSection(pdf, tr, model);
  abortGatesSection(pdf, tr, model);
  rollbackSection(pdf, tr, model);
  artifactsSection(pdf, tr, model);
  approvalsSection(pdf, tr, model);
  identitiesSection(pdf, tr, model);
  signaturesSection(pdf, tr, model, options);
  return pdf.finish();
}
