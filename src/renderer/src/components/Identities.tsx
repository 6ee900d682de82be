import { useEffect, useId, useState } from 'react';
import type { IdentityRecord, IdentityStatementView } from '../../../shared/contract';
import { api } from '../api';
import { format, t, roleLabel } from '../i18n';
import { ActionForm, useAction } from './ActionForm';
import { Card } from './Card';
import { Field } from './Field';
import { StatusNotice } from './StatusNotice';
import { WithCommand } from './WithCommand';

function standingOf(identity: IdentityRecord): 'owner' | 'proven' | 'unproven' | 'custodial' {
  if (identity.custodial) return 'custodial';
  if (identity.owner) return 'owner';
  return identity.proven ? 'proven' : 'unproven';
}

/** Who is in this vault's chain: owner, proven, unproven (with how to prove) or custodial. */
export function Identities({ reloadKey, onError, onChanged }: { reloadKey: number; onError: (error: unknown) => void; onChanged?: () => void }) {
  const [identities, setIdentities] = useState<IdentityRecord[] | null>(null);

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.identities.list().then(
      (list) => {
        if (current) setIdentities(list);
      },
      (err: unknown) => {
        if (current) onError(err);
      },
    );
    return () => {
      current = false;
    };
  }, [reloadKey, onError]);

  return (
    <Card heading={t.identities.heading}>
      {identities !== null && identities.length === 0 && (
        <p className="muted">
          <WithCommand text={t.identities.empty} command="cutover identity add" />
        </p>
      )}
      {identities !== null && identities.length > 0 && (
        <ul className="identities">
          {identities.map((identity) => {
            const standing = standingOf(identity);
            return (
              <li key={identity.name} data-identity={identity.name} data-standing={standing} data-usable={identity.usable}>
                <strong>{identity.name}</strong>
                <span className="tags">
                  {identity.roles.map((role) => (
                    <span key={role} className="tag">
                      {roleLabel(role)}
                    </span>
                  ))}
                  <span className={`tag standing-${standing}`}>{t.identities.standing[standing]}</span>
                  {identity.usable && <span className="tag">{t.identities.usable}</span>}
                </span>
                <span className="mono hint" title={identity.publicKey}>
                  {identity.fingerprint}
                </span>
                <span className="hint">
                  {t.identities.source}: {t.identities.sourceKind[identity.keySource]}
                </span>
                {standing === 'unproven' && <ProveIdentity name={identity.name} onProven={() => onChanged?.()} />}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

/** The statement an unproven person signs on their own machine, and the import of their signature. */
function ProveIdentity({ name, onProven }: { name: string; onProven: () => void }) {
  const ids = useId();
  const [statement, setStatement] = useState<IdentityStatementView | null>(null);
  const [path, setPath] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [signature, setSignature] = useState('');
  const [signaturePath, setSignaturePath] = useState('');
  const [proven, setProven] = useState<string | null>(null);
  const saving = useAction();
  const proving = useAction();

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.identities.statement({ name }).then(
      (s) => {
        if (current) setStatement(s);
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [name]);

  if (!statement || !api) return null;
  const client = api;
  const file = path || `${name}.identity.json`;
  return (
    <details className="prove" data-prove={name}>
      <summary>{format(t.people.proveHeading, { name })}</summary>
      <p className="hint">{format(t.people.proveIntro, { name })}</p>
      <Field id={`${ids}-statement`} label={format(t.people.statementLabel, { name })}>
        <textarea id={`${ids}-statement`} className="mono" readOnly value={statement.statement} rows={4} />
      </Field>
      <ActionForm
        onSubmit={() =>
          saving.act(async () => {
            const written = await client.identities.saveStatement({ name, path });
            setSaved(format(t.people.statementSaved, { bytes: written.bytes, path: written.path }));
            setSignaturePath(`${written.path}.sig`);
          })
        }
        busy={saving.busy}
        error={saving.error}
        done={saved}
        submit={t.people.saveStatement}
        submitting={t.people.saveStatement}
      >
        <Field id={`${ids}-path`} label={t.people.statementPathLabel}>
          <input id={`${ids}-path`} type="text" className="mono" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} required />
        </Field>
      </ActionForm>
      <pre className="code small" data-testid="prove-command">{`ssh-keygen -Y sign -n ${statement.namespace} -f KEY ${file}`}</pre>
      <ActionForm
        onSubmit={() =>
          proving.act(async () => {
            const record = await client.identities.prove({ name, ...(signature.trim() ? { signature } : { signaturePath }) });
            setProven(format(t.people.proven, { name: record.name, fingerprint: record.fingerprint }));
            onProven();
          })
        }
        busy={proving.busy}
        error={proving.error}
        submit={format(t.people.prove, { name })}
        submitting={t.people.proving}
        disabled={!signature.trim() && !signaturePath.trim()}
      >
        <Field id={`${ids}-sig`} label={t.people.signatureLabel}>
          <textarea id={`${ids}-sig`} className="mono" value={signature} onChange={(e) => setSignature(e.target.value)} rows={4} spellCheck={false} />
        </Field>
        <Field id={`${ids}-sigpath`} label={t.people.signaturePathLabel}>
          <input id={`${ids}-sigpath`} type="text" className="mono" value={signaturePath} onChange={(e) => setSignaturePath(e.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
      </ActionForm>
      <StatusNotice>{proven}</StatusNotice>
    </details>
  );
}
