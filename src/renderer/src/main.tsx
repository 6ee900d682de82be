import { StrictMode, useEffect, useState, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { isLang } from '../../shared/i18n/languages';
import { api } from './api';
import { App } from './App';
import { lang, onLanguageChange, t } from './i18n';
import './styles.css';

document.documentElement.lang = lang;
document.title = t.app.title;

/**
 * The whole UI again, in the new language, when the person switches (the vault stays open in
 * main). Main is told first: what core words for the window (a refusal, the decision, the
 * incident report, the War room's lines) follows this language where no runbook names one.
 */
function InLanguage() {
  const current = useSyncExternalStore(onLanguageChange, () => lang);
  const [told, setTold] = useState<string | null>(api ? null : current);
  useEffect(() => {
    if (!api) return;
    let live = true;
    // A main that cannot be told still gets the window (in English words from core).
    const shown = () => {
      if (live) setTold(current);
    };
    api.ui.setLanguage({ lang: isLang(current) ? current : 'en' }).then(shown, shown);
    return () => {
      live = false;
    };
  }, [current]);
  // Nothing between the switch and main's answer (a few ms): a window still shown in the old
  // instance could be clicked, and what was opened there would be lost when the new one mounts.
  return !api || told === current ? <App key={current} /> : null;
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <InLanguage />
    </StrictMode>,
  );
}
