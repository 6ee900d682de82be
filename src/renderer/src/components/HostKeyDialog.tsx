import { useEffect, useId, useRef, useState } from 'react';
import type { HostKeyPush } from '../../../shared/push';
import { api } from '../api';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { usePush } from '../push';
import { ErrorNotice } from './ErrorNotice';

/**
 * A first SSH connection waits in main until a person compares the host key's fingerprint and
 * answers. Shown as a modal dialog; Escape refuses, as an unanswered request would.
 */
export function HostKeyDialog() {
  const ids = useId();
  const [queue, setQueue] = useState<HostKeyPush[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
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
    if (!api || !current) return;
    setBusy(true);
    setError(null);
    try {
      await api.targets.answerHostKey({ requestId: current.requestId, accept });
      setQueue((q) => q.filter((r) => r.requestId !== current.requestId));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
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
          <p className="hint">{withCode(t.hostKey.compare, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')}</p>
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

/** Puts a command, as code, where the string says {command}. */
function withCode(text: string, command: string) {
  const [before, after] = text.split('{command}');
  return (
    <>
      {before}
      <code>{command}</code>
      {after}
    </>
  );
}
