import { useId, useState } from 'react';
import type { ActExportView, IdentityRecord } from '../../../shared/contract';
import { format, t } from '../i18n';
import { ActionForm, useAction } from './ActionForm';
import { Field } from './Field';

/**
 * An act for someone who is not at this workstation: export it to a file they sign on their own
 * machine (`ssh-keygen -Y sign -n cutover-act-v1`), then import the act with its .sig. Main
 * applies it with every check an act signed here gets.
 */
export function ActElsewhere({
  people,
  role,
  exportAct,
  importAct,
  testId,
}: {
  /** Who may sign this act: registered, proven people with the role. */
  people: IdentityRecord[];
  role: string;
  exportAct: (by: string, path: string) => Promise<ActExportView>;
  importAct: (actPath: string, signaturePath: string) => Promise<void>;
  testId: string;
}) {
  const ids = useId();
  const [by, setBy] = useState('');
  const [path, setPath] = useState('');
  const [actPath, setActPath] = useState('');
  const [sigPath, setSigPath] = useState('');
  const [exported, setExported] = useState<ActExportView | null>(null);
  const [imported, setImported] = useState(false);
  const exporting = useAction();
  const importing = useAction();
  const chosen = people.some((p) => p.name === by) ? by : (people[0]?.name ?? '');

  return (
    <section className="act-elsewhere" aria-labelledby={`${ids}-h`} data-testid={testId}>
      <h3 id={`${ids}-h`}>{t.elsewhere.heading}</h3>
      <p className="hint">{t.elsewhere.intro}</p>
      {people.length === 0 ? (
        <p className="muted">{format(t.elsewhere.nobody, { role })}</p>
      ) : (
        <ActionForm
          onSubmit={() =>
            exporting.act(async () => {
              setExported(null);
              const written = await exportAct(chosen, path);
              setExported(written);
              setActPath(written.path);
              setSigPath(`${written.path}.sig`);
            })
          }
          busy={exporting.busy}
          error={exporting.error}
          done={
            exported && (
              <>
                {format(t.elsewhere.exported, { bytes: exported.bytes, path: exported.path, name: exported.by })}
                <code className="mono wrap block" data-testid="act-command">
                  {exported.command}
                </code>
              </>
            )
          }
          submit={format(t.elsewhere.export, { name: chosen })}
          submitting={format(t.elsewhere.export, { name: chosen })}
          disabled={!chosen}
        >
          <Field id={`${ids}-by`} label={t.elsewhere.byLabel}>
            <select id={`${ids}-by`} value={chosen} onChange={(e) => setBy(e.target.value)}>
              {people.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} · {p.fingerprint}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${ids}-path`} label={t.elsewhere.pathLabel}>
            <input id={`${ids}-path`} type="text" className="mono" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} required />
          </Field>
        </ActionForm>
      )}
      <ActionForm
        onSubmit={() =>
          importing.act(async () => {
            setImported(false);
            await importAct(actPath, sigPath);
            setImported(true);
          })
        }
        busy={importing.busy}
        error={importing.error}
        done={imported && t.elsewhere.imported}
        submit={t.elsewhere.import}
        submitting={t.elsewhere.importing}
      >
        <Field id={`${ids}-act`} label={t.elsewhere.actPathLabel}>
          <input id={`${ids}-act`} type="text" className="mono" value={actPath} onChange={(e) => setActPath(e.target.value)} autoComplete="off" spellCheck={false} required />
        </Field>
        <Field id={`${ids}-sig`} label={t.elsewhere.sigPathLabel}>
          <input id={`${ids}-sig`} type="text" className="mono" value={sigPath} onChange={(e) => setSigPath(e.target.value)} autoComplete="off" spellCheck={false} required />
        </Field>
      </ActionForm>
    </section>
  );
}
