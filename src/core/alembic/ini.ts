// alembic.ini read the way Python's configparser reads it for Alembic: sections, `key = value`
// or `key: value`, keys case-insensitive, indented continuation lines, whole-line comments
// (# and ;), and BasicInterpolation (`%(here)s`, `%(other_key)s`, `%%`) with `here` set to
// the ini file's folder, as alembic.config.Config does.
import { translate, type Lang } from '../../shared/i18n';
import { AlembicConfigError } from './errors';

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string, path: string, lang: Lang = 'en'): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') {
      lastKey = null;
      return;
    }
    const trimmed = raw.trim();
    if (/^[#;]/.test(trimmed)) return;
    if (/^\s/.test(raw) && current && lastKey !== null) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${trimmed}`);
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(trimmed);
    if (header) {
      const name = header[1]!;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      lastKey = null;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!kv) throw new AlembicConfigError(translate(lang, 'alembic.ini.badLine', { path, line: index + 1, text: trimmed }));
    if (!current) throw new AlembicConfigError(translate(lang, 'alembic.ini.keyFirst', { path, line: index + 1 }));
    lastKey = kv[1]!.toLowerCase();
    current.set(lastKey, kv[2]!);
  });
  return sections;
}

/** A value with configparser's BasicInterpolation applied. */
export function interpolate(sections: IniSections, section: string, key: string, defaults: Record<string, string>, path: string, lang: Lang = 'en'): string | null {
  const own = sections.get(section);
  const fallback = sections.get('DEFAULT');
  const lookup = (name: string): string | undefined => own?.get(name) ?? fallback?.get(name) ?? defaults[name];
  const rawValue = lookup(key);
  if (rawValue === undefined) return null;
  const expand = (value: string, depth: number): string => {
    if (depth > 10) throw new AlembicConfigError(translate(lang, 'alembic.ini.deep', { path, section, key }));
    return value.replace(/%(%|\(([^)]+)\)s)/g, (_m, what: string, name: string | undefined) => {
      if (what === '%') return '%';
      const ref = lookup(name!.toLowerCase());
      if (ref === undefined) throw new AlembicConfigError(translate(lang, 'alembic.ini.unset', { path, section, key, name: name! }));
      return expand(ref, depth + 1);
    });
  };
  return expand(rawValue, 1);
}
