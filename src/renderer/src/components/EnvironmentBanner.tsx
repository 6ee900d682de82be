import type { Environment } from '../../../shared/contract';
import { t } from '../i18n';

/**
 * Across the top of every screen while a run is open: PRODUCTION in red, loud, in words as well
 * as colour; a rehearsal gets a calm marker that cannot be mistaken for it.
 */
export function EnvironmentBanner({ environment }: { environment: Environment }) {
  if (environment === 'production') {
    return (
      <div className="env-banner env-banner-production" role="note" data-testid="environment-banner" data-environment="production">
        <strong className="env-banner-word">{t.window.production}</strong>
        <span>{t.window.productionText}</span>
      </div>
    );
  }
  return (
    <div className="env-banner env-banner-rehearsal" role="note" data-testid="environment-banner" data-environment="rehearsal">
      <strong className="env-banner-word">{t.window.rehearsal}</strong>
      <span>{t.window.rehearsalText}</span>
    </div>
  );
}
