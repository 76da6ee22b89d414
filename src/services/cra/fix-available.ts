import type { Advisory } from '../../core/advisories/types.ts';
import type { Tx } from '../context.ts';
import { recordEvent } from '../reports/events.ts';

/**
 * Records, once, that a corrective measure became available for the advisory's report: when the advisory names a
 * fixed version of some branch or is published. The CRA final-report clock starts from it (docs/cra.md).
 */
export async function noteFixAvailable(tx: Tx, reportId: string | null, advisory: Pick<Advisory, 'affected' | 'state'>, actorLabel: string, at: Date): Promise<void> {
  if (!reportId) return;
  const fixed = advisory.affected.some((a) => a.branches.some((b) => b.status === 'fixed' && b.fixed));
  const published = advisory.state === 'published' || advisory.state === 'amended';
  if (!fixed && !published) return;
  const already = await tx.selectFrom('report_events').select('id').where('report_id', '=', reportId).where('kind', '=', 'fix-available').executeTakeFirst();
  if (already) return;
  await recordEvent(tx, reportId, { kind: 'fix-available', at: at.toISOString(), source: fixed ? 'advisory-fixed-version' : 'advisory-published' }, actorLabel);
}

