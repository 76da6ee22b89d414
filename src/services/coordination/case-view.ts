import { aad } from '../reports/store.ts';
import type { ServiceContext } from '../context.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { requireReport } from '../reports/store.ts';
import { caseReport, noSuchCase, type CaseCaller } from './access.ts';
import { caseMessages, readMarker, unreadCount, type CaseMessageView } from './thread.ts';
import { reporterIdentityFor } from './reporter-identity.ts';
import { casePublished, currentStatuses, type StatusView } from './statuses.ts';

/**
 * The case page (issue 19) in a fixed number of queries whatever the size of the case: parties (one), current
 * statuses (one, DISTINCT ON over an index), the latest page of the thread (one), the unread marker and count (two), the reporter's consent (one, and the body only with it). A party
 * sees the parties' names and roles, its own statuses, and the others' only once the advisory is published; never
 * the reporter, the report's body, the reporter thread or the internal notes.
 */

export interface PartyView {
  id: string;
  name: string;
  role: string;
  joined: boolean;
  /** Maintainers only (a party never learns another party's address). */
  email: string | null;
  /** Current statuses; null when the caller may not see them yet (another party's, before publication). */
  statuses: StatusView[] | null;
}

export interface CaseView {
  id: string;
  tracking_id: string;
  title: string;
  project: { slug: string; name: string; time_zone: string };
  embargo_until: Date | null;
  published: boolean;
  viewer: { kind: 'maintainer' | 'party'; party_id: string | null; role: string };
  vulnerabilities: string[];
  parties: PartyView[];
  messages: CaseMessageView[];
  has_older_messages: boolean;
  last_read_seq: number;
  unread: number;
  /** Whether the reporter agreed to show parties who they are, and then who (null without consent). */
  reporter_consent: boolean;
  reporter: { name: string | null; email: string | null } | null;
}

export async function readCase(ctx: ServiceContext, caller: CaseCaller): Promise<CaseView> {
  const { report, project } = caller;
  const marker = await readMarker(ctx.db, caller);
  const [parties, statuses, messages, unread, published, advisories, identity] = await Promise.all([
    ctx.db.selectFrom('case_parties').select(['id', 'name', 'role', 'email', 'accepted_at']).where('report_id', '=', report.id).orderBy('name').orderBy('id').execute(),
    currentStatuses(ctx, report.id),
    caseMessages(ctx, caller),
    unreadCount(ctx, caller, marker),
    casePublished(ctx.db, report.id),
    ctx.db.selectFrom('advisories').select('cve_id').where('report_id', '=', report.id).where('cve_id', 'is not', null).execute(),
    reporterIdentityFor(ctx, caller),
  ]);
  const byParty = new Map<string, StatusView[]>();
  for (const s of statuses) byParty.set(s.party_id, [...(byParty.get(s.party_id) ?? []), s]);
  const ownId = caller.kind === 'party' ? caller.party.id : null;
  const seesAll = caller.kind === 'maintainer' || published;
  const oldest = messages[0]?.seq;
  const older = oldest === undefined ? false : (await ctx.db.selectFrom('case_messages').select('seq').where('report_id', '=', report.id).where('seq', '<', String(oldest)).limit(1).executeTakeFirst()) !== undefined;
  const cves = advisories.map((a) => a.cve_id).filter((c): c is string => c !== null);
  return {
    id: report.id,
    tracking_id: report.trackingId,
    title: ctx.sealer.open(report.keyId, report.titleSealed, aad(report.id, 'title')).toString('utf8'),
    project: { slug: project.slug, name: project.name, time_zone: project.policy.response.timezone },
    embargo_until: report.embargoUntil,
    published,
    viewer: caller.kind === 'party' ? { kind: 'party', party_id: caller.party.id, role: caller.party.role } : { kind: 'maintainer', party_id: null, role: caller.actor.siteAdmin ? 'admin' : (caller.actor.role ?? 'viewer') },
    vulnerabilities: [...new Set([...cves, report.trackingId])],
    parties: parties.map((p) => ({
      id: p.id,
      name: p.name,
      role: p.role,
      joined: p.accepted_at !== null,
      email: caller.kind === 'maintainer' ? p.email : null,
      statuses: seesAll || p.id === ownId ? (byParty.get(p.id) ?? []) : null,
    })),
    messages,
    has_older_messages: older,
    last_read_seq: marker,
    unread,
    reporter_consent: identity.consent,
    reporter: identity.reporter,
  };
}

/** The maintainers' view of a report's case from the project side (GET …/reports/:trackingId/parties): members only. */
export async function readCaseOfReport(ctx: ServiceContext, project: ProjectRecord, trackingId: string, actor: Actor | null, label: string): Promise<CaseView> {
  // Before anything is looked up: a party of this very case is no member and gets 404 here like any stranger.
  authorize(actor, 'report:read');
  const row = await requireReport(ctx, project, trackingId);
  const report = await caseReport(ctx.db, row.id);
  if (!report) throw noSuchCase();
  return readCase(ctx, { kind: 'maintainer', actor: actor as Actor, report, project, label });
}
