import type { ReportBody } from './submission.ts';
import { OPEN_STATES, REPORT_STATES, type ReportState } from './states.ts';

/** States in which a report is closed towards its reporter: the retention clock runs from the last move into one. */
export const CLOSED_STATES: readonly ReportState[] = REPORT_STATES.filter((s) => !OPEN_STATES.includes(s));

/** What an erasure takes out of a report, named in its audit entry (the names, never the values). */
export const ERASED_PARTS = [
  'reporter_email',
  'reporter_name',
  'reporter_public_key',
  'signer_fingerprint',
  'mail_reply_addresses',
  'reporter_mails',
  'reporter_digest',
  'reporter_address_hash',
  'search_terms',
] as const;

/**
 * The report's body without its reporter's contact data: the address always; the name and credit name unless the
 * reporter asked to be credited (then they are what the advisory and Hall of Fame print). Everything the reporter
 * wrote about the vulnerability stays: it is the report.
 */
export function erasedReporterBody(body: ReportBody, creditChoice: string): ReportBody {
  const credited = creditChoice === 'credit';
  return {
    ...body,
    reporter_email: null,
    reporter_name: credited ? body.reporter_name : null,
    credit_name: credited ? body.credit_name : null,
  };
}

/** Addresses compared as mail compares them in practice: trimmed, case-insensitive. */
export const sameAddress = (a: string | null | undefined, b: string | null | undefined): boolean =>
  Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
