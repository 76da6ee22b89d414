import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Advisory } from '../../core/advisories/index.ts';
import type { Tx } from '../context.ts';

export type CveAction = 'publish' | 'update' | 'reject';

/** What a change of a public advisory asks of CVE Services: publish its record, update it, or reject the ID. */
export function cveActionOf(next: Pick<Advisory, 'state'>): CveAction | null {
  switch (next.state) {
    case 'published':
      return 'publish';
    case 'amended':
      return 'update';
    case 'withdrawn':
      return 'reject';
    default:
      return null;
  }
}

/**
 * Queues the CVE Services call an advisory's change asks for, in the transaction of the change, when the project is
 * a CNA (it has credentials) and the advisory's CVE ID was reserved through Embargo. Nothing is sent before the
 * advisory is public, so the record keeps the advisory's embargo. A waiting call of the same advisory takes the new
 * action (the record is rendered when sent, from the advisory as it is then).
 */
export async function queueCvePublication(tx: Tx, input: { projectId: string; advisoryRowId: string; advisory: Advisory; actorLabel: string; at: Date }): Promise<boolean> {
  const action = cveActionOf(input.advisory);
  const cveId = input.advisory.cve_id;
  if (!action || !cveId) return false;
  const owned = await tx
    .selectFrom('cve_ids')
    .innerJoin('cve_settings', 'cve_settings.project_id', 'cve_ids.project_id')
    .select('cve_ids.cve_id')
    .where('cve_ids.project_id', '=', input.projectId)
    .where('cve_ids.cve_id', '=', cveId)
    .executeTakeFirst();
  if (!owned) return false;
  await sql`
    insert into cve_publications (id, project_id, advisory_id, cve_id, action, status, attempts, next_attempt_at, created_by, created_at)
    values (${randomUUID()}, ${input.projectId}, ${input.advisoryRowId}, ${cveId}, ${action}, 'pending', 0, ${input.at}, ${input.actorLabel}, ${input.at})
    on conflict (advisory_id) where status = 'pending'
    do update set action = excluded.action, cve_id = excluded.cve_id, next_attempt_at = least(cve_publications.next_attempt_at, excluded.next_attempt_at)`.execute(tx);
  return true;
}
