import { reporterFacingReason } from '../core/reports/states.ts';
import type { CvssResult } from '../core/cvss/index.ts';
import type { CvssAssessment } from '../core/reports/severity-from-cvss.ts';
import type { Deadline } from '../core/sla/types.ts';
import type { ProjectRecord } from '../services/projects/projects.ts';
import type { QueueItem, ReportDetail, ReportSummary, SubmitResult } from '../services/reports/index.ts';
import { presentEncryption } from './present-pgp.ts';
import { OSV_DATA_HELP } from '../core/scanner/missing-data.ts';
import { advisoryUrl } from '../services/advisories/disclosure.ts';
import type { PublicAdvisoryLink } from '../services/reports/views.ts';
import type { ScanDetail, ScanSummary, StoredFinding } from '../services/scanning/scans.ts';
import type { SlaEntry } from '../services/reports/sla.ts';
import type { Deadline as DeadlineJson, SlaEntry as SlaEntryJson, SubmissionCreated } from './schemas.ts';
import type { CvssAssessment as CvssAssessmentJson, QueueItem as QueueItemJson, ReportDetail as ReportDetailJson, ReporterView, ReportSummary as ReportSummaryJson, ThreadAttachment, ThreadMessage } from './schemas/reports.ts';
import type { CvssScore } from './schemas/cvss.ts';
import type { Member, PendingInvitation, Project, ProjectListItem } from './schemas/projects.ts';
import type { ProjectRole } from '../core/access/permissions.ts';
import type { Finding, Scan, ScanSummary as ScanSummaryJson } from './schemas/scans.ts';

/**
 * Explicit presenters: what leaves the server is chosen field by field, never a database row. Each returns the
 * Static type of its response schema (./schemas/), which Fastify serialises with: the two cannot drift.
 */
export const presentDeadline = (d: Deadline): DeadlineJson => ({
  clock: d.clock,
  due_at: d.dueAt,
  status: d.status,
  met_at: d.metAt ?? null,
  remaining_ms: d.remainingMs ?? null,
  promise: d.promise,
});

export const presentSummary = (r: ReportSummary): ReportSummaryJson => ({
  tracking_id: r.trackingId,
  assignee: r.assignee,
  title: r.title,
  state: r.state,
  severity: r.severity,
  category: r.category,
  affected_version: r.affectedVersion,
  classification: r.classification,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
  deadlines: r.deadlines.map(presentDeadline),
});

export const presentQueueItem = (r: QueueItem): QueueItemJson => ({
  ...presentSummary(r),
  source: r.source,
  next_deadline: r.next ? presentDeadline(r.next) : null,
  queue_order: r.queueOrder,
});

const presentThread = (d: ReportDetail, slug: string | null): { messages: ThreadMessage[]; attachments: ThreadAttachment[] } => ({
  messages: d.messages.map((m) => ({
    id: m.id,
    author: m.author,
    author_name: m.authorName,
    internal: m.internal,
    body: m.body,
    created_at: m.createdAt.toISOString(),
  })),
  attachments: d.attachments.map((a) => ({
    id: a.id,
    filename: a.filename,
    content_type: a.contentType,
    size: a.size,
    sha256: a.sha256,
    message_id: a.messageId,
    created_at: a.createdAt.toISOString(),
    ...(slug ? { url: `/api/v1/projects/${slug}/reports/${d.trackingId}/attachments/${a.id}` } : {}),
  })),
});

export const presentDetail = (d: ReportDetail, slug: string): ReportDetailJson => ({
  ...presentSummary(d),
  body: d.body,
  cvss: presentAssessment(d.cvss),
  rejection_reason: d.rejectionReason,
  duplicate_of: d.duplicateOf,
  credit_choice: d.creditChoice,
  terms_accepted: d.termsAccepted,
  source: d.source,
  embargo_until: d.embargoUntil?.toISOString() ?? null,
  allowed_transitions: [...d.allowedTransitions],
  encryption: presentEncryption(d.encryption),
  duplicate_candidates: d.duplicateCandidates.map((c) => ({ tracking_id: c.trackingId, score: c.score, reasons: [...c.reasons] })),
  known_advisories: d.knownAdvisories.map((a) => ({ id: a.id, score: a.score, reasons: [...a.reasons] })),
  quality_signals: d.qualitySignals.map((q) => ({ key: q.key, status: q.status, text: q.text })),
  ...presentThread(d, slug),
});

/** What the reporter sees: their own words, status, the deadlines owed to them, the non-internal thread. */
export const presentReporterView = (d: ReportDetail, project: ProjectRecord, advisory: PublicAdvisoryLink | null, publicUrl: string): ReporterView => ({
  project: { slug: project.slug, name: project.name },
  tracking_id: d.trackingId,
  title: d.title,
  state: d.state,
  severity: d.severity,
  rejection_reason: reporterFacingReason(d.rejectionReason),
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
  deadlines: d.deadlines.map(presentDeadline),
  body: d.body,
  affected_version: d.affectedVersion,
  cvss: presentAssessment(d.cvss),
  advisory: advisory ? { id: advisory.id, title: advisory.title, url: advisoryUrl(publicUrl, project.slug, advisory.id) } : null,
  ...presentThread(d, null),
});

export const presentSlaEntry = (e: SlaEntry): SlaEntryJson => ({
  tracking_id: e.trackingId,
  title: e.title,
  state: e.state,
  severity: e.severity,
  ...presentDeadline(e),
});

export const presentProject = (p: ProjectRecord): Project => ({
  slug: p.slug,
  name: p.name,
  tracking_prefix: p.trackingPrefix,
  hosts: p.hosts,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});

/** The same object `embargo cvss --json` prints. */
export function presentCvss(r: CvssResult): CvssScore {
  const common = { vector: r.vector, score: r.score, severity: r.severity, base_score: r.baseScore };
  return r.version === '4.0'
    ? { version: r.version, ...common, nomenclature: r.nomenclature, macro_vector: r.macroVector }
    : {
        version: r.version,
        ...common,
        temporal_score: r.temporalScore,
        environmental_score: r.environmentalScore,
        impact_sub_score: r.impactSubScore,
        exploitability_sub_score: r.exploitabilitySubScore,
      };
}

export const presentAssessment = (a: CvssAssessment): CvssAssessmentJson => ({
  v3: a.v3 ? presentCvss(a.v3) : null,
  v4: a.v4 ? presentCvss(a.v4) : null,
  /** Which vector decides the severity ('4.0' | '3.x'), or null when severity is set by hand. */
  driven_by: a.drivenBy,
});

export const presentFinding = (f: StoredFinding, slug: string, scanId: string): Finding => ({
  id: f.findingId,
  ecosystem: f.ecosystem,
  package: f.package,
  version: f.version,
  line: f.line,
  advisory: f.id,
  aliases: f.aliases,
  summary: f.summary,
  severity: f.severity,
  cvss_score: f.cvssScore,
  fixed: f.fixed,
  report_tracking_id: f.reportTrackingId,
  report_url: `/api/v1/projects/${slug}/scans/${scanId}/findings/${f.findingId}/report`,
});

export const presentScanSummary = (s: ScanSummary): ScanSummaryJson => ({
  id: s.id,
  kind: s.kind,
  tool: s.tool,
  filename: s.filename,
  format: s.format,
  sha256: s.sha256,
  packages: s.packages,
  findings: s.findings,
  unchecked: s.unchecked,
  advisories_checked: s.advisoriesChecked,
  created_by: s.createdBy,
  created_by_name: s.createdByName,
  created_at: s.createdAt.toISOString(),
});

/** How a running server takes OSV data (docs/scanner.md). */
const SERVER_OSV_IMPORT = 'Put them in the folder named by EMBARGO_OSV_DIR (imported by the server within minutes), or run "embargo osv import" where the database is not in use.';

export const presentScan = (s: ScanDetail, slug: string): Scan => ({
  id: s.id,
  kind: s.kind,
  tool: s.tool,
  filename: s.filename,
  format: s.format,
  sha256: s.sha256,
  packages: s.packages,
  advisories_checked: s.advisoriesChecked,
  created_by: s.createdBy,
  created_by_name: s.createdByName,
  created_at: s.createdAt.toISOString(),
  findings: s.findings.map((f) => presentFinding(f, slug, s.id)),
  unchecked: s.unchecked.map((u) => ({ ecosystem: u.ecosystem, name: u.name, spec: u.spec, reason: u.reason, line: u.line ?? null, ref: u.ref ?? null })),
  missing_ecosystems: s.missingEcosystems,
  osv_data_help: s.missingEcosystems.length ? `${OSV_DATA_HELP} ${SERVER_OSV_IMPORT}` : null,
  issues: s.issues.map((i) => ({
    id: i.issueId,
    file: i.file,
    line: i.line,
    check: i.check,
    rule: i.rule,
    severity: i.severity,
    message: i.message,
    fingerprint: i.fingerprint,
    report_tracking_id: i.reportTrackingId,
    report_url: `/api/v1/projects/${slug}/scans/${s.id}/findings/${i.issueId}/report`,
  })),
  resolved: s.resolved.map((r) => ({ fingerprint: r.fingerprint, rule: r.rule, report_tracking_id: r.reportTrackingId })),
});


/** The answer to an accepted submission: the reporter's only chance to keep their private link. */
export const presentSubmissionCreated = (result: SubmitResult): SubmissionCreated => ({
  tracking_id: result.trackingId,
  reporter_token: result.reporterToken,
  reporter_link: result.reporterLink,
  reporter_api: `/api/v1/reporter/${result.reporterToken}`,
  classification: result.classification,
  created_at: result.createdAt.toISOString(),
  notice: 'Keep the reporter link private: it is the only way to follow this report, and it cannot be shown again.',
});

/** A project in the public list: no more than its name. */
export const presentProjectListItem = (p: ProjectRecord): ProjectListItem => ({ slug: p.slug, name: p.name });

/** A member of a project and their role. */
export const presentInvitation = (i: { email: string; role: string; created_at: Date; expires_at: Date }): PendingInvitation => ({
  email: i.email,
  role: i.role as ProjectRole,
  invited_at: i.created_at.toISOString(),
  expires_at: i.expires_at.toISOString(),
});
export const presentMember = (m: { email: string; name: string; role: string; created_at: Date }): Member => ({ email: m.email, name: m.name, role: m.role as ProjectRole, since: m.created_at.toISOString() });
