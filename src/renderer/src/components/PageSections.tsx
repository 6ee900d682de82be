import { t } from '../i18n';

export interface PageSection {
  id: string;
  label: string;
}

/**
 * "On this page": a long screen's sections, one click from anywhere on it. Stays at the top of
 * the screen's scroll box; each entry brings its section to the top under the header.
 */
export function PageSections({ sections }: { sections: PageSection[] }) {
  return (
    <nav className="toc" aria-label={t.window.toc} data-testid="page-sections">
      <span className="hint">{t.window.toc}</span>
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <button type="button" className="small" onClick={() => document.getElementById(s.id)?.scrollIntoView({ block: 'start' })} data-section={s.id}>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
