import type { WarRoomRunView } from '../../../../shared/contract';
import { formatClock } from '../../format';
import { format, t } from '../../i18n';
import { Card } from '../Card';

/** The run's events from every workstation, oldest first, in `ledger watch`'s words. */
export function SharedTimeline({ run }: { run: WarRoomRunView }) {
  return (
    <Card heading={t.warRoom.timelineHeading} data-testid="war-room-timeline">
      {run.timelineTotal > run.timeline.length && <p className="hint">{format(t.warRoom.timelineMore, { shown: run.timeline.length, total: run.timelineTotal })}</p>}
      <div className="table-wrap">
        <table>
          <caption className="hint">{t.warRoom.timelineCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.warRoom.time}</th>
              <th scope="col">{t.warRoom.source}</th>
              <th scope="col">{t.warRoom.what}</th>
            </tr>
          </thead>
          <tbody>
            {run.timeline.map((e) => (
              <tr key={`${e.workstation}#${e.seq}`} data-type={e.type} data-workstation={e.workstation} data-seq={e.seq}>
                <td>
                  <time dateTime={e.at}>{formatClock(e.at)}</time>
                </td>
                <td className="mono">
                  {e.workstation} #{e.seq}
                </td>
                <td className="wrap">{e.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
