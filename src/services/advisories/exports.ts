/** One advisory in OSV, CVE JSON 5 or CSAF 2.0, with the URLs under which Embargo publishes each. */
import type { Advisory } from '../../core/advisories/index.ts';
import { changelogEntry } from '../../core/advisories/index.ts';
import { DomainError } from '../../core/errors.ts';
import { toCsaf } from '../../core/formats/csaf.ts';
import { toCveCnaContainer, toCveRecord, type CveRecordVersion } from '../../core/formats/cve5.ts';
import { cveVersionOf } from '../cve/credentials.ts';
import { toOsv } from '../../core/formats/osv.ts';
import { toOpenVex, type PartyStatement } from '../../core/formats/openvex.ts';
import { toCsafVex } from '../../core/formats/csaf-vex.ts';
import { currentStatuses } from '../coordination/statuses.ts';
import type { Actor } from '../../core/access/permissions.ts';
import type { ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { readAdvisory } from './advisories.ts';
import { advisoryUrl } from './disclosure.ts';

export const EXPORT_FORMATS = ['osv', 'cve', 'csaf', 'csaf-vex', 'openvex'] as const;
/** The formats that carry the case parties' statuses (issue 19). */
export const VEX_FORMATS: readonly ExportFormat[] = ['csaf-vex', 'openvex'];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CNA named in a CVE export, when not this instance's own (`ctx.cna`). */
export interface CveOptions {
  /** The CNA's organisation UUID; required for the `cve` format unless the instance has one (Embargo is not a CNA itself). */
  cnaOrgId?: string | undefined;
  cnaShortName?: string | undefined;
  /** The CVE Record Format (default: the project's, else EMBARGO_CVE_RECORD_VERSION). */
  cveVersion?: CveRecordVersion | undefined;
}

export interface ExportResult {
  contentType: string;
  filename: string;
  document: unknown;
}

/** CSAF 5.1: the file name is the tracking id in lower case, every character outside `+`, `-`, a–z, 0–9 → `_`. */
export const csafFileName = (trackingId: string): string => `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;

/** CSAF 7.1.11 directory layout: `<year of initial release>/<file name>`. */
export const csafPath = (a: Advisory): string => `${(a.published_at ?? a.created_at).slice(0, 4)}/${csafFileName(a.id)}`;

export const csafUrl = (publicUrl: string, a: Advisory): string => `${publicUrl}/.well-known/csaf/${csafPath(a)}`;

/** The CSAF VEX document's tracking id: the advisory's with `-VEX`, so it never collides with the advisory's own CSAF. */
export const csafVexTrackingId = (a: Advisory): string => `${a.id}-VEX`;

/** Public URL of one export of a published advisory (the CSAF VEX file is named after its tracking id, CSAF 5.1). */
export const exportUrl = (publicUrl: string, slug: string, a: Advisory, format: ExportFormat): string =>
  format === 'csaf'
    ? csafUrl(publicUrl, a)
    : format === 'csaf-vex'
      ? `${advisoryUrl(publicUrl, slug, a.id)}/${csafFileName(csafVexTrackingId(a))}`
      : `${advisoryUrl(publicUrl, slug, a.id)}/${format}.json`;

export function csafOf(publicUrl: string, project: ProjectRecord, a: Advisory) {
  return toCsaf(a, project.policy, { namespace: publicUrl, trackingId: a.id, selfUrl: csafUrl(publicUrl, a) });
}

/**
 * The current statuses of the parties of the advisory's case (issue 19), for the VEX exports: every party's, as the
 * advisory is what makes them public (a maintainer's export of a draft is the maintainers' own view).
 */
export async function partyStatementsOf(ctx: ServiceContext, project: ProjectRecord, a: Advisory): Promise<PartyStatement[]> {
  const row = await ctx.db.selectFrom('advisories').select('report_id').where('project_id', '=', project.id).where('public_id', '=', a.id).executeTakeFirst();
  if (!row?.report_id) return [];
  const [statuses, parties] = await Promise.all([
    currentStatuses(ctx, row.report_id),
    ctx.db.selectFrom('case_parties').select(['id', 'name']).where('report_id', '=', row.report_id).execute(),
  ]);
  const names = new Map(parties.map((p) => [p.id, p.name]));
  return statuses.map((s) => ({
    partyName: names.get(s.party_id) ?? 'a party',
    vulnerability: s.vulnerability,
    product: s.product,
    versions: s.versions,
    status: s.status as PartyStatement['status'],
    justification: s.justification,
    fixedVersions: s.fixed_versions,
    statement: s.statement,
    changedAt: s.changed_at.toISOString(),
  }));
}

export function exportAdvisory(
  ctx: Pick<ServiceContext, 'publicUrl' | 'cna' | 'cveServices'>,
  project: ProjectRecord,
  a: Advisory,
  format: ExportFormat,
  override: CveOptions = {},
  parties: PartyStatement[] = [],
): ExportResult {
  const publicUrl = ctx.publicUrl;
  const cve = { cnaOrgId: override.cnaOrgId ?? ctx.cna?.orgId, cnaShortName: override.cnaShortName ?? ctx.cna?.shortName ?? undefined };
  const base = a.id.toLowerCase();
  switch (format) {
    case 'osv':
      return { contentType: 'application/json; charset=utf-8', filename: `${base}.osv.json`, document: toOsv(a, project.policy) };
    case 'csaf':
      return { contentType: 'application/json; charset=utf-8', filename: csafFileName(a.id), document: csafOf(publicUrl, project, a) };
    case 'csaf-vex':
      return {
        contentType: 'application/json; charset=utf-8',
        filename: csafFileName(csafVexTrackingId(a)),
        document: toCsafVex(a, project.policy, parties, {
          namespace: publicUrl,
          trackingId: csafVexTrackingId(a),
          selfUrl: exportUrl(publicUrl, project.slug, a, 'csaf-vex'),
          advisoryUrl: advisoryUrl(publicUrl, project.slug, a.id),
          reportTrackingId: a.report_id,
        }),
      };
    case 'openvex':
      return {
        contentType: 'application/json; charset=utf-8',
        filename: `${base}.openvex.json`,
        document: toOpenVex(a, parties, {
          id: exportUrl(publicUrl, project.slug, a, 'openvex'),
          author: `${project.name} security team`,
          timestamp: a.published_at ?? a.updated_at,
          version: Math.max(1, a.revisions.length),
          reportTrackingId: a.report_id,
        }),
      };
    case 'cve': {
      if (!cve.cnaOrgId) throw DomainError.validation([{ field: 'cna_org_id', message: "is required for the cve format: your CNA's organisation UUID" }]);
      const provider = { orgId: cve.cnaOrgId, ...(cve.cnaShortName ? { shortName: cve.cnaShortName } : {}), version: override.cveVersion ?? ctx.cveServices.recordVersion };
      // With a CVE id the full record; without one, the CNA container a CNA submits to get it published.
      const document = a.cve_id ? toCveRecord(a, project.policy, provider) : toCveCnaContainer(a, project.policy, provider);
      return { contentType: 'application/json; charset=utf-8', filename: `${base}.cve.json`, document };
    }
  }
}

/** A maintainer's export of a stored advisory (the read is audited as `export:<format>`). */
export async function exportStoredAdvisory(
  ctx: ServiceContext,
  project: ProjectRecord,
  id: string,
  actor: Actor | null,
  label: string,
  input: { format: ExportFormat } & CveOptions,
): Promise<ExportResult> {
  const view = await readAdvisory(ctx, project, id, actor, label, `export:${input.format}`);
  const parties = VEX_FORMATS.includes(input.format) ? await partyStatementsOf(ctx, project, view.advisory) : [];
  return checkedExport(ctx, project, view.advisory, input.format, input, parties);
}

/**
 * `exportAdvisory`, and for the CVE format a check against the CVE Record Format schema of the version written:
 * an export is either valid or refused (400) with its problems listed, never served invalid.
 */
export async function checkedExport(
  ctx: Pick<ServiceContext, 'publicUrl' | 'cna' | 'cveServices' | 'db'>,
  project: ProjectRecord,
  a: Advisory,
  format: ExportFormat,
  override: CveOptions = {},
  parties: PartyStatement[] = [],
): Promise<ExportResult> {
  if (format !== 'cve') return exportAdvisory(ctx, project, a, format, override, parties);
  const version = override.cveVersion ?? (await cveVersionOf(ctx, project.id));
  const out = exportAdvisory(ctx, project, a, format, { ...override, cveVersion: version }, parties);
  const kind = a.cve_id ? 'record' : 'cna';
  const problems = await ctx.cveServices.schemas.problems(out.document, kind, version);
  if (problems.length) {
    throw DomainError.validation(
      problems.map((p) => ({ field: `cve${p.field.replaceAll('/', '.')}`.replace(/\.$/, ''), message: p.message })),
      `The CVE ${version} export of ${a.id} is invalid against its schema: fix the advisory first`,
    );
  }
  return out;
}

export const changelogOf = (publicUrl: string, project: ProjectRecord, a: Advisory): string => changelogEntry(a, project.policy, advisoryUrl(publicUrl, project.slug, a.id));
