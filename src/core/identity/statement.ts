// The identity statement: the exact bytes a person signs on their own machine
// (`ssh-keygen -Y sign -n cutover-identity-v1`) to prove they hold the key registered under
// their name in this vault. Only the app's own canonical bytes are accepted: a re-formatted
// file, a duplicate key or a statement for another name, key or vault is refused.
import type { Lang } from '../../shared/i18n';
import { formatPublicKey, parsePublicKey } from '../signing';
import { canonicalJson, type Role } from '../vault';
import { identityWords } from './words';

export const IDENTITY_NAMESPACE = 'cutover-identity-v1';
export const IDENTITY_STATEMENT_FORMAT = 'cutover-identity/v1';

export interface IdentityStatement {
  format: typeof IDENTITY_STATEMENT_FORMAT;
  vault: string;
  name: string;
  roles: Role[];
  /** "TYPE BASE64", without the comment: the comment is not part of the key. */
  publicKey: string;
  fingerprint: string;
}

export function identityStatement(vaultId: string, identity: { name: string; roles: readonly Role[]; publicKey: string; fingerprint: string }): IdentityStatement {
  const key = parsePublicKey(identity.publicKey);
  return { format: IDENTITY_STATEMENT_FORMAT, vault: vaultId, name: identity.name, roles: [...identity.roles], publicKey: formatPublicKey(key.blob), fingerprint: identity.fingerprint };
}

/** The statement's bytes as the app prints them: RFC 8785 canonical JSON, no trailing newline. */
export function identityStatementText(vaultId: string, identity: Parameters<typeof identityStatement>[1]): string {
  return canonicalJson(identityStatement(vaultId, identity));
}

/** The first object key given twice in a JSON text, or null. Assumes the text parses as JSON. */
export function duplicateJsonKey(text: string): string | null {
  const stack: Array<Set<string> | null> = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
      i++;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === ',') {
      expectKey = stack.at(-1) instanceof Set;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      const keys = stack.at(-1);
      if (expectKey && keys instanceof Set) {
        const key = JSON.parse(token) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j + 1;
    } else {
      i++;
    }
  }
  return null;
}

/** Why `given` is not the expected statement, in words a person can act on (in `lang`). */
export function statementMismatch(given: Buffer, expected: string, lang: Lang = 'en'): string | null {
  if (given.equals(Buffer.from(expected, 'utf8'))) return null;
  const text = given.toString('utf8');
  const reprint = identityWords(lang, 'identity.statement.reprint');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return identityWords(lang, 'identity.statement.notJson', { reprint });
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== null) return identityWords(lang, 'identity.statement.duplicate', { key: duplicate, reprint });
  const want = JSON.parse(expected) as Record<string, unknown>;
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const got = parsed as Record<string, unknown>;
    for (const field of ['format', 'vault', 'name', 'publicKey', 'fingerprint', 'roles'] as const) {
      if (canonicalJson(got[field] ?? null) !== canonicalJson(want[field])) {
        return identityWords(lang, 'identity.statement.field', { field, got: JSON.stringify(got[field] ?? null), name: String(want.name), want: JSON.stringify(want[field]), reprint });
      }
    }
  }
  return identityWords(lang, 'identity.statement.bytes', { reprint });
}
