import type { SlaEvent } from '../../core/sla/types.ts';
import type { DbOrTx } from '../context.ts';

/** Report events are stored as the SLA clock's own event vocabulary, so the clock replays them directly. */
export async function recordEvent(db: DbOrTx, reportId: string, event: SlaEvent, actor: string): Promise<void> {
  const { kind, at, ...data } = event;
  await db.insertInto('report_events').values({ report_id: reportId, kind, at, data: JSON.stringify(data), actor }).execute();
}

export async function loadEvents(db: DbOrTx, reportIds: string[]): Promise<Map<string, SlaEvent[]>> {
  const byReport = new Map<string, SlaEvent[]>();
  if (!reportIds.length) return byReport;
  const rows = await db.selectFrom('report_events').selectAll().where('report_id', 'in', reportIds).orderBy('id').execute();
  for (const r of rows) {
    const list = byReport.get(r.report_id) ?? [];
    list.push({ kind: r.kind, at: r.at.toISOString(), ...(r.data as object) } as SlaEvent);
    byReport.set(r.report_id, list);
  }
  return byReport;
}
