import type { Severity } from '../../core/severity.ts';
import { reporterStatusPath } from '../../core/ui-paths.ts';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../core/errors.ts';
import { validateSubmission, type ReportBody, type SubmissionInput, type Classification } from '../../core/reports/submission.ts';
import { hashToken, newSecretToken } from '../../adapters/crypto/tokens.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { getProjectForIntake, type ProjectRecord } from '../projects/projects.ts';
import { sealAttachment, sniffAttachments, type IncomingFile } from './attachments.ts';
import type { PreparedReport } from './intake-writer.ts';
import { aad } from './store.ts';
import { decryptSubmission, encryptionColumns, rawSubmission, reporterKeyColumns, type IntakeEncryption, type SubmissionWithKey } from '../pgp/intake.ts';
import { acknowledgementRows, type AcknowledgementOptions } from '../mail/notify.ts';
import { holdDecision, holdReport, senderOf } from './review.ts';

type NewReportRow = PreparedReport['report'];
type Sealed = { keyId: string; sealed: Uint8Array };

/** A new report's row: state `new`, nothing triaged yet; `fields` carry what the source knows. */
function newReportRow(
  project: ProjectRecord,
  id: string,
  title: Sealed,
  body: Sealed,
  now: Date,
  fields: Partial<NewReportRow> & Pick<NewReportRow, 'source' | 'reporter_token_hash'>,
): NewReportRow {
  return {
    id,
    project_id: project.id,
    state: 'new',
    rejection_reason: null,
    duplicate_of: null,
    severity: null,
    cvss_v3_vector: null,
    cvss_v4_vector: null,
    category: null,
    affected_version: null,
    version_status: 'not-given',
    version_matched: null,
    scope_status: 'not-given',
    credit_choice: 'anonymous',
    terms_accepted: false,
    title_sealed: title.sealed,
    body_sealed: body.sealed,
    key_id: title.keyId,
    embargo_until: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

export interface SubmitResult {
  trackingId: string;
  reporterToken: string;
  reporterLink: string;
  classification: Classification;
  createdAt: Date;
}

/**
 * Public intake. Everything (report, sealed body, attachments, first event, audit entry) commits in one
 * transaction before the caller answers 201: an acknowledged report is durable.
 */
export interface Submission {
  slug: string;
  input: SubmissionWithKey;
  files: IncomingFile[];
  source: 'web' | 'api' | 'email';
  /** How it arrived when it came OpenPGP-encrypted (decrypted by the web/API path or the mail intake). */
  encryption?: IntakeEncryption | undefined;
  mail?: AcknowledgementOptions;
  /** The peer address it came from (HTTP client or SMTP client): checked against network blocks, never stored. */
  remoteAddress?: string | null | undefined;
}

export async function submitReport(ctx: ServiceContext, submission: Submission): Promise<SubmitResult> {
  const { slug, input, files, source, encryption, mail = {} } = submission;
  const project = await getProjectForIntake(ctx, slug);
  const valid = validateSubmission(input, project.policy);
  const sniffed = await sniffAttachments(files);
  const now = ctx.now();
  const reporterToken = newSecretToken();
  const id = randomUUID();
  const reporterKey = await reporterKeyColumns(ctx, id, input.reporter_public_key);
  const title = ctx.sealer.seal(valid.title, aad(id, 'title'));
  const body = ctx.sealer.seal(JSON.stringify(valid.body), aad(id, 'body'));
  const sealedFiles = sniffed.map((f) => ({ ...sealAttachment(ctx.sealer, id, f), report_id: id, message_id: null, created_at: now }));

  const report = newReportRow(project, id, title, body, now, {
    cvss_v3_vector: valid.cvss.v3,
    cvss_v4_vector: valid.cvss.v4,
    category: valid.category,
    affected_version: valid.affected_version,
    version_status: valid.classification.version_status,
    version_matched: valid.classification.version_matched,
    scope_status: valid.classification.scope_status,
    credit_choice: valid.credit_choice,
    terms_accepted: valid.terms_accepted,
    source,
    reporter_token_hash: hashToken(reporterToken),
    ...encryptionColumns(encryption),
    ...reporterKey,
  });
  const auditData = { source, attachments: sealedFiles.length, flags: valid.classification.flags, encrypted: encryption?.encrypted ?? false, signature: encryption?.signature ?? 'none' };
  const reporterLink = `${ctx.publicUrl}${reporterStatusPath(project.slug, reporterToken)}`;
  const ack = { ...mail, reporterEmail: valid.body.reporter_email, reporterLink, submittedAt: now };
  // A blocked sender, or a first-time reporter the policy holds: the review queue, answered exactly as below.
  const sender = senderOf(valid.body.reporter_email, [report.reporter_key_fingerprint, report.signer_fingerprint], submission.remoteAddress);
  const hold = await holdDecision(ctx, project, sender);
  const trackingId = hold
    ? await holdReport(ctx, { projectId: project.id, trackingPrefix: project.trackingPrefix, report, attachments: sealedFiles, auditData }, hold, ack)
    : await ctx.intakeWriter.write({
        projectId: project.id,
        trackingPrefix: project.trackingPrefix,
        report,
        attachments: sealedFiles,
        audit: { actor: 'reporter', action: 'report.submitted', projectId: project.id, reportId: id, data: auditData },
        // The acknowledgement mail (tracking ID, private link) commits with the report: it exists iff the report does.
        mailRows: (trackingId) =>
          acknowledgementRows(ctx, {
            ...ack,
            reportId: id,
            trackingId,
            project: { id: project.id, name: project.name, securityAddress: project.policy.contacts?.email ?? null },
          }),
      });
  return { trackingId, reporterToken, reporterLink, classification: valid.classification, createdAt: now };
}

export interface InternalReportInput {
  title: string;
  description: string;
  /** Where it came from, stored as the report's `source` (e.g. `scan`). */
  source: string;
  /** The severity it comes with (a finding's, from its advisory's CVSS): the fix clock runs on it from acceptance. */
  severity?: Severity | null;
  actorLabel: string;
  /** Audit data beyond the source. */
  auditData?: Record<string, unknown>;
  /** Writes that must commit with the report (see `PreparedReport.afterInsert`). */
  afterInsert?: (tx: Tx, report: { id: string; trackingId: string }) => Promise<void>;
}

/**
 * A report the maintainers file themselves (from a scan finding, say): the same intake path and group commit
 * as a submission (tracking ID, sealed title and body, `submitted` event, audit entry in one transaction), but
 * no reporter: no reporter link is handed out (a random token's hash fills the column), no terms, no credit.
 */
export async function createInternalReport(ctx: ServiceContext, project: ProjectRecord, input: InternalReportInput): Promise<{ trackingId: string; createdAt: Date }> {
  const title = input.title.trim().slice(0, 200);
  const description = input.description.trim();
  if (!title || !description) throw DomainError.validation([{ field: title ? 'description' : 'title', message: 'is required' }]);
  const now = ctx.now();
  const id = randomUUID();
  const body: ReportBody = {
    description,
    steps_to_reproduce: null,
    impact: null,
    environment: null,
    proof_of_concept: null,
    suggested_fix: null,
    reporter_name: null,
    reporter_email: null,
    credit_name: null,
  };
  const sealedTitle = ctx.sealer.seal(title, aad(id, 'title'));
  const sealedBody = ctx.sealer.seal(JSON.stringify(body), aad(id, 'body'));
  const trackingId = await ctx.intakeWriter.write({
    projectId: project.id,
    trackingPrefix: project.trackingPrefix,
    report: newReportRow(project, id, sealedTitle, sealedBody, now, {
      source: input.source,
      // Nobody holds a link to an internal report: the column is filled with the hash of a token never shown.
      reporter_token_hash: hashToken(newSecretToken()),
      severity: input.severity ?? null,
    }),
    attachments: [],
    internal: true,
    audit: { actor: input.actorLabel, action: 'report.created-internal', projectId: project.id, reportId: id, data: { source: input.source, ...(input.auditData ?? {}) } },
    eventActor: input.actorLabel,
    ...(input.afterInsert ? { afterInsert: (tx: Tx, trackingId: string) => (input.afterInsert as NonNullable<InternalReportInput['afterInsert']>)(tx, { id, trackingId }) } : {}),
  });
  return { trackingId, createdAt: now };
}

/**
 * The public web/API intake: armored (OpenPGP) fields are opened first — a submission that cannot be read is
 * quarantined and refused (422) — then the report is submitted as above.
 */
export async function receiveSubmission(
  ctx: ServiceContext,
  submission: { slug: string; body: SubmissionWithKey; files: IncomingFile[]; source: 'web' | 'api'; remoteAddress?: string | null },
): Promise<SubmitResult> {
  const { slug, body, files, source } = submission;
  const { input, encryption } = await decryptSubmission(ctx, slug, body, source, () => rawSubmission(body, files));
  return submitReport(ctx, { slug, input, files, source, encryption, remoteAddress: submission.remoteAddress });
}
