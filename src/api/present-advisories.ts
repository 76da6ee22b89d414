import type { AdvisorySummary, AdvisoryView } from '../services/advisories/advisories.ts';
import type { StoredRevision } from '../services/advisories/store.ts';
import { advisoryUrl } from '../services/advisories/disclosure.ts';
import type { AdvisoryRevision, AdvisorySummary as AdvisorySummaryJson, AdvisoryView as AdvisoryViewJson } from './schemas/advisories.ts';

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

export const presentAdvisorySummary = (s: AdvisorySummary): AdvisorySummaryJson => ({
  id: s.id,
  state: s.state,
  title: s.title,
  cve_id: s.cveId,
  report_tracking_id: s.reportTrackingId,
  publish_at: isoOrNull(s.publishAt),
  published_at: isoOrNull(s.publishedAt),
  updated_at: s.updatedAt.toISOString(),
  revision: s.revision,
});

/** The API view: the document, what is still wrong with it, and where it is (or will be) public. */
export function presentAdvisoryView(publicUrl: string, slug: string, v: AdvisoryView): AdvisoryViewJson {
  const api = `/api/v1/projects/${slug}/advisories/${v.advisory.id}`;
  return {
    advisory: v.advisory,
    problems: v.problems,
    revision: v.revision,
    report_tracking_id: v.reportTrackingId,
    announced_at: isoOrNull(v.announcedAt),
    embargo_follows_report: v.embargoFollowsReport,
    public_url: advisoryUrl(publicUrl, slug, v.advisory.id),
    exports: {
      osv: `${api}?format=osv`,
      cve: `${api}?format=cve`,
      csaf: `${api}?format=csaf`,
    },
  };
}

export const presentRevision = (r: StoredRevision): AdvisoryRevision => ({
  number: r.number,
  state: r.state,
  summary: r.summary,
  note: r.note,
  actor: r.actor,
  created_at: r.createdAt.toISOString(),
  document: r.document,
});
