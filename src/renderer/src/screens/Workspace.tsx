import { useCallback, useEffect, useRef, useState } from 'react';
import type { VaultStatus } from '../../../shared/contract';
import { api, errorCode } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Identities } from '../components/Identities';
import { Timeline } from '../components/Timeline';
import { VaultSettings } from '../components/VaultSettings';
import { VerifyPanel } from '../components/VerifyPanel';
import { formatMinutes, shortHash } from '../format';
import { format, t } from '../i18n';

export interface WorkspaceProps {
  status: VaultStatus;
  onStatus: (status: VaultStatus) => void;
  /** Called when a call finds the vault locked (idle auto-lock): the app goes back to the gate. */
  onSessionLost: () => Promise<void>;
}

/** The open vault: its timeline, Verify, settings and identities. */
export function Workspace({ status, onStatus, onSessionLost }: WorkspaceProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [locking, setLocking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => headingRef.current?.focus(), []);

  /** Every panel reports errors here: a locked vault ends the session, anything else is shown. */
  const report = useCallback(
    (err: unknown) => {
      if (errorCode(err) === 'VAULT_LOCKED') {
        void onSessionLost();
        return;
      }
      setError(err);
    },
    [onSessionLost],
  );

  /** A change that appended events (remember, forget, new passphrase): new status, fresh timeline. */
  const changed = useCallback(
    (next: VaultStatus) => {
      onStatus(next);
      setReloadKey((k) => k + 1);
    },
    [onStatus],
  );

  async function lock() {
    if (!api) return;
    setLocking(true);
    try {
      onStatus(await api.vault.lock());
    } catch (err) {
      report(err);
      setLocking(false);
    }
  }

  return (
    <div className="workspace">
      <header className="topbar">
        <div className="brand brand-inline">
          <span className="brand-name">{t.app.title}</span>
          <span className="subtitle">{t.app.subtitle}</span>
        </div>
        <dl className="vault-meta">
          <div>
            <dt>{t.header.vault}</dt>
            <dd className="mono path" title={status.path ?? ''} data-testid="vault-path">
              {status.path}
            </dd>
          </div>
          {status.head && (
            <div>
              <dt>{t.header.head}</dt>
              <dd className="mono" title={status.head.hash}>
                #{status.head.seq} · {shortHash(status.head.hash)}
              </dd>
            </div>
          )}
        </dl>
        <div className="topbar-actions">
          {status.autoLockMinutes !== null && <span className="hint">{format(t.header.autoLock, { minutes: formatMinutes(status.autoLockMinutes) })}</span>}
          <button type="button" onClick={() => void lock()} disabled={locking}>
            {locking ? t.header.locking : t.header.lock}
          </button>
        </div>
      </header>

      <div className="content">
        <main className="primary-column">
          <div className="section-head">
            <h1 ref={headingRef} tabIndex={-1}>
              {t.timeline.heading}
            </h1>
            <VerifyPanel onError={report} />
          </div>
          <ErrorNotice error={error} />
          <Timeline reloadKey={reloadKey} onError={report} />
        </main>
        <aside className="side-column">
          <VaultSettings status={status} onChanged={changed} onError={report} />
          <Identities reloadKey={reloadKey} onError={report} />
        </aside>
      </div>
    </div>
  );
}
