import { useEffect, useId, useState } from 'react';
import type { IdentityRecord } from '../../../shared/contract';
import { api } from '../api';
import { t } from '../i18n';

/** Who can act in this vault (read-only here; `cutover identity add` adds them). */
export function Identities({ reloadKey, onError }: { reloadKey: number; onError: (error: unknown) => void }) {
  const ids = useId();
  const [identities, setIdentities] = useState<IdentityRecord[] | null>(null);

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.identities.list().then(
      (list) => {
        if (current) setIdentities(list);
      },
      (err: unknown) => {
        if (current) onError(err);
      },
    );
    return () => {
      current = false;
    };
  }, [reloadKey, onError]);

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.identities.heading}</h2>
      {identities !== null && identities.length === 0 && <p className="muted">{withCommand(t.identities.empty, 'cutover identity add')}</p>}
      {identities !== null && identities.length > 0 && (
        <ul className="identities">
          {identities.map((identity) => (
            <li key={identity.name}>
              <strong>{identity.name}</strong>
              <span className="tags">
                {identity.roles.map((role) => (
                  <span key={role} className="tag">
                    {t.identities.role[role]}
                  </span>
                ))}
              </span>
              <span className="mono hint" title={identity.publicKey}>
                {identity.fingerprint}
              </span>
              <span className="hint">
                {t.identities.source}: {t.identities.sourceKind[identity.keySource]}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Puts a CLI command, as code, where the string says {command}. */
function withCommand(text: string, command: string) {
  const [before, after] = text.split('{command}');
  return (
    <>
      {before}
      <code>{command}</code>
      {after}
    </>
  );
}
