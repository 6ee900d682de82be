import { useEffect, useId, useRef, useState } from 'react';
import type { HostKeyPush } from '../../../shared/push';
import { api } from '../api';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { usePush } from '../push';
import { useAction } from './ActionForm';
import { ErrorNotice } from './ErrorNotice';
import { WithCommand } from './WithCommand';

/**
 * A first SSH connection waits in main until a person compares the host key's fingerprint and
 * answers. Shown as a modal dialog; Escape refuses, as an unanswered request would.
 */
export function HostKeyDialog() {
  const ids = useId();
  const [queue, setQueue] = useState<HostKeyPush[]>([]);
  const { busy, error, act } = useAction();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const current = queue[0] ?? null;

  usePush((message) => {
    if (message.type === 'hostKey') setQueue((q) => [...q, message]);
    if (message.type === 'hostKeyClosed') setQueue((q) => q.filter((r) => r.requestId !== message.requestId));
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (current && !dialog.open) dialog.showModal();
    if (!current && dialog.open) dialog.close();
  }, [current]);

  async function answer(accept: boolean) {
    const client = api;
    if (!client || !current) return;
    await act(async () => {
      await client.targets.answerHostKey({ requestId: current.requestId, accept });
      setQueue((q) => q.filter((r) => r.requestId !== current.requestId));
    });
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-intro`}
      onCancel={(event) => {
        event.preventDefault();
        void answer(false);
      }}
    >
      {current && (
        <div className="dialog-body" data-testid="host-key-dialog">
          <h2 id={`${ids}-title`}>{format(t.hostKey.title, { target: current.target })}</h2>
          <p id={`${ids}-intro`}>{format(t.hostKey.intro, { address: current.address })}</p>
          <p className="muted">{current.context.kind === 'test' ? t.hostKey.contextTest : format(t.hostKey.contextRun, { step: current.context.stepId })}</p>
          <p className="field-label">{t.hostKey.fingerprint}</p>
          <p className="fingerprint mono" data-testid="host-key-fingerprint">
            {current.fingerprint}
          </p>
          <p className="hint">
            <WithCommand text={t.hostKey.compare} command="ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" />
          </p>
          <p className="hint">{format(t.hostKey.expires, { time: formatTime(current.expiresAt) })}</p>
          <ErrorNotice error={error} />
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)}>
              {t.hostKey.accept}
            </button>
            <button type="button" disabled={busy} onClick={() => void answer(false)} autoFocus>
              {t.hostKey.refuse}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
