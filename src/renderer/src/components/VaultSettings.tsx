import { useId, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../shared/contract';
import { MIN_NEW_PASSPHRASE_LENGTH } from '../../../shared/limits';
import { api, errorCode } from '../api';
import { ErrorNotice } from './ErrorNotice';
import { format, t } from '../i18n';

/** Passphrase change and the keychain slot ("remember on this device"). */
export function VaultSettings({ status, onChanged, onError }: { status: VaultStatus; onChanged: (status: VaultStatus) => void; onError: (error: unknown) => void }) {
  const ids = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);

  if (!api) return null;
  const client = api;

  /** Errors about this form stay in it; a locked vault goes up to end the session. */
  function keep(err: unknown) {
    if (errorCode(err) === 'VAULT_LOCKED') onError(err);
    else setError(err);
  }

  async function change(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    setError(null);
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    setBusy(true);
    try {
      onChanged(await client.vault.changePassphrase({ oldPassphrase: current, newPassphrase: next }));
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      keep(err);
    } finally {
      setBusy(false);
    }
  }

  async function toggleKeychain() {
    setBusy(true);
    setError(null);
    try {
      onChanged(await (status.keychainRemembered ? client.vault.forget() : client.vault.remember()));
    } catch (err) {
      keep(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.settings.heading}</h2>

      <h3>{t.settings.keychainHeading}</h3>
      <p className="muted">
        {!status.keychainAvailable ? t.settings.keychainUnavailable : status.keychainRemembered ? t.settings.keychainRemembered : t.settings.keychainNotRemembered}
      </p>
      {status.keychainAvailable && (
        <button type="button" onClick={() => void toggleKeychain()} disabled={busy}>
          {status.keychainRemembered ? t.settings.forget : t.settings.remember}
        </button>
      )}

      <form onSubmit={(e) => void change(e)} aria-labelledby={`${ids}-change`}>
        <h3 id={`${ids}-change`}>{t.settings.changeHeading}</h3>
        <p className="hint">{t.settings.changeIntro}</p>
        <div className="field">
          <label htmlFor={`${ids}-current`}>{t.settings.currentLabel}</label>
          <input id={`${ids}-current`} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-new`}>{t.settings.newLabel}</label>
          <input
            id={`${ids}-new`}
            type="password"
            autoComplete="new-password"
            minLength={MIN_NEW_PASSPHRASE_LENGTH}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-describedby={`${ids}-new-hint`}
            required
          />
          <p id={`${ids}-new-hint`} className="hint">
            {format(t.gate.newPassphraseHint, { min: MIN_NEW_PASSPHRASE_LENGTH })}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-repeat`}>{t.settings.confirmLabel}</label>
          <input id={`${ids}-repeat`} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-invalid={mismatch || undefined} required />
        </div>
        {mismatch && (
          <p className="notice notice-error" role="alert">
            {t.gate.mismatch}
          </p>
        )}
        <ErrorNotice error={error} />
        {done && (
          <p className="notice notice-ok" role="status">
            {t.settings.changed}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.settings.changing : t.settings.change}
        </button>
      </form>
    </section>
  );
}
