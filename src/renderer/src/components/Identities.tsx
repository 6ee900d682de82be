import { useEffect, useState } from 'react';
import type { IdentityRecord } from '../../../shared/contract';
import { api } from '../api';
import { t } from '../i18n';
import { Card } from './Card';
import { WithCommand } from './WithCommand';

/** Who can act in this vault (read-only here; `cutover identity add` adds them). */
export function Identities({ reloadKey, onError }: { reloadKey: number; onError: (error: unknown) => void }) {
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
    <Card heading={t.identities.heading}>
      {identities !== null && identities.length === 0 && (
        <p className="muted">
          <WithCommand text={t.identities.empty} command="cutover identity add" />
        </p>
      )}
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
    </Card>
  );
}
