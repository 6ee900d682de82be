import { useCallback, useState, type ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';
import { StatusNotice } from './StatusNotice';

/**
 * State for one action a person starts (a submit, a button): `busy` while it runs, the `error`
 * it threw (cleared when it starts again). `act` catches, so callers need not.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, act };
}

/**
 * A form that runs one action: its fields, then the action's error, what it did (`done`), and
 * the primary submit button, which says `submitting` and is disabled while `busy`.
 */
export function ActionForm({
  onSubmit,
  busy,
  error,
  done,
  submit,
  submitting,
  disabled,
  children,
}: {
  onSubmit: () => unknown;
  busy: boolean;
  error: unknown;
  done?: ReactNode;
  submit: ReactNode;
  submitting: ReactNode;
  disabled?: boolean;
  children?: ReactNode;
}) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
      aria-busy={busy}
    >
      {children}
      <ErrorNotice error={error} />
      <StatusNotice>{done}</StatusNotice>
      <button type="submit" className="primary" disabled={busy || disabled}>
        {busy ? submitting : submit}
      </button>
    </form>
  );
}
