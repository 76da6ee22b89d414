import { DomainError } from '../../core/errors.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { getProject, type ProjectRecord } from '../projects/projects.ts';
import type { UserRecord } from '../access/users.ts';

/**
 * Who may open a case (issue 19), in one place. A case is a report seen through /api/v1/cases/:caseId. Two kinds of
 * caller reach it: a party whose accepted invitation names this report and this account, and a member of the
 * report's project who may read reports. Everyone else — a party of another case, a member of another project,
 * an unknown id — gets the same 404, so a case's existence never leaks. A party is never a project member, so the
 * project routes (queue, report, reporter thread, notes) stay closed to it by construction.
 */

export interface CaseReport {
  id: string;
  projectId: string;
  trackingId: string;
  embargoUntil: Date | null;
  titleSealed: Uint8Array;
  keyId: string;
}

export interface PartyRow {
  id: string;
  name: string;
  email: string;
  role: string;
  userId: string;
  lastReadSeq: number;
}

export type CaseCaller =
  | { kind: 'maintainer'; actor: Actor; report: CaseReport; project: ProjectRecord; label: string }
  | { kind: 'party'; party: PartyRow; report: CaseReport; project: ProjectRecord; label: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const noSuchCase = () => new DomainError('not_found', 'No such case');

export async function caseReport(db: DbOrTx, caseId: string): Promise<CaseReport | null> {
  if (!UUID.test(caseId)) return null;
  const r = await db.selectFrom('reports').select(['id', 'project_id', 'tracking_id', 'embargo_until', 'title_sealed', 'key_id']).where('id', '=', caseId).executeTakeFirst();
  return r ? { id: r.id, projectId: r.project_id, trackingId: r.tracking_id, embargoUntil: r.embargo_until, titleSealed: r.title_sealed, keyId: r.key_id } : null;
}

export interface CaseCredentials {
  user: UserRecord | null;
  /** The API token's project limit, if the caller came with a limited token. */
  tokenProjectIds: string[] | null;
  /** The caller's actor on a project (as the project hook computes it). */
  actorOn(project: ProjectRecord): Promise<Actor | null>;
  label: string;
}

/** The caller on the case, or 404 (401 when anonymous). */
export async function resolveCase(ctx: ServiceContext, caseId: string, who: CaseCredentials): Promise<CaseCaller> {
  if (!who.user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
  const report = await caseReport(ctx.db, caseId);
  if (!report) throw noSuchCase();
  const slug = await ctx.db.selectFrom('projects').select('slug').where('id', '=', report.projectId).executeTakeFirstOrThrow();
  const project = await getProject(ctx.db, slug.slug);
  if (who.tokenProjectIds && !who.tokenProjectIds.includes(project.id)) throw noSuchCase();
  if (!who.user.twoFactor && project.policy.access?.require_two_factor) {
    throw new DomainError('two-factor-required', `Project ${project.slug} requires two-factor authentication: add an authenticator app or a passkey on your account page first`);
  }
  const party = await ctx.db
    .selectFrom('case_parties')
    .select(['id', 'name', 'email', 'role', 'user_id', 'last_read_seq'])
    .where('report_id', '=', report.id)
    .where('user_id', '=', who.user.id)
    .where('accepted_at', 'is not', null)
    .executeTakeFirst();
  const actor = await who.actorOn(project);
  if (actor && (actor.siteAdmin || actor.role !== null)) {
    authorize(actor, 'report:read');
    return { kind: 'maintainer', actor, report, project, label: who.label };
  }
  if (party && party.user_id) {
    return {
      kind: 'party',
      party: { id: party.id, name: party.name, email: party.email, role: party.role, userId: party.user_id, lastReadSeq: Number(party.last_read_seq) },
      report,
      project,
      label: `${who.label} (party ${party.id})`,
    };
  }
  throw noSuchCase();
}
