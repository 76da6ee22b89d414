import { DomainError } from '../../core/errors.ts';
import type { ReportBody } from '../../core/reports/submission.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { aad, reportForToken } from '../reports/store.ts';
import type { CaseCaller } from './access.ts';

/**
 * The reporter's identity in a case (issue 19). Parties never see who reported unless the reporter agreed, on their
 * own page (the private link). The reporter may withdraw until a party was first shown it (`shared_at`): what a
 * party has read cannot be unread. Giving, withdrawing and the first showing are audited.
 */

export interface IdentitySharing {
  consent: boolean;
  shared: boolean;
  /** Parties invited into the case so far (the reporter learns how many, never who). */
  parties: number;
}

async function sharingOf(ctx: ServiceContext, reportId: string): Promise<IdentitySharing> {
  const [consent, parties] = await Promise.all([
    ctx.db.selectFrom('reporter_identity_consents').select('shared_at').where('report_id', '=', reportId).executeTakeFirst(),
    ctx.db.selectFrom('case_parties').select((e) => e.fn.countAll<string>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow(),
  ]);
  return { consent: consent !== undefined, shared: (consent?.shared_at ?? null) !== null, parties: Number(parties.n) };
}

export async function identitySharing(ctx: ServiceContext, token: string): Promise<IdentitySharing> {
  const { row } = await reportForToken(ctx, token);
  return sharingOf(ctx, row.id);
}

export async function setIdentityConsent(ctx: ServiceContext, token: string, consent: boolean): Promise<IdentitySharing> {
  const { row, project } = await reportForToken(ctx, token);
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('reporter_identity_consents').select('shared_at').where('report_id', '=', row.id).forUpdate().executeTakeFirst();
    if (consent && !current) {
      await tx.insertInto('reporter_identity_consents').values({ report_id: row.id, consented_at: now }).onConflict((oc) => oc.column('report_id').doNothing()).execute();
      await appendAudit(tx, { actor: 'reporter', action: 'report.identity-consent', projectId: project.id, reportId: row.id }, now);
    } else if (!consent && current) {
      if (current.shared_at) throw new DomainError('conflict', 'Your name and address were already shown to the parties of the case: that cannot be withdrawn');
      const gone = await tx.deleteFrom('reporter_identity_consents').where('report_id', '=', row.id).where('shared_at', 'is', null).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 1) await appendAudit(tx, { actor: 'reporter', action: 'report.identity-consent-withdrawn', projectId: project.id, reportId: row.id }, now);
    }
  });
  return sharingOf(ctx, row.id);
}

export interface ReporterIdentity {
  consent: boolean;
  /** What parties see: null without consent. */
  reporter: { name: string | null; email: string | null } | null;
}

/**
 * The reporter as the caller may see them in the case: only with consent. The first party shown it makes it shared
 * (one conditional update, audited in its transaction); a withdrawal that won the race leaves nothing to show.
 */
export async function reporterIdentityFor(ctx: ServiceContext, caller: CaseCaller): Promise<ReporterIdentity> {
  const reportId = caller.report.id;
  const consent = await ctx.db.selectFrom('reporter_identity_consents').select('shared_at').where('report_id', '=', reportId).executeTakeFirst();
  if (!consent) return { consent: false, reporter: null };
  if (caller.kind === 'party' && consent.shared_at === null) {
    const now = ctx.now();
    const stillGiven = await ctx.db.transaction().execute(async (tx) => {
      const first = await tx.updateTable('reporter_identity_consents').set({ shared_at: now }).where('report_id', '=', reportId).where('shared_at', 'is', null).returning('report_id').executeTakeFirst();
      if (first) {
        await appendAudit(tx, { actor: caller.label, action: 'case.reporter-identity-shown', projectId: caller.project.id, reportId, data: { party: caller.party.id } }, now);
        return true;
      }
      return (await tx.selectFrom('reporter_identity_consents').select('report_id').where('report_id', '=', reportId).executeTakeFirst()) !== undefined;
    });
    if (!stillGiven) return { consent: false, reporter: null };
  }
  const row = await ctx.db.selectFrom('reports').select(['body_sealed', 'key_id']).where('id', '=', reportId).executeTakeFirstOrThrow();
  const body = openJson<ReportBody>(ctx.sealer, row.key_id, row.body_sealed, aad(reportId, 'body'));
  return { consent: true, reporter: { name: body.reporter_name, email: body.reporter_email } };
}
