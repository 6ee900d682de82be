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
// says PRODUCTION or REHEARSAL. Same input, same bytes.
import { failureSummary, fieldText, sourceText, TEMPLATE_LABELS, scrubAddress, type Decision } from './decision';
import { scribeTimeline } from './broadcasts';
import { abortLineOf, abortPatternOf } from './gate-facts';
import type { DeclaredGate, PackModel, PackStep, RequiredEvidence } from './pack-model';
import { PDF_TEXT } from './pdf-text';
import { rehearsalSection } from './rehearsal-section';

const T = PDF_TEXT;
import { COLOR, FONT, PdfLayout, sizeText, timeText, type Cell, type Meta } from './pdf-layout';

export interface DecisionPdfOptions {
  /** The approval policy of the pack: approving signatures needed, from which role; a rejection vetoes. */
  policy?: { quorum: number; role: string; rejection?: 'veto' | string };
  /** A preview outside any pack (`cutover report decision`): says so where it explains the signatures. */
  preview?: boolean;
}

/** Commands an auditor types: small enough that each stays on one line. */
const COMMAND = { size: 6.5 };
const resultColor = (r: string) => (r === 'PASS' ? COLOR.pass : r === 'FAIL' || r === 'INTERRUPTED' || r === 'BLOCKED' ? COLOR.fail : r === 'ROLLBACK' || r === 'STOP' || r === 'SKIPPED' || r === 'WARN' ? COLOR.warn : COLOR.muted);
const statusText = (s: PackStep['status']) => (s === 'skipped' ? 'SKIPPED' : s === 'pending' ? 'not run' : s === 'running' ? 'RUNNING' : s);

function cover(pdf: PdfLayout, model: PackModel, d: Decision): void {
  pdf.titleBlock(
    d.template === 'governance' ? T.cover.governance : T.cover.goNoGo,
    model.runbook.title,
    T.cover.subtitle(`${model.runbook.id} v${model.runbook.version}`, model.run.runId, model.run.environment, timeText(model.exportedAt), model.chainHead.seq),
  );
  const go = d.goNoGo === 'GO';
  if (model.run.environment === 'rehearsal') {
    pdf.notice(PDF_TEXT.environment.rehearsal, PDF_TEXT.rehearsal.notice(d.target ?? 'targets the run does not name'), COLOR.rehearsal, [
      d.productionTarget ? PDF_TEXT.rehearsal.productionTarget(d.productionTarget) : PDF_TEXT.rehearsal.noProductionTarget,
      PDF_TEXT.rehearsal.result(d.goNoGo, d.status),
    ]);
  } else {
    const source = d.sources.authorization;
    const authorization = d.authorization ? PDF_TEXT.production.authorizationRecorded(d.authorization, source.actor ?? null, source.seq ?? null) : PDF_TEXT.production.authorizationNone;
    pdf.banner(d.goNoGo, PDF_TEXT.production.bannerDetail(d.status, authorization), go ? COLOR.pass : COLOR.fail);
  }
  pdf.paragraph(T.cover.statement, { font: FONT.bold, size: 9, color: COLOR.muted });
  pdf.paragraph(`"${d.statement}"`, { size: 9.5 });

  pdf.heading(T.cover.formal, { keep: 120 });
  pdf.keyValues(TEMPLATE_LABELS.map(([field, label]) => ({
    label,
    value: fieldText(d, field),
    note: sourceText(d.sources[field]),
    ...(field === 'status' ? { color: d.status === 'PASS' ? COLOR.pass : COLOR.fail } : {}),
    ...(field === 'authorization' && d.authorization ? { color: d.authorization === 'Approved' ? COLOR.pass : COLOR.fail } : {}),
  })).concat([{ label: T.cover.goNoGoField, value: d.goNoGo, note: sourceText(d.sources.goNoGo), color: go ? COLOR.pass : COLOR.fail }]), { labelWidth: 150 });
  // The cover is the decision alone; the evidence starts on the next page.
  pdf.newPage();
}

function runSection(pdf: PdfLayout, model: PackModel): void {
  const timeline = scribeTimeline(model);
  pdf.heading(T.run.heading, { keep: 100 });
  pdf.keyValues([
    { label: T.run.runId, value: model.run.runId, mono: true },
    { label: T.run.runbook, value: `${model.runbook.id} v${model.runbook.version} — ${model.runbook.title}` },
    { label: T.run.runbookHash, value: model.runbook.hash, mono: true },
    { label: T.run.environment, value: model.run.environment },
    { label: T.run.operator, value: model.run.operator },
    { label: T.run.started, value: timeText(model.run.startedAt) },
    { label: 'T-0', value: `${timeText(timeline.t0.at)} (${timeline.t0.label})` },
    { label: T.run.status, value: `${model.run.status}${model.run.blockedBy ? ` — blocked at ${model.run.blockedBy.stepId}: ${model.run.blockedBy.reason}` : ''}`, color: model.run.status === 'ACTIVE' || model.run.status === 'COMPLETED' ? COLOR.text : COLOR.fail },
    ...model.run.decisions.map((dd, i) => ({ label: `Decision ${i + 1}`, value: `${dd.decision} — ${dd.reason}`, note: `by ${dd.actor} at ${timeText(dd.at)}` })),
    { label: T.run.chainHead, value: `#${model.chainHead.seq} ${model.chainHead.hash}`, mono: true, note: T.run.chainHeadNote },
  ], { labelWidth: 110, size: 9 });

  if (model.targets.length) {
    pdf.heading(T.run.targets, { level: 2, keep: 40 });
    pdf.table(
      [{ header: 'Target', width: 80 }, { header: 'Kind', width: 52 }, { header: 'Address', width: 0 }, { header: 'Pinned SSH host key', width: 226, mono: true, size: 7 }],
      model.targets.map((t) => [{ text: t.name, bold: true }, t.kind, scrubAddress(t.address), t.hostKey ?? (t.kind === 'ssh' ? 'not pinned' : 'n/a')]),
      { title: 'Targets' },
    );
  }
}

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

function requiredEvidenceRow(e: RequiredEvidence, i: number): (string | Cell)[] {
  const step: Cell = e.step
    ? { text: e.step.stepId, sub: `${statusText(e.step.status)}${e.artifact ? ` · ${sizeText(e.artifact.size)}` : ''}${e.step.phaseId === 'rollback' ? ' · rollback path' : ''}` }
    : { text: '—', sub: e.artifact ? sizeText(e.artifact.size) : 'no step writes it', color: COLOR.muted };
  const n = String(i + 1);
  switch (e.status) {
    case 'present':
      return [n, { text: e.name, sub: e.artifact!.sha256, subMono: true }, { text: 'present', icon: 'check', bold: true, color: COLOR.pass, sub: e.artifact!.sha256.slice(0, 12) }, step];
    case 'incomplete':
      return [n, { text: e.name, sub: e.artifact!.sha256, subMono: true, color: COLOR.warn }, { text: 'INCOMPLETE', bold: true, color: COLOR.warn, sub: 'cut short (interrupted); kept as written' }, step];
    case 'missing':
      return [n, { text: e.name, sub: e.reason ?? undefined, color: COLOR.fail }, { text: 'MISSING', icon: 'cross', bold: true, color: COLOR.fail }, step];
    default:
      return [n, { text: e.name, sub: e.reason ?? undefined, color: COLOR.muted }, { text: 'n/a', color: COLOR.muted, sub: 'not required in this run' }, step];
  }
}

/** The runbook's evidence pack, file by file: present with its hash, or MISSING and why. */
function requiredEvidenceSection(pdf: PdfLayout, model: PackModel): void {
  const list = model.requiredEvidence;
  if (!list) return;
  pdf.heading(T.required.heading, { keep: 90 });
  if (!list.length) {
    pdf.paragraph(T.required.none, { color: COLOR.muted });
    return;
  }
  const required = list.filter((e) => e.status !== 'not-applicable');
  const present = required.filter((e) => e.status === 'present');
  const missing = required.filter((e) => e.status === 'missing');
  const incomplete = required.filter((e) => e.status === 'incomplete');
  pdf.paragraph(T.required.intro, { size: 8, color: COLOR.muted });
  const summary = present.length === required.length
    ? `All ${files(required.length)} present.`
    : `${present.length} of ${files(required.length)} present${missing.length ? `; ${missing.length} MISSING (${missing.map((e) => e.name).join(', ')})` : ''}${incomplete.length ? `; ${incomplete.length} INCOMPLETE (${incomplete.map((e) => e.name).join(', ')})` : ''}.`;
  pdf.paragraph(summary, { font: FONT.bold, size: 9, color: present.length === required.length ? COLOR.pass : COLOR.fail });
  pdf.table(
    [{ header: '#', width: 20, align: 'right' }, { header: 'Required file / SHA-256', width: 0, size: 8 }, { header: 'Status', width: 84 }, { header: 'Written by step', width: 110, size: 7.5 }],
    list.map(requiredEvidenceRow),
    { title: 'Required evidence' },
  );
}

const LINKED_KIND: Record<string, string> = { 'schema-fingerprint': 'Schema fingerprint', 'sql-preview': 'SQL preview', 'rehearsal-diff': 'Diff against rehearsal' };

/**
 * Evidence stored for this run outside its steps (`cutover pg fingerprint --run`, `cutover
 * alembic sql --run`): each file with its full SHA-256, what it is, who stored it and when.
 */
function linkedEvidenceSection(pdf: PdfLayout, model: PackModel): void {
  const list = model.linkedEvidence;
  if (!list) return;
  pdf.heading(T.linked.heading, { keep: 70 });
  if (!list.length) {
    pdf.paragraph(T.linked.none, { size: 8.5, color: COLOR.muted });
    return;
  }
  pdf.paragraph(`${files(list.length)} stored with this run's id, outside its steps. Each is in the pack as evidence/<file>; check it with sha256sum against the full SHA-256 under its name.`, { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: '#', width: 20, align: 'right' }, { header: 'File, what it is / SHA-256', width: 0, size: 8 }, { header: 'Kind', width: 84, size: 8 }, { header: 'Stored (UTC)', width: 92, size: 7.5 }],
    list.map((l, i) => [
      String(i + 1),
      { text: `${l.name}\n${l.detail}`, sub: l.sha256, subMono: true },
      { text: LINKED_KIND[l.kind] ?? l.kind, bold: true, sub: sizeText(l.size) },
      { text: timeText(l.at), sub: `by ${l.actor} · event #${l.seq}` },
    ]),
    { title: 'Schema fingerprints and SQL previews' },
  );
}

const GATE_RESULT: Record<DeclaredGate['outcome'], { text: string; color: string }> = {
  matched: { text: 'MATCHED', color: COLOR.fail },
  clear: { text: 'clear', color: COLOR.pass },
  'not-run': { text: 'not run', color: COLOR.muted },
  'not-judged': { text: 'not judged', color: COLOR.warn },
  pass: { text: 'PASS', color: COLOR.pass },
  fail: { text: 'FAIL', color: COLOR.fail },
};

/** Every abort gate the runbook declares, phase by phase: matched, watched and clear, or never watched. */
function abortGatesSection(pdf: PdfLayout, model: PackModel): void {
  if (!model.steps.some((s) => s.declaredGates)) return;
  pdf.heading(T.abortGates.heading, { keep: 90 });
  pdf.paragraph(T.abortGates.intro, { size: 8, color: COLOR.muted });
  const phases: { id: string; title: string; steps: PackStep[] }[] = [];
  for (const s of model.steps) {
    const phase = phases.find((p) => p.id === s.phaseId);
    if (phase) phase.steps.push(s);
    else phases.push({ id: s.phaseId, title: s.phaseTitle, steps: [s] });
  }
  const gatesOf = (s: PackStep) => (s.declaredGates ?? []).filter((g) => g.kind === 'abort');
  const watched = phases.filter((p) => p.steps.some((s) => gatesOf(s).length));
  if (!watched.length) {
    pdf.paragraph(T.abortGates.none, { color: COLOR.muted });
    return;
  }
  for (const phase of watched) {
    const all = phase.steps.flatMap(gatesOf);
    const count = (o: DeclaredGate['outcome']) => all.filter((g) => g.outcome === o).length;
    const parts = [`${count('matched')} matched`, ...(['clear', 'not-run', 'not-judged'] as const).filter((o) => count(o)).map((o) => `${count(o)} ${GATE_RESULT[o].text}`)];
    pdf.heading(`${phase.title} (${phase.id})`, { level: 2, keep: 50 });
    pdf.paragraph(`${all.length} abort gate${all.length === 1 ? '' : 's'} on ${phase.steps.filter((s) => gatesOf(s).length).length} step(s): ${parts.join(', ')}.`, { size: 8.5, color: count('matched') ? COLOR.fail : COLOR.text, font: count('matched') ? FONT.bold : FONT.sans });
    const rows: Cell[][] = [];
    for (const s of phase.steps) {
      gatesOf(s).forEach((g, i) => {
        const r = GATE_RESULT[g.outcome];
        rows.push([
          i === 0 ? { text: s.stepId, bold: true, sub: statusText(s.status) } : { text: s.stepId, color: COLOR.muted },
          { text: g.label ?? `/${g.pattern ?? ''}/`, bold: g.outcome === 'matched', sub: `/${g.pattern ?? ''}/ · on match: ${g.onMatch ?? 'block'}${g.level === 'warn' ? ' · level: warn (never blocks)' : ''}`, subMono: false },
          { text: r.text, bold: true, color: r.color },
          { text: g.detail ?? '', color: g.outcome === 'matched' ? COLOR.text : COLOR.muted },
        ]);
      });
    }
    pdf.table([{ header: 'Step', width: 112 }, { header: 'Abort gate', width: 150 }, { header: 'Result', width: 58 }, { header: 'Detail', width: 0, size: 7.5 }], rows, { title: `Abort gates: ${phase.title}`, zebra: false });
  }
  const quiet = phases.filter((p) => !watched.includes(p) && p.steps.some((s) => s.kind === 'check' || s.kind === 'command'));
  if (quiet.length) pdf.paragraph(`No abort gates declared in: ${quiet.map((p) => p.title).join(', ')}.`, { size: 8.5, color: COLOR.muted });
}

function preconditions(pdf: PdfLayout, model: PackModel): void {
  const steps = model.steps.filter((s) => s.phaseId === 'preconditions' || s.kind === 'attest' || s.kind === 'record');
  pdf.heading(T.preconditions.heading, { keep: 80 });
  if (!steps.length) {
    pdf.paragraph(T.preconditions.none, { color: COLOR.muted });
    return;
  }
  pdf.table(
    [{ header: 'Step', width: 112 }, { header: 'Statement / recorded values', width: 0 }, { header: 'Result', width: 46 }, { header: 'By', width: 46 }, { header: 'When (UTC)', width: 86, size: 7.5 }],
    steps.map((s) => [
      { text: s.stepId, bold: true, sub: s.phaseTitle },
      { text: `${s.statement ?? s.title}${s.values ? `\n${Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join('\n')}` : ''}`, sub: s.evidence ? `evidence: ${s.evidence.name}` : undefined },
      { text: statusText(s.status), color: resultColor(statusText(s.status)), bold: true },
      s.actor ?? '—',
      timeText(s.finishedAt),
    ]),
    { title: 'Preconditions and attestations' },
  );
}

function timelineSection(pdf: PdfLayout, model: PackModel): void {
  const timeline = scribeTimeline(model);
  pdf.heading(T.timeline.heading, { keep: 80 });
  pdf.paragraph(T.timeline.intro(timeText(timeline.t0.at), timeline.t0.label), { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: 'T', width: 50, mono: true, size: 7.5 }, { header: 'Step', width: 0 }, { header: 'Result', width: 62 }, { header: 'Timestamp (UTC)', width: 86, size: 7.5 }, { header: 'Actor', width: 52 }],
    timeline.entries.map((e) => [
      e.t,
      { text: e.stepId ? `${e.stepId} — ${e.title}` : e.title, sub: e.evidence ? `${e.evidence.name}` : undefined, bold: e.kind !== 'step' },
      { text: e.result, bold: true, color: resultColor(e.result) },
      timeText(e.at),
      e.actor ?? '—',
    ]),
    { title: 'Timeline' },
  );
  const notRun = model.steps.filter((s) => s.status === 'pending' && s.phaseId !== 'rollback');
  const rbNotRun = model.steps.filter((s) => s.status === 'pending' && s.phaseId === 'rollback');
  if (notRun.length) pdf.paragraph(`Not run: ${notRun.map((s) => s.stepId).join(', ')}.`, { size: 8.5 });
  if (rbNotRun.length && model.run.status === 'ROLLBACK') pdf.paragraph(`Rollback steps not run yet: ${rbNotRun.map((s) => s.stepId).join(', ')}.`, { size: 8.5 });
}

function gatesSection(pdf: PdfLayout, model: PackModel): void {
  const steps = model.steps.filter((s) => s.kind === 'check' || s.kind === 'command' || s.kind === 'monitor' || s.kind === 'http');
  pdf.heading(T.gates.heading, { keep: 80 });
  pdf.paragraph(T.gates.intro, { size: 8, color: COLOR.muted });
  const rows: Cell[][] = [];
  for (const s of steps) {
    const head = `${statusText(s.status)}${s.exitCode !== null ? ` · exit ${s.exitCode}` : ''}${s.target ? ` · ${s.target}` : ''}`;
    if (!s.gates.length) {
      rows.push([{ text: s.stepId, bold: true, sub: head }, { text: s.status === 'pending' ? '(not run)' : s.failure ? failureSummary(s) : 'no gates defined: result from the exit status', color: COLOR.muted }, { text: statusText(s.status), bold: true, color: resultColor(statusText(s.status)) }, { text: '' }]);
      continue;
    }
    s.gates.forEach((g, i) => {
      // A failed `level: warn` gate is a warning: shown, never blocking.
      const result = g.passed ? 'PASS' : g.level === 'warn' ? 'WARN' : 'FAIL';
      rows.push([
        i === 0 ? { text: s.stepId, bold: true, sub: head } : { text: s.stepId, color: COLOR.muted },
        { text: g.kind === 'abort' ? `abort gate /${abortPatternOf(g)}/ MATCHED` : g.gate, bold: g.kind === 'abort' },
        { text: g.kind === 'abort' && result !== 'WARN' ? 'ABORT' : result, bold: true, color: resultColor(g.kind === 'abort' && result !== 'WARN' ? 'FAIL' : result) },
        { text: g.detail },
      ]);
    });
  }
  pdf.table([{ header: 'Step', width: 112 }, { header: 'Gate', width: 170 }, { header: 'Result', width: 44 }, { header: 'Detail', width: 0 }], rows, { title: 'Gate results', zebra: false });
}

function artifactsSection(pdf: PdfLayout, model: PackModel): void {
  pdf.heading(T.artifacts.heading, { keep: 80 });
  pdf.paragraph(`${model.artifacts.length} file(s), ${sizeText(model.artifacts.reduce((n, a) => n + a.size, 0))} in all. Each is in the pack as evidence/<file>; check it with sha256sum against the full SHA-256 under its name.`, { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: '#', width: 24, align: 'right' }, { header: 'File / SHA-256', width: 0, size: 8 }, { header: 'Size', width: 66, align: 'right' }, { header: 'Step', width: 92, size: 7.5 }],
    model.artifacts.map((a, i) => [
      String(i + 1),
      { text: a.name, sub: a.sha256, subMono: true, color: a.state === 'incomplete' ? COLOR.warn : undefined },
      { text: sizeText(a.size), sub: `${a.size} bytes` },
      { text: a.stepId ?? 'runbook', sub: `${a.mediaType}${a.state === 'incomplete' ? ' · INCOMPLETE (kept as written)' : ''}` },
    ]),
    { title: 'Evidence artifacts' },
  );
}

function approvalsSection(pdf: PdfLayout, model: PackModel): void {
  pdf.heading(T.plan.heading, { keep: 70 });
  if (!model.approvals.length) {
    pdf.paragraph(T.plan.none, { color: COLOR.muted });
    return;
  }
  const roles = new Map(model.identities.map((i) => [i.name, i.roles.join(', ')]));
  const plans = model.plans;
  if (!plans) {
    // A snapshot written by hand: the approvals as the chain records them, without files.
    pdf.table(
      [{ header: 'Signer', width: 96 }, { header: 'Key fingerprint / plan SHA-256', width: 0, mono: true, size: 7 }, { header: 'Vault event', width: 60, align: 'right' }],
      model.approvals.map((a) => [{ text: a.signer, bold: true, sub: roles.get(a.signer) }, { text: a.fingerprint, sub: `plan ${a.planDigest}`, subMono: true }, `#${a.seq}`]),
      { title: T.plan.heading },
    );
    return;
  }
  pdf.paragraph(T.plan.intro, { size: 8, color: COLOR.muted });
  if (plans.length > 1) pdf.paragraph(T.plan.several(plans.length), { size: 8.5 });
  for (const p of plans) {
    pdf.paragraph(T.plan.version(p.version, p.path), { font: FONT.bold, size: 9 });
    pdf.code([{ n: null, text: T.plan.command(p.dir) }], COMMAND);
    pdf.table(
      [{ header: 'Signer', width: 90 }, { header: 'Approval file / key fingerprint', width: 0, size: 7.5 }, { header: 'Event', width: 50, align: 'right' }],
      p.approvals.map((a) => [{ text: a.signer, bold: true, sub: roles.get(a.signer) }, { text: a.path, mono: true, sub: a.fingerprint, subMono: true }, `#${a.seq}`]),
      { title: T.plan.version(p.version, p.path) },
    );
    pdf.paragraph(`plan SHA-256 ${p.sha256}`, { font: FONT.mono, size: 7.5 });
  }
  pdf.paragraph(T.plan.digest, { size: 8, color: COLOR.muted });
}

function identitiesSection(pdf: PdfLayout, model: PackModel): void {
  pdf.heading(T.people.heading, { keep: 70 });
  pdf.paragraph(T.people.intro, { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: 'Identity', width: 90 }, { header: 'Roles', width: 70 }, { header: 'Key fingerprint', width: 226, mono: true, size: 7 }, { header: 'In this run', width: 0 }],
    model.identities.map((i) => {
      const did = [
        i.name === model.run.operator ? 'operator' : null,
        model.steps.some((s) => s.actor === i.name && s.kind === 'attest') ? 'attested' : null,
        model.steps.some((s) => s.actor === i.name && s.kind !== 'attest') && i.name !== model.run.operator ? 'ran steps' : null,
        model.approvals.some((a) => a.signer === i.name) ? 'approved the plan' : null,
      ].filter(Boolean);
      return [{ text: i.name, bold: true }, i.roles.join(', '), i.fingerprint, did.join(', ') || '—'];
    }),
    { title: 'People and keys' },
  );
}

function signaturesSection(pdf: PdfLayout, model: PackModel, options: DecisionPdfOptions): void {
  const role = options.policy?.role ?? 'approver';
  const approvers = model.identities.filter((i) => (i.roles as readonly string[]).includes(role) && i.name !== model.run.operator);
  pdf.heading(T.signatures.heading, { keep: 150 });
  if (options.policy) pdf.paragraph(T.signatures.policy(options.policy.quorum, options.policy.role, approvers.map((a) => a.name), model.run.operator, options.policy.rejection === 'veto'), { size: 9 });
  pdf.paragraph(T.signatures.files, { size: 8.5 });
  pdf.paragraph(T.signatures.commands, { size: 8.5 });
  pdf.code([T.signatures.manifestCommand, T.signatures.verdictCommand, T.signatures.packCommand].map((text) => ({ n: null, text })), COMMAND);
  pdf.paragraph(T.signatures.status, { size: 8.5, font: FONT.bold });
  if (options.preview) pdf.paragraph(T.signatures.preview, { size: 8.5, color: COLOR.warn });
  pdf.heading(T.signatures.eligibleHeading, { level: 2, keep: 40 });
  if (!approvers.length) {
    pdf.paragraph(T.signatures.eligibleNone, { size: 8.5, color: COLOR.muted });
    return;
  }
  pdf.table(
    [{ header: 'Identity', width: 90 }, { header: 'Roles', width: 80 }, { header: 'Key fingerprint', width: 0, mono: true, size: 7 }],
    approvers.map((a) => [{ text: a.name, bold: true }, a.roles.join(', '), a.fingerprint]),
    { title: T.signatures.eligibleHeading },
  );
}

function rollbackSection(pdf: PdfLayout, model: PackModel): void {
  const observed: string[] = [];
  for (const s of model.steps) for (const g of s.gates) if (g.kind === 'abort') observed.push(`${s.stepId}: abort gate /${abortPatternOf(g)}/ matched — ${abortLineOf(g)}${s.evidence ? ` [${s.evidence.name}]` : ''}`);
  for (const s of model.steps) if ((s.status === 'FAIL' || s.status === 'INTERRUPTED') && !s.gates.some((g) => g.kind === 'abort') && s.phaseId !== 'rollback') observed.push(`${s.stepId} ${s.status}: ${failureSummary(s)}`);
  for (const d of model.run.decisions) observed.push(`Decision ${d.decision} by ${d.actor} at ${timeText(d.at)}: ${d.reason}`);
  pdf.heading(T.rollback.heading, { keep: 70 });
  pdf.table(
    [{ header: 'Trigger (runbook)', width: 0 }, { header: 'Action', width: 140 }],
    (model.runbook.rollbackTriggers.length ? model.runbook.rollbackTriggers : [T.rollback.none]).map((t) => [t, { text: model.runbook.rollbackTriggers.length ? T.rollback.action : '' }]),
    { title: 'Rollback triggers' },
  );
  pdf.paragraph(observed.length ? T.rollback.observed(observed) : T.rollback.observedNone, { size: 9 });
}

/** Every page of a document about a run says which environment it ran in; a rehearsal's also carries the diagonal mark. */
export function environmentMarks(environment: string): Pick<Meta, 'badge' | 'watermark'> {
  return environment === 'rehearsal'
    ? { badge: { text: PDF_TEXT.environment.rehearsal, color: COLOR.rehearsal }, watermark: PDF_TEXT.rehearsal.mark }
    : { badge: { text: PDF_TEXT.environment.production, color: COLOR.production } };
}

/** Renders decision.pdf for a run snapshot and its decision. Deterministic: same input, same bytes. */
export async function renderDecisionPdf(model: PackModel, decision: Decision, options: DecisionPdfOptions = {}): Promise<Buffer> {
  const rehearsal = model.run.environment === 'rehearsal';
  const env = rehearsal ? PDF_TEXT.environment.rehearsal : PDF_TEXT.environment.production;
  const pdf = new PdfLayout({
    title: `Decision record: ${model.runbook.title}`,
    subject: `${rehearsal ? `${env}: ` : ''}${decision.goNoGo} (status ${decision.status}) for run ${model.run.runId} of ${model.runbook.id} v${model.runbook.version}`,
    keywords: `cutover, decision, ${model.run.environment}, ${decision.goNoGo}, ${decision.status}, ${model.runbook.id}, ${model.run.runId}`,
    date: new Date(model.exportedAt),
    header: `Decision record — ${model.runbook.id} v${model.runbook.version} — run ${model.run.runId} — ${decision.goNoGo} (${decision.status})`,
    footer: `Cutover Workstation · ${env} · run ${model.run.runId} · chain head #${model.chainHead.seq} ${model.chainHead.hash.slice(0, 16)}…`,
    ...environmentMarks(model.run.environment),
  });
  cover(pdf, model, decision);
  runSection(pdf, model);
  rehearsalSection(pdf, model);
  requiredEvidenceSection(pdf, model);
  linkedEvidenceSection(pdf, model);
  preconditions(pdf, model);
  timelineSection(pdf, model);
  gatesSection(pdf, model);
  abortGatesSection(pdf, model);
  rollbackSection(pdf, model);
  artifactsSection(pdf, model);
  approvalsSection(pdf, model);
  identitiesSection(pdf, model);
  signaturesSection(pdf, model, options);
  return pdf.finish();
}
