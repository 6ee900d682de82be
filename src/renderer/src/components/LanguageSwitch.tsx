import { useId } from 'react';
import { lang, LANGUAGES, switchLanguage, t } from '../i18n';

/** English / Español, remembered for the next start. */
export function LanguageSwitch() {
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id} className="visually-hidden">
        {t.window.language}
      </label>
      <select id={id} value={lang} onChange={(e) => switchLanguage(e.target.value)} data-testid="language-switch">
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
