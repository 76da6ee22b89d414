import { sql } from 'kysely';
import type { SlaEvent } from '../../core/sla/types.ts';
import type { DbOrTx } from '../../adapters/db/database.ts';

/**
 * The events of some reports, oldest first, as the SLA clock reads them. The ids travel as one array parameter,
 * so the statement is the same for one report or ten thousand (PGlite refuses more than 65,535 parameters).
 */
export async function loadEvents(db: DbOrTx, reportIds: readonly string[]): Promise<Map<string, SlaEvent[]>> {
  const byReport = new Map<string, SlaEvent[]>();
  if (!reportIds.length) return byReport;
  const rows = await db
    .selectFrom('report_events')
    .select(['report_id', 'kind', 'at', 'data'])
    .where('report_id', '=', sql<string>`any(${[...reportIds]}::uuid[])`)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = byReport.get(r.report_id) ?? [];
    list.push({ kind: r.kind, at: r.at.toISOString(), ...(r.data as object) } as SlaEvent);
    byReport.set(r.report_id, list);
  }
  return byReport;
}
