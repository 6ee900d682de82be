import { useId, useState } from 'react';
import { api } from '../api';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';
import { ActionForm, useAction } from './ActionForm';
import { Card } from './Card';
import { Field } from './Field';

/** The keys usable at this workstation this session, the owner's passphrase (once), and key files people bring. */
export function SessionKeys({ onChanged }: { onChanged: () => void }) {
  const { keys } = useWorkspace();
  const ids = useId();
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [ownerPassphrase, setOwnerPassphrase] = useState('');
  const [brought, setBrought] = useState<string | null>(null);
  const bringing = useAction();
  const unlocking = useAction();
  const forgetting = useAction();

  return (
    <Card heading={t.keys.heading} data-testid="session-keys">
      <p className="hint">{t.keys.intro}</p>
      {keys.keys.length === 0 ? (
        <p className="muted">{t.keys.none}</p>
      ) : (
        <ul className="usable-keys">
          {keys.keys.map((k) => (
            <li key={k.name} data-usable-key={k.name}>
              <strong>{k.name}</strong> <span className="tag">{t.keys.from[k.from]}</span> <span className="mono hint">{k.fingerprint}</span>
              {k.from === 'file' && api && (
                <button
                  type="button"
                  className="small"
                  aria-label={format(t.keys.forgetNamed, { name: k.name })}
                  onClick={() => void forgetting.act(async () => {
                    await api!.keys.forget({ fingerprint: k.fingerprint });
                    onChanged();
                  })}
                >
                  {t.keys.forget}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {keys.ownerLocked && (
        <ActionForm
          onSubmit={() =>
            unlocking.act(async () => {
              await api!.keys.unlockOwner({ passphrase: ownerPassphrase });
              setOwnerPassphrase('');
              onChanged();
            })
          }
          busy={unlocking.busy}
          error={unlocking.error}
          submit={t.keys.unlock}
          submitting={t.keys.bringing}
        >
          <p className="hint">{format(t.keys.ownerLocked, { name: keys.ownerLocked.name })}</p>
          <Field id={`${ids}-owner`} label={format(t.keys.ownerPassphrase, { name: keys.ownerLocked.name })}>
            <input id={`${ids}-owner`} type="password" value={ownerPassphrase} onChange={(e) => setOwnerPassphrase(e.target.value)} autoComplete="off" required />
          </Field>
        </ActionForm>
      )}
      <h3>{t.keys.bringHeading}</h3>
      <p className="hint">{t.keys.bringIntro}</p>
      <ActionForm
        onSubmit={() =>
          bringing.act(async () => {
            setBrought(null);
            const now = await api!.keys.bring({ path, ...(passphrase ? { passphrase } : {}) });
            setBrought(format(t.keys.brought, { names: now.keys.map((k) => k.name).join(', ') }));
            setPassphrase('');
            setPath('');
            onChanged();
          })
        }
        busy={bringing.busy}
        error={bringing.error ?? forgetting.error}
        done={brought}
        submit={t.keys.bring}
        submitting={t.keys.bringing}
      >
        <Field id={`${ids}-path`} label={t.keys.pathLabel}>
          <input id={`${ids}-path`} type="text" className="mono" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} required />
        </Field>
        <Field id={`${ids}-pass`} label={t.keys.passphraseLabel}>
          <input id={`${ids}-pass`} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
        </Field>
      </ActionForm>
    </Card>
  );
}
