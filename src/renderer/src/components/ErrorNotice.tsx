import { errorCode, errorMessage } from '../api';
import { t } from '../i18n';

/** An error from the contract: a short title for its code, then the app's own explanation. */
export function ErrorNotice({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) return null;
  const code = errorCode(error);
  const titles: Record<string, string> = t.errors;
  return (
    <div className="notice notice-error" role="alert" id={id} data-error-code={code}>
      <strong className="notice-title">{titles[code] ?? t.errors.generic}</strong>
      <span className="notice-detail">{errorMessage(error)}</span>
    </div>
  );
}
