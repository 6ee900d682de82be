// Finding and reading an Alembic project without Python: alembic.ini (script_location,
// version_locations), then every revision file in the order Alembic 1.8 loads them. That order
// matters: Alembic keeps revisions in load order and uses it to list heads and to order
// several upgrade targets. Alembic 1.8 takes os.listdir() order (the directory's own order,
// not sorted); later releases sort file names. `fileOrder` chooses; the default matches the
// Alembic this workstation runs (1.8, Debian's python3-alembic).
import { existsSync, opendirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { translate, type Lang } from '../../shared/i18n';
import { AlembicConfigError } from './errors';
import { interpolate, parseIni } from './ini';
import { functionSource, PythonReadError, readModuleHeader, type PyLiteral } from './python-source';
import type { AlembicFinding, AlembicProjectConfig, RevisionScript } from './types';

export type FileOrder = 'directory' | 'name';

export interface ReadScriptsOptions {
  /** The ini section holding the settings (alembic's --name); default "alembic". */
  section?: string;
  /** 'directory' (os.listdir order, Alembic 1.8) or 'name' (sorted, newer Alembic). */
  fileOrder?: FileOrder;
  /** The language of the refusals and of the unreadable files' findings (default English). */
  lang?: Lang;
}

export interface ScriptDirectoryContents {
  config: AlembicProjectConfig;
  /** The revisions Alembic would load, in its load order. */
  scripts: RevisionScript[];
  /** Files that could not be read (one finding each). */
  findings: AlembicFinding[];
}

// alembic/script/base.py: _only_source_rev_file and _legacy_rev.
const REVISION_FILE = /^(?!\.#|__init__)(.*\.py)$/;
const LEGACY_REVISION_FILE = /^([a-f0-9]+)\.py$/;
const HEADER_NAMES = ['revision', 'down_revision', 'branch_labels', 'depends_on'] as const;

/**
 * Where the project is: an alembic.ini file, a folder holding alembic.ini, or a script
 * directory itself (a folder with versions/ or env.py). Throws AlembicConfigError.
 */
export function locateProject(location: string, options: ReadScriptsOptions = {}): AlembicProjectConfig {
  const lang = options.lang ?? 'en';
  const path = resolve(location);
  if (!existsSync(path)) throw new AlembicConfigError(translate(lang, 'alembic.config.missing', { location }));
  const stat = statSync(path);
  if (stat.isFile()) return fromIni(path, options.section ?? 'alembic', lang);
  if (existsSync(join(path, 'alembic.ini'))) return fromIni(join(path, 'alembic.ini'), options.section ?? 'alembic', lang);
  if (existsSync(join(path, 'versions')) || existsSync(join(path, 'env.py'))) {
    return { iniPath: null, projectDir: dirname(path), scriptLocation: path, versionLocations: [join(path, 'versions')] };
  }
  throw new AlembicConfigError(translate(lang, 'alembic.config.notProject', { location }));
}

function fromIni(iniPath: string, section: string, lang: Lang): AlembicProjectConfig {
  let text: string;
  try {
    text = readFileSync(iniPath, 'utf8');
  } catch (error) {
    throw new AlembicConfigError(translate(lang, 'alembic.config.unreadable', { path: iniPath, message: (error as Error).message }), { cause: error });
  }
  const here = dirname(iniPath);
  const sections = parseIni(text, iniPath, lang);
  if (!sections.has(section)) throw new AlembicConfigError(translate(lang, 'alembic.config.noSection', { path: iniPath, section }));
  const get = (key: string) => interpolate(sections, section, key, { here }, iniPath, lang);
  const location = get('script_location')?.trim();
  if (!location) throw new AlembicConfigError(translate(lang, 'alembic.config.noLocation', { path: iniPath, section }));
  // Alembic resolves relative paths against the folder it runs in; runbooks run it beside
  // alembic.ini, so that folder is where relative paths start here.
  const scriptLocation = resolveLocation(location, here, iniPath, lang);
  if (!existsSync(scriptLocation)) throw new AlembicConfigError(translate(lang, 'alembic.config.locationMissing', { path: iniPath, location, resolved: scriptLocation }));
  const raw = get('version_locations');
  let versionLocations: string[];
  if (raw && raw.trim()) {
    const separator = get('version_path_separator');
    const splitters: Record<string, RegExp | string> = { space: ' ', os: ':', ':': ':', ';': ';' };
    let parts: string[];
    if (separator === null) parts = raw.split(/, *| +/);
    else if (separator in splitters) parts = raw.split(splitters[separator]!);
    else throw new AlembicConfigError(translate(lang, 'alembic.config.separator', { path: iniPath, separator }));
    versionLocations = parts.map((p) => p.trim()).filter((p) => p.length > 0).map((p) => resolveLocation(p, here, iniPath, lang)).filter((p) => existsSync(p));
  } else {
    versionLocations = [join(scriptLocation, 'versions')];
  }
  return { iniPath, projectDir: here, scriptLocation, versionLocations };
}

function resolveLocation(value: string, here: string, iniPath: string, lang: Lang): string {
  if (!isAbsolute(value) && value.includes(':')) {
    // "package:folder" names a Python package resource. Without Python, try it as a path
    // beside the ini (the usual layout), and say so plainly otherwise.
    const asPath = join(here, ...value.split(':'));
    if (existsSync(asPath)) return asPath;
    throw new AlembicConfigError(translate(lang, 'alembic.config.packageResource', { path: iniPath, value, asPath: value.split(':').join('/') }));
  }
  return resolve(here, value);
}

/** File names in one folder, in the order Alembic would see them. */
function listFolder(folder: string, order: FileOrder): string[] {
  // os.listdir() order is readdir(3) order: Node's readdirSync sorts (libuv scandir), opendir does not.
  const names: string[] = [];
  const dir = opendirSync(folder);
  try {
    for (let e = dir.readSync(); e; e = dir.readSync()) names.push(e.name);
  } finally {
    dir.closeSync();
  }
  return order === 'name' ? names.sort() : names;
}

export function readScriptDirectory(location: string, options: ReadScriptsOptions = {}): ScriptDirectoryContents {
  const config = locateProject(location, options);
  const order = options.fileOrder ?? 'directory';
  const lang = options.lang ?? 'en';
  const scripts: RevisionScript[] = [];
  const findings: AlembicFinding[] = [];
  const seen = new Set<string>();
  for (const folder of config.versionLocations) {
    let names: string[];
    try {
      names = listFolder(folder, order);
    } catch (error) {
      throw new AlembicConfigError(translate(lang, 'alembic.config.listFolder', { folder, message: (error as Error).message }), { cause: error });
    }
    for (const name of names) {
      if (!REVISION_FILE.test(name)) continue;
      const path = join(folder, name);
      let real = path;
      try {
        real = realpathSync(path);
      } catch {
        // a dangling symlink: reading it below reports it
      }
      if (seen.has(real)) continue;
      seen.add(real);
      const result = readRevisionFile(path, name, lang);
      if ('finding' in result) findings.push(result.finding);
      else scripts.push(result.script);
    }
  }
  return { config, scripts, findings };
}

/**
 * `broken`: Alembic would fail on the file too. `dynamic`: valid Python whose header is computed,
 * which Alembic may load but this reader does not evaluate (it never runs project code).
 */
function unreadableFile(lang: Lang, path: string, why: string, line?: number, kind: 'broken' | 'dynamic' = 'broken'): { finding: AlembicFinding } {
  const consequence = translate(lang, kind === 'broken' ? 'alembic.file.broken' : 'alembic.file.dynamic');
  return {
    finding: {
      code: 'unreadable-revision-file',
      severity: 'error',
      message: line ? translate(lang, 'alembic.file.unreadableAt', { path, line, why, consequence }) : translate(lang, 'alembic.file.unreadable', { path, why, consequence }),
      details: { path, reason: why, kind, ...(line ? { line } : {}) },
    },
  };
}

function decode(bytes: Buffer): string {
  // PEP 263: a coding cookie in the first two lines; UTF-8 otherwise.
  const head = bytes.subarray(0, 400).toString('latin1').split('\n').slice(0, 2);
  const cookie = head.map((l) => /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(l)).find((m) => m);
  const encoding = (cookie?.[1] ?? 'utf-8').toLowerCase().replace(/_/g, '-');
  const label = ['latin-1', 'iso-8859-1', 'latin1', 'iso8859-1'].includes(encoding) ? 'latin1' : encoding;
  return new TextDecoder(label, { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
}

function asIds(value: PyLiteral, what: string, lang: Lang): string[] {
  if (value === null) return [];
  if (typeof value === 'string') return [value];
  return value.map((item) => {
    if (typeof item !== 'string') throw new Error(translate(lang, item === null ? 'alembic.file.holdsNone' : 'alembic.file.holdsNested', { name: what }));
    return item;
  });
}

/** Why a revision file cannot be read, in words of its own (no value inside). */
type FileReason = 'alembic.file.notRegular' | 'alembic.file.permission' | 'alembic.file.cannotOpen' | 'alembic.file.unknownEncoding'
  | 'alembic.file.badBytes' | 'alembic.file.noRevision' | 'alembic.file.revisionNotString' | 'alembic.file.noDownRevision';

function readRevisionFile(path: string, name: string, lang: Lang): { script: RevisionScript } | { finding: AlembicFinding } {
  const unreadable = (why: string, line?: number, kind?: 'broken' | 'dynamic') => unreadableFile(lang, path, why, line, kind);
  const say = (key: FileReason) => translate(lang, key);
  let source: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return unreadable(say('alembic.file.notRegular'));
    source = decode(readFileSync(path));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EACCES' || e.code === 'EPERM') return unreadable(say('alembic.file.permission'));
    if (e.code === 'ENOENT') return unreadable(say('alembic.file.cannotOpen'));
    if (e instanceof RangeError) return unreadable(say('alembic.file.unknownEncoding'));
    if (e instanceof TypeError) return unreadable(say('alembic.file.badBytes'));
    return unreadable(e.message);
  }
  let header;
  try {
    header = readModuleHeader(source, HEADER_NAMES, lang);
  } catch (error) {
    if (error instanceof PythonReadError) return unreadable(translate(lang, 'alembic.file.notPython', { problem: error.message }), error.line);
    throw error;
  }
  const get = (key: string) => header.assignments.get(key);
  let revision: string;
  const rev = get('revision');
  if (!rev) {
    const legacy = LEGACY_REVISION_FILE.exec(name);
    if (!legacy) return unreadable(say('alembic.file.noRevision'));
    revision = legacy[1]!;
  } else if (rev.value === undefined) {
    return unreadable(translate(lang, 'alembic.file.notLiteral', { name: 'revision', problem: rev.problem ?? '' }), rev.line, 'dynamic');
  } else if (typeof rev.value !== 'string') {
    return unreadable(say('alembic.file.revisionNotString'), rev.line);
  } else {
    revision = rev.value;
  }
  const down = get('down_revision');
  if (!down) return unreadable(say('alembic.file.noDownRevision'));
  if (down.value === undefined) return unreadable(translate(lang, 'alembic.file.notLiteral', { name: 'down_revision', problem: down.problem ?? '' }), down.line, 'dynamic');
  let downRevisions: string[];
  let branchLabels: string[] = [];
  let dependsOn: string[] = [];
  try {
    // tuple_rev_as_scalar: None, "" and () are all "no down revision".
    downRevisions = asIds(down.value, 'down_revision', lang);
    if (downRevisions.length === 1 && downRevisions[0] === '') downRevisions = [];
    for (const [key, set] of [['branch_labels', (v: string[]) => (branchLabels = v)], ['depends_on', (v: string[]) => (dependsOn = v)]] as const) {
      const a = get(key);
      if (!a) continue;
      if (a.value === undefined) return unreadable(translate(lang, 'alembic.file.notLiteral', { name: key, problem: a.problem ?? '' }), a.line, 'dynamic');
      set(asIds(a.value, key, lang));
    }
  } catch (error) {
    return unreadable((error as Error).message);
  }
  let widens: number | 'unbounded' | null = null;
  try {
    if (/alembic_version/.test(source)) widens = detectVersionNumWidening(functionSource(source, 'upgrade') ?? '');
  } catch {
    widens = null;
  }
  return { script: { revision, downRevisions, branchLabels, dependsOn, path, doc: header.doc, widensVersionNumTo: widens } };
}

const SQL_WIDEN = /alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:"?\w+"?\s*\.\s*)?"?alembic_version"?\s+alter\s+(?:column\s+)?"?version_num"?\s+(?:set\s+data\s+)?type\s+(varchar|character\s+varying|text)\s*(?:\(\s*(\d+)\s*\))?/gi;
const OP_WIDEN = /alter_column\(\s*['"]alembic_version['"]\s*,\s*['"]version_num['"]([\s\S]{0,400})/g;
const OP_TYPE = /(?:^|[\s,(])type_\s*=\s*(?:\w+\.)*(String|VARCHAR|Unicode|Text|UnicodeText|TEXT)\s*\(\s*(?:length\s*=\s*)?(\d*)/;

/**
 * The width an upgrade() visibly widens alembic_version.version_num to, read from its source
 * (raw ALTER TABLE or op.alter_column); null when it does not.
 */
export function detectVersionNumWidening(upgradeSource: string): number | 'unbounded' | null {
  let best: number | 'unbounded' | null = null;
  const take = (width: number | 'unbounded') => {
    if (best === 'unbounded') return;
    if (width === 'unbounded' || best === null || width > best) best = width;
  };
  for (const m of upgradeSource.matchAll(SQL_WIDEN)) {
    if (/^text$/i.test(m[1]!) || !m[2]) take('unbounded');
    else take(Number(m[2]));
  }
  for (const m of upgradeSource.matchAll(OP_WIDEN)) {
    const t = OP_TYPE.exec(m[1]!);
    if (!t) continue;
    if (/text/i.test(t[1]!) || !t[2]) take('unbounded');
    else take(Number(t[2]));
  }
  return best;
}
