// Paths the window may read or write are the ones main's own file dialogs returned: a dialog's
// answer is kept here under a random token, and the renderer hands back the token, never a path.
// A compromised or confused renderer therefore cannot name /etc/passwd or ~/.ssh/authorized_keys.
import { randomUUID } from 'node:crypto';
import { english, worded } from './worded';

export type GrantPurpose = 'runbook' | 'plan' | 'key' | 'pack' | 'act' | 'signature' | 'markdown' | 'draft';

/** A token that main did not issue for this purpose (or a path where a token belongs). */
export class PathNotChosenError extends Error {
  readonly code = 'PATH_NOT_CHOSEN';
  constructor(purpose: GrantPurpose) {
    super(english('main.file.notChosen', { what: english(`main.file.purpose.${purpose}`) }));
    this.name = 'PathNotChosenError';
    worded(this, 'main.file.notChosen', { purpose });
  }
}

export class PathGrants {
  readonly #grants = new Map<string, { purpose: GrantPurpose; path: string }>();

  /** Records a path a dialog returned; the token is what the renderer may send back. */
  grant(purpose: GrantPurpose, path: string): string {
    const token = randomUUID();
    this.#grants.set(token, { purpose, path });
    return token;
  }

  /** The path behind `token`, only if main's dialog granted it for `purpose`. */
  resolve(purpose: GrantPurpose, token: string): string {
    const grant = this.#grants.get(token);
    if (!grant || grant.purpose !== purpose) throw new PathNotChosenError(purpose);
    return grant.path;
  }

  /** Forgets every grant (the vault locked: the next person chooses again). */
  clear(): void {
    this.#grants.clear();
  }
}
