import { useId, useState } from 'react';
import type { SessionKeysView, VaultStatus } from '../../../shared/contract';
import { api } from '../api';
import { formatMinutes, shortHash } from '../format';
import { format, t, roleLabel } from '../i18n';
import { useOpenRun } from '../use-open-run';
import { EnvironmentBanner } from './EnvironmentBanner';
import { LanguageSwitch } from './LanguageSwitch';
import { NextLine } from './NextLine';
import { RunStatusBadge } from './StepBadges';
import { WallClock } from './WallClock';

export interface WorkspaceHeaderProps {
  status: VaultStatus;
  runId: string | null;
  reloadKey: number;
  keys: SessionKeysView;
  actor: string | null;
  onActor: (name: string | null) => void;
  onStatus: (status: VaultStatus) => void;
  onError: (error: unknown) => void;
}

/**
 * Always in view, whatever the screen and however far it scrolls: the environment, the run's
 * state, who is signing, the vault and its chain head, the time, and what happens next.
 */
export function WorkspaceHeader({ status, runId, reloadKey, keys, actor, onActor, onStatus, onError }: WorkspaceHeaderProps) {
  const ids = useId();
  const [locking, setLocking] = useState(false);
  const { run, decision } = useOpenRun(runId, reloadKey);

  async function lock() {
    if (!api) return;
    setLocking(true);
    try {
      onStatus(await api.vault.lock());
    } catch (err) {
      onError(err);
      setLocking(false);
    }
  }

  return (
    <header className={`topbar${run ? ` topbar-${run.environment}` : ''}`} data-testid="workspace-header">
      {run && <EnvironmentBanner environment={run.environment} />}
      <div className="topbar-row">
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
              <dd className="mono" title={status.head.hash} data-testid="chain-head" data-seq={status.head.seq}>
                #{status.head.seq} · {shortHash(status.head.hash)}
              </dd>
            </div>
          )}
          <div>
            <dt>{t.window.runState}</dt>
            <dd data-testid="header-run-state">
              {run ? (
                <RunStatusBadge status={run.status} />
              ) : (
                <span className="hint">{t.window.noRun}</span>
              )}
            </dd>
          </div>
        </dl>
        <WallClock />
        <div className="acting-as acting-as-stacked">
          <label htmlFor={`${ids}-actor`}>{t.actor.label}</label>
          <select id={`${ids}-actor`} value={actor ?? ''} onChange={(e) => onActor(e.target.value || null)} aria-describedby={`${ids}-actor-hint`}>
            <option value="">{t.actor.none}</option>
            {keys.keys.map((k) => (
              <option key={k.name} value={k.name} data-fingerprint={k.fingerprint}>
                {k.name} ({k.roles.map(roleLabel).join(', ')}) · {k.fingerprint}
              </option>
            ))}
          </select>
          <span id={`${ids}-actor-hint`} className="visually-hidden">
            {t.actor.hint}
          </span>
        </div>
        <div className="topbar-actions">
          <LanguageSwitch />
          <button type="button" onClick={() => void lock()} disabled={locking} title={status.autoLockMinutes !== null ? format(t.header.autoLock, { minutes: formatMinutes(status.autoLockMinutes) }) : undefined}>
            {locking ? t.header.locking : t.header.lock}
          </button>
        </div>
      </div>
      <NextLine run={run} decision={decision} />
    </header>
  );
}
