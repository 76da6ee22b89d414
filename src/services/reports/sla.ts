import { authorize, type Actor } from '../../core/access/permissions.ts';
import { OPEN_STATES, type ReportState } from '../../core/reports/states.ts';
import { isOutstanding, worstFirst } from '../../core/sla/clock.ts';
import type { Deadline } from '../../core/sla/types.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { listReports } from './index.ts';

export interface SlaEntry extends Deadline {
  trackingId: string;
  title: string;
  state: ReportState;
  severity: string | null;
}

/** Every outstanding deadline of the project's open reports, breached first, then the soonest due. */
export async function slaView(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, opts: { dueWithinMs?: number } = {}): Promise<SlaEntry[]> {
  authorize(actor, 'sla:read');
  const reports = await listReports(ctx, project, actor, { state: [...OPEN_STATES] });
  const entries: SlaEntry[] = [];
  for (const r of reports) {
    for (const d of r.deadlines) {
      if (!isOutstanding(d)) continue;
      if (opts.dueWithinMs !== undefined && d.status !== 'breached' && (d.remainingMs ?? 0) > opts.dueWithinMs) continue;
      entries.push({ ...d, trackingId: r.trackingId, title: r.title, state: r.state, severity: r.severity });
    }
  }
  return entries.sort(worstFirst);
}
