import { Fragment, useCallback, useEffect, useState } from 'react';
import type { TimelinePage } from '../../../shared/contract';
import { api } from '../api';
import { formatTime, shortHash } from '../format';
import { format, t } from '../i18n';

const PAGE_SIZE = 50;

/** The vault's events, newest first, a page at a time. */
export function Timeline({ reloadKey, onError }: { reloadKey: number; onError: (error: unknown) => void }) {
  const [page, setPage] = useState<TimelinePage | null>(null);
  const [beforeSeq, setBeforeSeq] = useState<number | undefined>(undefined);
  const [expanded, setExpanded] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (before: number | undefined) => {
      if (!api) return;
      setLoading(true);
      try {
        setPage(await api.events.list({ beforeSeq: before, limit: PAGE_SIZE }));
        setBeforeSeq(before);
        setExpanded(null);
      } catch (err) {
        onError(err);
      } finally {
        setLoading(false);
      }
    },
    [onError],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(undefined), 0);
    return () => clearTimeout(timer);
  }, [load, reloadKey]);

  const events = page?.events ?? [];
  const newest = events[0];
  const oldest = events[events.length - 1];
  const hasNewer = beforeSeq !== undefined && newest !== undefined && page !== null && newest.seq < page.head.seq;

  return (
    <section className="timeline" aria-labelledby="timeline-caption" aria-busy={loading}>
      <div className="table-wrap">
        <table>
          <caption id="timeline-caption">{t.timeline.caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t.timeline.seq}
              </th>
              <th scope="col">{t.timeline.time}</th>
              <th scope="col">{t.timeline.actor}</th>
              <th scope="col">{t.timeline.type}</th>
              <th scope="col">{t.timeline.hash}</th>
              <th scope="col">
                <span className="visually-hidden">{t.timeline.details}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page !== null && events.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t.timeline.empty}
                </td>
              </tr>
            )}
            {events.map((event) => {
              const open = expanded === event.seq;
              const detailId = `event-${event.seq}-detail`;
              return (
                <Fragment key={event.seq}>
                  <tr data-seq={event.seq} data-type={event.type}>
                    <td className="num mono">{event.seq}</td>
                    <td>
                      <time dateTime={event.at} title={event.at}>
                        {formatTime(event.at)}
                      </time>
                    </td>
                    <td>{event.actor}</td>
                    <td className="mono">{event.type}</td>
                    <td className="mono" title={event.hash}>
                      {shortHash(event.hash)}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="small"
                        aria-expanded={open}
                        aria-controls={open ? detailId : undefined}
                        aria-label={format(open ? t.timeline.hideDetails : t.timeline.showDetails, { seq: event.seq })}
                        onClick={() => setExpanded(open ? null : event.seq)}
                      >
                        {t.timeline.details}
                      </button>
                    </td>
                  </tr>
                  {open && (
                    <tr className="detail-row" id={detailId}>
                      <td colSpan={6}>
                        <dl className="detail">
                          <dt>{t.timeline.fullHash}</dt>
                          <dd className="mono">{event.hash}</dd>
                          <dt>{t.timeline.prevHash}</dt>
                          <dd className="mono">{event.prevHash}</dd>
                          <dt>{t.timeline.payload}</dt>
                          <dd>
                            <pre>{JSON.stringify(event.payload, null, 2)}</pre>
                          </dd>
                        </dl>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t.timeline.heading}>
        <span className="hint">{newest && oldest && page ? format(t.timeline.range, { from: oldest.seq, to: newest.seq, total: page.head.seq }) : ''}</span>
        <div className="pager-buttons">
          <button type="button" onClick={() => void load(beforeSeq)} disabled={loading}>
            {t.timeline.refresh}
          </button>
          <button
            type="button"
            disabled={!hasNewer || loading}
            onClick={() => {
              const next = (newest?.seq ?? 0) + PAGE_SIZE + 1;
              void load(page && next > page.head.seq ? undefined : next);
            }}
          >
            {t.timeline.newer}
          </button>
          <button type="button" disabled={!page?.hasOlder || loading} onClick={() => void load(oldest?.seq)}>
            {t.timeline.older}
          </button>
        </div>
      </nav>
    </section>
  );
}
