import { sql } from 'kysely';
import type { SlaPolicy } from '../../core/sla/clock.ts';
import { keptDeadlines, type PolicyVersion } from '../../core/sla/promises.ts';
import type { Deadline, SlaEvent } from '../../core/sla/types.ts';
import type { DbOrTx } from '../../adapters/db/database.ts';

/**
 * The SLA promises a report holds (docs/sla.md, "Policy changes"): every version of its project's promises from the
 * one it was submitted under (`reports.policy_version`) on. A project's versions are few (one per SLA change), so
 * they are loaded whole, once per request or job tick, and each report takes its tail.
 */
export type SlaVersions = readonly PolicyVersion[];

/** Every SLA version of these projects, oldest first. */
export async function loadSlaVersions(db: DbOrTx, projectIds: readonly string[]): Promise<Map<string, PolicyVersion[]>> {
  const byProject = new Map<string, PolicyVersion[]>();
  if (!projectIds.length) return byProject;
  const rows = await db
    .selectFrom('policy_versions')
    .select(['project_id', 'version', 'sla', 'effective_at'])
    .where('project_id', '=', sql<string>`any(${[...projectIds]}::uuid[])`)
    .orderBy('project_id')
    .orderBy('version')
    .execute();
  for (const r of rows) {
    const list = byProject.get(r.project_id) ?? [];
    list.push({ version: r.version, effectiveAt: new Date(r.effective_at).toISOString(), policy: r.sla as SlaPolicy });
    byProject.set(r.project_id, list);
  }
  return byProject;
}

export async function slaVersionsOf(db: DbOrTx, projectId: string): Promise<PolicyVersion[]> {
  return (await loadSlaVersions(db, [projectId])).get(projectId) ?? [];
}

/**
 * A report's deadlines under the promises it holds. `current` stands in when the project has no stored version
 * (never after migration 0018; a guard, not a path).
 */
export function deadlinesOfReport(events: readonly SlaEvent[], versions: SlaVersions, reportVersion: number, current: SlaPolicy, now: Date): Deadline[] {
  const held = versions.filter((v) => v.version >= reportVersion);
  return keptDeadlines(events, held.length ? held : [{ version: reportVersion, effectiveAt: new Date(0).toISOString(), policy: current }], now);
}
