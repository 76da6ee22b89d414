import type { SlaEvent } from '../../core/sla/types.ts';
import type { DbOrTx } from '../context.ts';
import { refreshQueueIndex } from './queue-index.ts';

export { loadEvents } from './event-log.ts';

/**
 * Report events are stored as the SLA clock's own event vocabulary, so the clock replays them directly. Writing
 * one also rewrites the report's queue index in the same transaction (./queue-index.ts): callers change the
 * report's state or severity before they record the event that says so.
 */
export async function recordEvent(db: DbOrTx, reportId: string, event: SlaEvent, actor: string): Promise<void> {
  const { kind, at, ...data } = event;
  await db.insertInto('report_events').values({ report_id: reportId, kind, at, data: JSON.stringify(data), actor }).execute();
  await refreshQueueIndex(db, reportId, new Date(at));
}
