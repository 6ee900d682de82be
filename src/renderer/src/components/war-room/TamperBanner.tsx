import type { WarRoomProblemView } from '../../../../shared/contract';
import { t } from '../../i18n';

/** What the follower found wrong with the ledger, in red and in words: each rewritten or missing event named. */
export function TamperBanner({ problems }: { problems: WarRoomProblemView[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="war-room-tamper">
      <strong className="notice-title">{t.warRoom.tamperHeading}</strong>
      <span className="notice-detail">{t.warRoom.tamperText}</span>
      <ul>
        {problems.map((p) => (
          <li key={p.text} className="mono wrap" data-workstation={p.workstation} data-seq={p.seq ?? ''}>
            {p.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
