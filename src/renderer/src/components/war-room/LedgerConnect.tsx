import { useId, useState } from 'react';
import type { WarRoomView } from '../../../../shared/contract';
import { api } from '../../api';
import { formatClock } from '../../format';
import { format, t } from '../../i18n';
import { ActionForm, useAction } from '../ActionForm';
import { Card } from '../Card';
import { Field } from '../Field';

/** Which ledger this window follows (the URL remembered for the vault), how it goes, and each workstation's head read. */
export function LedgerConnect({ view, onView, runId }: { view: WarRoomView; onView: (view: WarRoomView) => void; runId: string | null }) {
  const ids = useId();
  const [url, setUrl] = useState(view.url ?? view.rememberedUrl ?? '');
  const { busy, error, act } = useAction();

  async function follow() {
    const client = api;
    if (!client) return;
    await act(async () => onView(await client.warRoom.connect({ url, ...(runId ? { runId } : {}) })));
  }

  async function stop() {
    const client = api;
    if (!client) return;
    await act(async () => onView(await client.warRoom.disconnect()));
  }

  const line =
    view.state === 'following'
      ? format(t.warRoom.following, { label: view.label ?? '', count: view.workstations.length, time: view.readAt ? formatClock(view.readAt) : '' })
      : view.state === 'reconnecting'
        ? format(t.warRoom.reconnecting, { label: view.label ?? '', message: view.message ?? '' })
        : t.warRoom.idle;
  return (
    <Card heading={t.warRoom.connectHeading} data-testid="war-room-ledger">
      <p data-testid="war-room-state" data-state={view.state} className={view.state === 'reconnecting' ? 'notice notice-info' : undefined}>
        {line}
      </p>
      {view.workstations.length > 0 && (
        <p className="tags" data-testid="war-room-workstations">
          <span className="visually-hidden">{t.warRoom.workstations}: </span>
          {view.workstations.map((w) => (
            <span key={w.name} className="tag mono" data-workstation={w.name}>
              {w.name} #{w.head}
            </span>
          ))}
        </p>
      )}
      {view.state === 'idle' ? (
        <ActionForm onSubmit={follow} busy={busy} error={error} submit={t.warRoom.follow} submitting={t.warRoom.connecting}>
          <Field id={`${ids}-url`} label={t.warRoom.urlLabel}>
            <input id={`${ids}-url`} type="text" className="mono" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" spellCheck={false} required aria-describedby={`${ids}-hint`} />
          </Field>
          <p className="hint" id={`${ids}-hint`}>
            {t.warRoom.urlHint}
          </p>
        </ActionForm>
      ) : (
        <button type="button" onClick={() => void stop()} disabled={busy}>
          {t.warRoom.stop}
        </button>
      )}
    </Card>
  );
}
