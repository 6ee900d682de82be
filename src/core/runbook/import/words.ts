// The words runbooks use, in English and Spanish: what a section is about, what a lead-in line
// ("Expected:", "Abort gate:") announces, whether a command only reads or changes something,
// and where its output is written. Pure functions over text.

export type SectionRole = 'preconditions' | 'rollback' | 'evidence' | 'decision' | 'about' | 'phase';
export type ListMode = 'steps' | 'expect' | 'abort' | 'evidence' | 'triggers' | 'attest';

const ROLE_WORDS: Array<[SectionRole, RegExp]> = [
  ['evidence', /\b(evidence|evidencias?|required artifacts|artefactos requeridos)\b/i],
  ['rollback', /\b(rollback|roll back|revert|reversi[oó]n|containment|contenci[oó]n|recuperaci[oó]n|marcha atr[aá]s|vuelta atr[aá]s)\b/i],
  ['preconditions', /\b(pre-?conditions?|precondiciones|prerequisites?|pre-?requisitos?|requisitos previos)\b/i],
  ['decision', /\b(formal decision|decision template|plantilla de decisi[oó]n|decisi[oó]n formal)\b/i],
  ['about', /\b(status|estado|objective|objetivo|scope|alcance|environment|entorno|governance notes|notes|notas|roles|rules|reglas|communication|comunicaci[oó]n|channels|canales|cadence|cadencia|timeline|cronograma|war room|routine|rutina|tools|herramientas)\b/i],
];

/** What a section is, from its heading. */
export function sectionRole(title: string): SectionRole {
  for (const [role, words] of ROLE_WORDS) if (words.test(title)) return role;
  return 'phase';
}

/** What the list after a lead-in paragraph holds, or undefined when the paragraph announces nothing. */
export function leadMode(text: string): ListMode | undefined {
  const t = text.replace(/[*_]/g, '').trim();
  if (/^(abort gates?|compuertas? de aborto|condiciones de aborto|failure policy|pol[ií]tica de fallos?)\b/i.test(t)) return 'abort';
  if (/^(required artifacts|artefactos requeridos|evidence|evidencias?)\b/i.test(t)) return 'evidence';
  if (/^(triggers?|disparadores|activadores)\b/i.test(t)) return 'triggers';
  if (/^(steps|pasos)\s*:/i.test(t)) return 'steps';
  if (/^(expected|esperado|resultado esperado|pass criteria|criterios? de (aceptaci[oó]n|[eé]xito)|checkpoint criteria|success criteria|expected result|expected behaviou?r|the script verifies|el script verifica)\b/i.test(t)) return 'expect';
  if (/^(all must be true|todas? deben cumplirse)/i.test(t)) return 'attest';
  return undefined;
}

/** "If any phase abort gate triggers:" — a condition that starts the rollback. */
export function isTriggerSentence(text: string): boolean {
  return /^(if|when|si|cuando)\b/i.test(text.replace(/[*_]/g, '').trim());
}

/** "Any missing precondition => STOP" / "… => ALTO". */
export function isStopRule(text: string): boolean {
  return /(=>|->|→)\s*(stop|alto|detener|parar)\b/i.test(text);
}

const EXECUTABLES = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:sudo\s+)?(python3?|py|bash|sh|pwsh|powershell|alembic|docker(?:-compose)?|kubectl|helm|psql|pg_dump|pg_restore|pg_basebackup|pg_ctl|mysql|mysqldump|curl|wget|systemctl|service|make|npm|npx|node|git|sx_db|ssh|scp|rsync|terraform|ansible-playbook|\.{0,2}\/?[\w./-]+\.(?:sh|py|ps1|sql))(\s|$)/;
const HTTP = /^(GET|HEAD|POST|PUT|PATCH|DELETE)\s+(\S+)/;

/** A code span or code line that is something to run (not a name, a value or a path). */
export function isCommand(code: string): boolean {
  const c = code.trim();
  return HTTP.test(c) || EXECUTABLES.test(c);
}

/** An HTTP endpoint path written alone, like `/api/health` or `/docs`. */
export function isEndpointPath(code: string): boolean {
  return /^\/[\w\-./{}?=<>&%]*$/.test(code.trim()) && !/\.(sh|py|ps1|sql|md|log|txt)$/.test(code.trim());
}

export function httpRequest(code: string): { method: string; path: string } | undefined {
  const m = HTTP.exec(code.trim());
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

const MUTATING = /(\bupgrade\b|\bdowngrade\b|\bstamp\b|\balter\b|\binsert\b|\bupdate\b|\bdelete\b|\bdrop\b|\bcreate\b|\btruncate\b|\bgrant\b|\brevoke\b|^(POST|PUT|PATCH|DELETE)\b|-X\s*(POST|PUT|PATCH|DELETE)|\bup\b|\bapply\b|\brestart\b|\brestore\b|\bimport\b|\bbootstrap\b|correction|\bmigrat|\bdeploy\b|\brollout\b|\bscale\b|\bpromote\b|\bfailover\b|\bsed -i\b|\brm\b|\bmv\b)/i;
const READ_ONLY_TOOL = /(\balembic\b.*\b(heads|history|current|check|show|branches)\b|^(GET|HEAD)\b|\bselect\b|pg_dump\b.*--schema-only|\bcurl\b(?!.*-X\s*(POST|PUT|PATCH|DELETE)))/i;
const READ_ONLY_WORDS = /(verify|verif|check|precheck|validat|valida|health|salud|smoke|status|estado|parity|paridad|forensic|fks|inspect|report|detect|list|show|diff|dry-run|--dry)/i;

/** check: only reads; command: changes something (and so needs approval). Unknown counts as changing. */
export function commandKind(command: string, title: string): 'check' | 'command' {
  if (MUTATING.test(command)) return 'command';
  if (READ_ONLY_TOOL.test(command)) return 'check';
  if (MUTATING.test(title)) return 'command';
  if (READ_ONLY_WORDS.test(command) || READ_ONLY_WORDS.test(title)) return 'check';
  return 'command';
}

const TEE_OBJECT = /\s*(?:\*>&1|2>&1)?\s*\|\s*Tee-Object\s+(?:-FilePath\s+)?(?:"([^"]+)"|'([^']+)'|(\S+))/i;
const TEE = /\s*(?:2>&1)?\s*\|\s*tee\s+(?:-a\s+)?(?:"([^"]+)"|'([^']+)'|(\S+))/;
const REDIRECT = /\s*(?:2>&1\s*)?(?<![0-9&*])>>?\s*(?:"([^"]+)"|'([^']+)'|([^\s&|]+))(?:\s*2>&1)?/;

/** The command without the part that saves its output, and the evidence file that part named. */
export function splitEvidence(line: string): { run: string; evidence?: string; file?: string } {
  for (const re of [TEE_OBJECT, TEE, REDIRECT]) {
    const m = re.exec(line);
    if (!m) continue;
    const file = m[1] ?? m[2] ?? m[3] ?? '';
    if (!/\.\w{1,8}$/.test(file)) continue;
    return { run: (line.slice(0, m.index) + line.slice(m.index + m[0].length)).trim(), evidence: fileName(file), file };
  }
  return { run: line.trim() };
}

/** "..\tmp\prod_heads.log" → "prod_heads.log". */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export const EVIDENCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** "T-60", "T+30", "T-15 min", "T+72h" → the format's offset ("T-60", "T+72h"). */
export function findOffset(text: string): string | undefined {
  const m = /\bT\s*([+\-−–])\s*(\d+)\s*(h|min|m)?\b/.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '+' ? '+' : '-';
  return `T${sign}${m[2]}${m[3] === 'h' ? 'h' : ''}`;
}

/** "Phase P0 — Preflight" / "Fase F1" → "P0". */
export function findPhaseId(text: string): string | undefined {
  return /\b(?:phase|fase)\s+([A-Za-z]?\d[\w.-]*|[A-Z])\b/i.exec(text)?.[1];
}

/** An id from any text: accents dropped ("verificación" → "verificacion"), lower case, dashes. */
export function slug(text: string, max = 48): string {
  const s = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '');
}

/** Lower-case word stems (first 4 letters) for matching an expectation to the step it is about. */
export function stems(text: string): Set<string> {
  const words = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3 || /\d/.test(w));
  return new Set(words.map((w) => w.slice(0, 4)));
}

/** Text with Markdown emphasis and trailing lead-in colons removed. */
export function plain(text: string): string {
  return text.replace(/\*\*|__/g, '').replace(/(^|\s)[*_]([^*_]+)[*_](?=\s|$|[.,:;])/g, '$1$2').trim();
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
