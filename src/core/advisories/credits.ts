import type { Policy } from '../policy/types.ts';
import type { CreditChoice } from '../reports/submission.ts';
import type { Credit } from './types.ts';

export interface ReportCreditInput {
  credit_choice: CreditChoice;
  /** The name the reporter asked to be credited as. */
  credit_name: string | null;
  reporter_name: string | null;
}

/**
 * The reporter's credit as the advisory carries it, or null when the policy does not credit reporters.
 * `anonymous` (or a credit request with no name at all) gives a credit without a name: the Hall of Fame
 * counts it, no export names it.
 */
export function creditFromReport(report: ReportCreditInput, policy: Pick<Policy, 'recognition'>): Credit | null {
  if (!policy.recognition.credit_in_advisory) return null;
  const name = report.credit_choice === 'credit' ? (report.credit_name?.trim() || report.reporter_name?.trim() || null) : null;
  return { name, type: 'finder' };
}
