import { useEffect, useState } from 'react';
import type { ArtifactView } from '../../../shared/contract';
import { api } from '../api';
import { Identities } from '../components/Identities';
import { PageSections, type PageSection } from '../components/PageSections';
import { Timeline } from '../components/Timeline';
import { VaultSettings } from '../components/VaultSettings';
import { VerifyPanel } from '../components/VerifyPanel';
import { formatBytes, formatTime } from '../format';
import { t } from '../i18n';
import { useWorkspace } from '../workspace-context';

/** The vault itself: its chain of events, Verify, its artifacts, and its settings. */
export function Evidence() {
  const { report, reloadKey, changed, status } = useWorkspace();
  const sections: PageSection[] = [
    { id: 'section-events', label: t.timeline.heading },
    { id: 'section-artifacts', label: t.evidence.artifactsCaption },
    { id: 'section-settings', label: t.settings.heading },
    { id: 'section-identities', label: t.identities.heading },
  ];
  return (
    <>
      <div className="section-head" id="section-events">
        <h1 tabIndex={-1}>{t.timeline.heading}</h1>
        <VerifyPanel onError={report} />
      </div>
      <PageSections sections={sections} />
      <div className="content">
        <div className="primary-column">
          <Timeline reloadKey={reloadKey} onError={report} />
          <div id="section-artifacts" className="page-section">
            <Artifacts reloadKey={reloadKey} onError={report} />
          </div>
        </div>
        <aside className="side-column">
          <div id="section-settings" className="page-section">
            <VaultSettings status={status} onChanged={changed} onError={report} />
          </div>
          <div id="section-identities" className="page-section">
            <Identities reloadKey={reloadKey} onError={report} />
          </div>
        </aside>
      </div>
    </>
  );
}

function Artifacts({ reloadKey, onError }: { reloadKey: number; onError: (error: unknown) => void }) {
  const [artifacts, setArtifacts] = useState<ArtifactView[] | null>(null);
  useEffect(() => {
    if (!api) return;
    let current = true;
    api.artifacts.list().then((list) => current && setArtifacts(list), (err: unknown) => current && onError(err));
    return () => {
      current = false;
    };
  }, [reloadKey, onError]);
  return (
    <div className="table-wrap">
      <table className="artifacts">
        <caption>{t.evidence.artifactsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.evidence.name}</th>
            <th scope="col" className="num">
              {t.evidence.size}
            </th>
            <th scope="col">{t.evidence.sha256}</th>
            <th scope="col">{t.evidence.state}</th>
            <th scope="col">{t.evidence.created}</th>
          </tr>
        </thead>
        <tbody>
          {artifacts !== null && artifacts.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t.evidence.empty}
              </td>
            </tr>
          )}
          {artifacts?.map((a) => (
            <tr key={a.id} data-artifact={a.name}>
              <td className="mono">{a.name}</td>
              <td className="num">{formatBytes(a.size)}</td>
              <td className="mono hash-cell" title={a.sha256 ?? ''}>
                {a.sha256 ?? t.common.none}
              </td>
              <td>{t.evidence.artifactState[a.state]}</td>
              <td>
                <time dateTime={a.createdAt}>{formatTime(a.createdAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
