import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import { t } from '../i18n';
import { useWorkspace, type Screen } from '../workspace-context';

interface Item {
  key: 'people' | 'actor' | 'targets' | 'runbook';
  done: boolean;
  screen: Screen | null;
}

/**
 * What to do before the first run, on the empty run console: each item ticks itself off from
 * the vault's own state (identities, who is acting, saved targets, the opened runbook), with a
 * button to the screen that does it. Nothing here is remembered apart from the vault.
 */
export function GettingStarted() {
  const { identities, keys, actor, runbook, go, report, reloadKey } = useWorkspace();
  const ids = useId();
  const [targets, setTargets] = useState<number | null>(null);
  useEffect(() => {
    if (!api) return;
    let current = true;
    api.targets.list().then((list) => current && setTargets(list.length), report);
    return () => {
      current = false;
    };
  }, [report, reloadKey]);

  const roles = new Set(identities.flatMap((i) => i.roles));
  const items: Item[] = [
    { key: 'people', done: roles.has('operator') && roles.has('approver'), screen: 'people' },
    { key: 'actor', done: actor !== null && (keys.keys.find((k) => k.name === actor)?.roles.includes('operator') ?? false), screen: null },
    { key: 'targets', done: (targets ?? 0) > 0, screen: 'targets' },
    { key: 'runbook', done: runbook !== null, screen: 'runbooks' },
  ];
  return (
    <section className="card getting-started" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.gettingStarted.heading}</h2>
      <ol>
        {items.map((item) => (
          <li key={item.key} data-item={item.key} data-done={item.done}>
            <span className={item.done ? 'ok-text' : 'muted'} aria-hidden="true">
              {item.done ? '✓' : '○'}
            </span>{' '}
            <span>
              <strong>{t.gettingStarted[item.key].title}</strong>
              <span className="visually-hidden"> ({item.done ? t.gettingStarted.done : t.gettingStarted.todo})</span>
              {' — '}
              {t.gettingStarted[item.key].text}
            </span>{' '}
            {item.screen && (
              <button type="button" className="small" onClick={() => go(item.screen!)}>
                {t.gettingStarted[item.key].go}
              </button>
            )}
          </li>
        ))}
      </ol>
      <p className="hint">{t.gettingStarted.then}</p>
    </section>
  );
}
