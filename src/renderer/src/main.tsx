import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { lang, onLanguageChange, t } from './i18n';
import './styles.css';

document.documentElement.lang = lang;
document.title = t.app.title;

/** The whole UI again, in the new language, when the person switches (the vault stays open in main). */
function InLanguage() {
  const current = useSyncExternalStore(onLanguageChange, () => lang);
  return <App key={current} />;
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <InLanguage />
    </StrictMode>,
  );
}
