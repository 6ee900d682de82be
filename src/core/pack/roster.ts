// An OpenSSH allowed_signers roster (ssh-keygen(1), "ALLOWED SIGNERS"), read the way stock
// `ssh-keygen -Y verify` reads it, so the app and an auditor's shell agree on whose key counts:
// principals and namespaces are pattern-lists, option values are double-quoted, option names
// are case-insensitive, valid-after / valid-before bound the time a key may sign, and an
// option ssh-keygen does not know makes the line unusable. cert-authority lines are refused:
// a pack's signatures are plain keys, never certificates.
import { parsePublicKey } from '../signing/keys';

export interface AllowedSigner {
  /** One principal pattern of the line (a plain name, or an ssh_config(5) pattern such as gov*). */
  principal: string;
  /** The line's whole principals pattern-list (negations apply across it, as in ssh-keygen). */
  principals: string[];
  /** "type base64", without a comment. */
  publicKey: string;
  fingerprint: string;
  /** Namespace patterns; null: every namespace (no namespaces= option). */
  namespaces: string[] | null;
  /** valid-after / valid-before as ISO times; null when the line has none. */
  validAfter: string | null;
  validBefore: string | null;
  /** 1-based line in its file. */
  line: number;
}

export interface ParsedAllowedSigners {
  signers: AllowedSigner[];
  /** Lines that were skipped, each saying why (as "allowed_signers line N: …"). */
  problems: string[];
}

/**
 * ssh_config(5) PATTERNS: `*` any run, `?` one character; a list matches when some entry does
 * and no `!`-negated entry does.
 */
export function matchPatternList(value: string, list: string[]): boolean {
  let matched = false;
  for (const raw of list) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    if (re.test(value)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * A valid-after / valid-before timestamp: YYYYMMDD or YYYYMMDDHHMM[SS], in the system's time
 * zone unless it ends in Z (UTC), as ssh-keygen(1) reads it. A date alone is its midnight.
 */
export function parseRosterTime(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const date = m[7] ? new Date(Date.UTC(year, month - 1, day, hour, minute, second)) : new Date(year, month - 1, day, hour, minute, second);
  // Reject what a calendar does not have (month 13, 31 February, 25:00), as strptime does.
  const parts = m[7] ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()] : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  if (parts.join() !== [year, month, day, hour, minute, second].join()) return null;
  return date;
}

/** Splits off the options field of a line (quoted values may hold spaces). */
function splitOptions(rest: string): { options: string; key: string } | null {
  let i = 0;
  let quoted = false;
  for (; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && /\s/.test(c)) break;
  }
  if (quoted) return null;
  return { options: rest.slice(0, i), key: rest.slice(i).trim() };
}

interface LineOptions {
  namespaces: string[] | null;
  validAfter: string | null;
  validBefore: string | null;
}

/** The options of one line, or why the line cannot be used. */
function parseOptions(field: string): LineOptions | string {
  const out: LineOptions = { namespaces: null, validAfter: null, validBefore: null };
  for (const option of field.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const eq = option.indexOf('=');
    const name = (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? null : option.slice(eq + 1);
    if (name === 'cert-authority') return 'cert-authority lines are not supported (a pack\'s signatures are plain keys, not certificates); list each signer\'s own key';
    if (name !== 'namespaces' && name !== 'valid-after' && name !== 'valid-before') return `unknown option "${option}" (ssh-keygen accepts only cert-authority, namespaces, valid-after and valid-before), so ssh-keygen would not use this line either`;
    if (raw === null || !/^"[^"]*"$/.test(raw)) return `${name} needs a value in double quotes, e.g. ${name}="${name === 'namespaces' ? 'cutover-decision-v1' : '20270101Z'}" (ssh-keygen refuses it unquoted)`;
    const value = raw.slice(1, -1);
    if (name === 'namespaces') {
      out.namespaces = value.split(',').map((n) => n.trim());
      continue;
    }
    const at = parseRosterTime(value);
    if (!at) return `${name}="${value}" is not a time in the form YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]`;
    if (name === 'valid-after') out.validAfter = at.toISOString();
    else out.validBefore = at.toISOString();
  }
  return out;
}

/** Parses an allowed_signers file; `name` is how problems refer to it. Unusable lines are skipped and said. */
export function parseAllowedSigners(text: string, name = 'allowed_signers'): ParsedAllowedSigners {
  const signers: AllowedSigner[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${name} line ${i + 1}`;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    if (!m) {
      problems.push(`${where}: expected "PRINCIPALS [OPTIONS] KEYTYPE BASE64"`);
      return;
    }
    let rest = m[2]!;
    let options: LineOptions = { namespaces: null, validAfter: null, validBefore: null };
    if (!/^(ssh-|ecdsa-|sk-)/.test(rest)) {
      const split = splitOptions(rest);
      if (!split) {
        problems.push(`${where}: unbalanced quotes in the options`);
        return;
      }
      const parsed = parseOptions(split.options);
      if (typeof parsed === 'string') {
        problems.push(`${where}: ${parsed}`);
        return;
      }
      options = parsed;
      rest = split.key;
    }
    let key;
    try {
      key = parsePublicKey(rest);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      return;
    }
    const principals = m[1]!.split(',');
    for (const principal of principals) {
      if (principal.startsWith('!')) continue;
      signers.push({ principal, principals, publicKey: `${key.type} ${key.blob.toString('base64')}`, fingerprint: key.fingerprint, ...options, line: i + 1 });
    }
  });
  return { signers, problems };
}

/** Whether the line names `identity` (its principal pattern matches, as with `ssh-keygen -I`). */
export function namesIdentity(signer: AllowedSigner, identity: string): boolean {
  return matchPatternList(identity, signer.principals);
}

/** Whether the line lets its key sign in `namespace`. */
export function allowsNamespace(signer: AllowedSigner, namespace: string): boolean {
  return signer.namespaces === null || matchPatternList(namespace, signer.namespaces);
}

/** Why the line does not let its key sign at `at` (ssh-keygen's "key has expired" / "not yet valid"), or null. */
export function outsideValidity(signer: AllowedSigner, at: Date): string | null {
  if (signer.validAfter && at.getTime() < Date.parse(signer.validAfter)) return `the key is not yet valid at ${at.toISOString()} (valid-after ${signer.validAfter})`;
  if (signer.validBefore && at.getTime() > Date.parse(signer.validBefore)) return `the key has expired at ${at.toISOString()} (valid-before ${signer.validBefore})`;
  return null;
}
