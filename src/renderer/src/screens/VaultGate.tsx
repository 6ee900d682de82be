import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { VaultProbe, VaultStatus } from '../../../shared/contract';
import { MIN_NEW_PASSPHRASE_LENGTH } from '../../../shared/limits';
import { api, errorCode } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatMinutes } from '../format';
import { format, t } from '../i18n';

type Mode = 'unlock' | 'create';

/** Create a vault, or unlock one with its passphrase or this device's keychain. */
export function VaultGate({ status, lastPath, onOpened }: { status: VaultStatus; lastPath: string | null; onOpened: (status: VaultStatus) => void }) {
  const ids = useId();
  const [mode, setMode] = useState<Mode | null>(null);
  const [path, setPath] = useState(lastPath ?? status.defaultPath);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [probe, setProbe] = useState<VaultProbe | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const probedOnce = useRef(false);

  // Look at the file (at once, then debounced while typing): does it exist, can the keychain open it?
  useEffect(() => {
    if (!api) return;
    const client = api;
    let current = true;
    const delay = probedOnce.current ? 200 : 0;
    probedOnce.current = true;
    const timer = setTimeout(() => {
      client.vault.inspect({ path }).then(
        (result) => {
          if (!current) return;
          setProbe(result);
          // The first look decides the initial mode; after that only the user switches it.
          setMode((m) => m ?? (result.exists ? 'unlock' : 'create'));
        },
        () => {
          if (!current) return;
          setProbe(null);
          setMode((m) => m ?? 'unlock');
        },
      );
    }, delay);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path]);

  if (!api) return null;
  const client = api;
  const creating = mode === 'create';

  async function run(action: () => Promise<VaultStatus>) {
    setBusy(true);
    setError(null);
    setFormError(null);
    try {
      const next = await action();
      setPassphrase('');
      setConfirm('');
      onOpened(next);
    } catch (err) {
      setError(err);
      if (errorCode(err) === 'WRONG_PASSPHRASE') setPassphrase('');
      passphraseRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (creating && passphrase !== confirm) {
      setError(null);
      setFormError(t.gate.mismatch);
      return;
    }
    void run(() => (creating ? client.vault.create({ path, passphrase }) : client.vault.unlock({ path, passphrase })));
  }

  async function browse() {
    try {
      const chosen = await client.vault.choosePath({ purpose: creating ? 'create' : 'open' });
      if (chosen.path) setPath(chosen.path);
    } catch (err) {
      setError(err);
    }
  }

  const canUseKeychain = !creating && status.keychainAvailable && probe?.keychainSlot === true;
  const wrongPassphrase = errorCode(error) === 'WRONG_PASSPHRASE';
  const hintId = `${ids}-path-hint`;
  const passHintId = `${ids}-pass-hint`;
  const errorId = `${ids}-error`;

  return (
    <main className="shell shell-narrow">
      <header className="brand">
        <h1>{t.app.title}</h1>
        <p className="subtitle">{t.app.subtitle}</p>
      </header>
      <section className="card" aria-labelledby={`${ids}-heading`}>
        <h2 id={`${ids}-heading`}>{t.gate.heading}</h2>
        <p className="muted">{t.gate.intro}</p>
        {status.lockedReason === 'idle' && (
          <p className="notice notice-info" role="status">
            {format(t.gate.lockedIdle, { minutes: formatMinutes(status.autoLockMinutes ?? 0) })}
          </p>
        )}
        {mode === null ? (
          <p className="muted" aria-busy="true">
            {t.app.loading}
          </p>
        ) : (
          <form onSubmit={submit} aria-busy={busy}>
            <fieldset className="segmented">
              <legend>{t.gate.modeLegend}</legend>
              <label>
                <input type="radio" name="mode" value="unlock" checked={!creating} onChange={() => setMode('unlock')} />
                <span>{t.gate.modeUnlock}</span>
              </label>
              <label>
                <input type="radio" name="mode" value="create" checked={creating} onChange={() => setMode('create')} />
                <span>{t.gate.modeCreate}</span>
              </label>
            </fieldset>
  
            <div className="field">
              <label htmlFor={`${ids}-path`}>{t.gate.pathLabel}</label>
              <div className="input-row">
                <input
                  id={`${ids}-path`}
                  name="path"
                  type="text"
                  className="mono"
                  value={path}
                  onChange={(e) => setPath(e.target.value)}
                  aria-describedby={hintId}
                  autoComplete="off"
                  spellCheck={false}
                  required
                />
                {status.canChoosePath && (
                  <button type="button" onClick={() => void browse()}>
                    {t.gate.browse}
                  </button>
                )}
              </div>
              <p id={hintId} className="hint">
                {t.gate.pathHint}{' '}
                {path !== status.defaultPath && (
                  <button type="button" className="link" onClick={() => setPath(status.defaultPath)}>
                    {t.gate.useDefault}
                  </button>
                )}
              </p>
            </div>
  
            <div className="field">
              <label htmlFor={`${ids}-passphrase`}>{t.gate.passphraseLabel}</label>
              <input
                id={`${ids}-passphrase`}
                ref={passphraseRef}
                name="passphrase"
                type="password"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                autoComplete={creating ? 'new-password' : 'current-password'}
                minLength={creating ? MIN_NEW_PASSPHRASE_LENGTH : undefined}
                aria-invalid={wrongPassphrase || undefined}
                aria-describedby={[creating ? passHintId : '', error || formError ? errorId : ''].filter(Boolean).join(' ') || undefined}
                required
                autoFocus
              />
              {creating && (
                <p id={passHintId} className="hint">
                  {format(t.gate.newPassphraseHint, { min: MIN_NEW_PASSPHRASE_LENGTH })}
                </p>
              )}
            </div>
  
            {creating && (
              <div className="field">
                <label htmlFor={`${ids}-confirm`}>{t.gate.confirmLabel}</label>
                <input
                  id={`${ids}-confirm`}
                  name="confirm"
                  type="password"
                  value={confirm}
                  onChange={(e) => setConfirm(e.target.value)}
                  autoComplete="new-password"
                  aria-invalid={formError !== null || undefined}
                  required
                />
              </div>
            )}
  
            {formError && (
              <p className="notice notice-error" role="alert" id={errorId}>
                {formError}
              </p>
            )}
            <ErrorNotice error={error} id={errorId} />
  
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {creating ? (busy ? t.gate.creating : t.gate.create) : busy ? t.gate.unlocking : t.gate.unlock}
              </button>
              {canUseKeychain && (
                <button type="button" disabled={busy} onClick={() => void run(() => client.vault.unlockWithKeychain({ path }))}>
                  {t.gate.unlockWithKeychain}
                </button>
              )}
            </div>
          </form>
        )}
      </section>
    </main>
  );
}
