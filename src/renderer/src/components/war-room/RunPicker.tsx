import { useId } from 'react';
import type { WarRoomRunSummary } from '../../../../shared/contract';
import { formatTime } from '../../format';
import { format, t } from '../../i18n';
import { Field } from '../Field';

/** The shared runs the ledger holds, newest first; the newest is shown until another is chosen. */
export function RunPicker({ runs, value, onChange }: { runs: WarRoomRunSummary[]; value: string | null; onChange: (runId: string) => void }) {
  const id = useId();
  if (runs.length === 0) return <p className="muted">{t.warRoom.noRuns}</p>;
  return (
    <Field id={id} label={t.warRoom.runLabel}>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {format(t.warRoom.runOption, { title: r.runbookTitle, environment: r.environment === 'production' ? t.window.production : t.window.rehearsal, operator: r.operator, started: formatTime(r.startedAt) })}
          </option>
        ))}
      </select>
    </Field>
  );
}
