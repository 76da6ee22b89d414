import type { AiDisclosure, Policy, ReportFieldName } from '../policy/types.ts';
import type { SupportStatus } from '../policy/types.ts';
import { classifyVersion } from '../policy/versions.ts';
import { classifyCategory, type ScopeClassification } from '../policy/scope.ts';
import { DomainError, type FieldProblem } from '../errors.ts';
import { slotOf, type CvssVectors } from './severity-from-cvss.ts';

export const CREDIT_CHOICES = ['credit', 'anonymous'] as const;
export type CreditChoice = (typeof CREDIT_CHOICES)[number];

/** The reporter's words: everything here is sealed at rest. */
export interface ReportBody {
  description: string;
  steps_to_reproduce: string | null;
  impact: string | null;
  environment: string | null;
  proof_of_concept: string | null;
  suggested_fix: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  credit_name: string | null;
  /** The answer to "Did you use AI tools? How?" when the policy asks (`intake.ai_disclosure`); absent in older bodies. */
  ai_disclosure?: string | null;
}

export interface SubmissionInput {
  title: string;
  description: string;
  steps_to_reproduce?: string | null;
  impact?: string | null;
  affected_version?: string | null;
  environment?: string | null;
  proof_of_concept?: string | null;
  suggested_fix?: string | null;
  category?: string | null;
  cvss_vector?: string | null;
  reporter_name?: string | null;
  reporter_email?: string | null;
  credit_name?: string | null;
  credit_choice?: CreditChoice | null;
  accept_terms?: boolean | null;
  ai_disclosure?: string | null;
}

export type VersionStatus = SupportStatus | 'unknown' | 'not-given';

export interface Classification {
  version_status: VersionStatus;
  version_matched: string | null;
  scope_status: ScopeClassification | 'not-given';
  /** Human-readable flags for the triage queue; a flagged report is never dropped. */
  flags: string[];
}

export interface ValidSubmission {
  title: string;
  body: ReportBody;
  affected_version: string | null;
  category: string | null;
  /** The reporter's vector, sorted into its CVSS generation. */
  cvss: CvssVectors;
  credit_choice: CreditChoice;
  terms_accepted: boolean;
  classification: Classification;
}

const trimmed = (v: string | null | undefined): string | null => {
  const t = typeof v === 'string' ? v.trim() : '';
  return t.length ? t : null;
};

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** Validates a submission against the project's policy; collects every problem before failing. */
export function validateSubmission(input: SubmissionInput, policy: Policy): ValidSubmission {
  const problems: FieldProblem[] = [];
  const title = trimmed(input.title);
  const description = trimmed(input.description);
  if (!title) problems.push({ field: 'title', message: 'is required' });
  if (!description) problems.push({ field: 'description', message: 'is required' });

  const body: ReportBody = {
    description: description ?? '',
    steps_to_reproduce: trimmed(input.steps_to_reproduce),
    impact: trimmed(input.impact),
    environment: trimmed(input.environment),
    proof_of_concept: trimmed(input.proof_of_concept),
    suggested_fix: trimmed(input.suggested_fix),
    reporter_name: trimmed(input.reporter_name),
    reporter_email: trimmed(input.reporter_email),
    credit_name: trimmed(input.credit_name),
    ai_disclosure: aiDisclosureOf(policy) === 'off' ? null : trimmed(input.ai_disclosure),
  };
  const affected_version = trimmed(input.affected_version);
  const category = trimmed(input.category);
  const cvss_vector = trimmed(input.cvss_vector);

  if (body.reporter_email && !EMAIL.test(body.reporter_email)) {
    problems.push({ field: 'reporter_email', message: 'is not an email address' });
  }
  const present: Record<ReportFieldName, unknown> = {
    steps_to_reproduce: body.steps_to_reproduce,
    impact: body.impact,
    affected_version,
    environment: body.environment,
    proof_of_concept: body.proof_of_concept,
    suggested_fix: body.suggested_fix,
    category,
    cvss_vector,
    reporter_email: body.reporter_email,
  };
  for (const field of policy.intake.required_fields ?? []) {
    if (!present[field]) problems.push({ field, message: `is required by the ${policy.project.name} security policy` });
  }
  if (category && !knownCategory(policy, category)) {
    const ids = [...policy.scope.in_scope, ...policy.scope.out_of_scope].map((s) => s.id);
    if (ids.length) problems.push({ field: 'category', message: `must be one of: ${ids.join(', ')}, or "other"` });
  }
  const cvss: CvssVectors = { v3: null, v4: null };
  if (cvss_vector) {
    try {
      cvss[slotOf(cvss_vector, 'cvss_vector') === '4.0' ? 'v4' : 'v3'] = cvss_vector;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      problems.push(...((e.details.problems as FieldProblem[] | undefined) ?? [{ field: 'cvss_vector', message: e.message }]));
    }
  }
  const credit_choice: CreditChoice = input.credit_choice ?? (body.credit_name ? 'credit' : 'anonymous');
  if (credit_choice === 'credit' && !body.credit_name && !body.reporter_name) {
    problems.push({ field: 'credit_name', message: 'is required to be credited (or choose to stay anonymous)' });
  }
  if (aiDisclosureOf(policy) === 'required' && !body.ai_disclosure) {
    problems.push({ field: 'ai_disclosure', message: `is required by the ${policy.project.name} security policy: say whether you used AI tools and how (or "No")` });
  }
  const terms_accepted = input.accept_terms === true;
  if (policy.intake.require_terms_acceptance && !terms_accepted) {
    problems.push({ field: 'accept_terms', message: 'the policy terms must be accepted to submit' });
  }
  if (problems.length) throw DomainError.validation(problems, 'The report has invalid fields');

  return {
    title: title ?? '',
    body,
    affected_version,
    category,
    cvss,
    credit_choice,
    terms_accepted,
    classification: classify(policy, affected_version, category),
  };
}

/** Whether the policy asks about AI use (`intake.ai_disclosure`); `off` when the document predates it. */
export const aiDisclosureOf = (policy: Pick<Policy, 'intake'>): AiDisclosure => policy.intake.ai_disclosure ?? 'off';

const knownCategory = (policy: Policy, id: string): boolean =>
  id === 'other' || policy.scope.in_scope.some((s) => s.id === id) || policy.scope.out_of_scope.some((s) => s.id === id);

export function classify(policy: Policy, affectedVersion: string | null, category: string | null): Classification {
  let version_status: VersionStatus = 'not-given';
  let version_matched: string | null = null;
  if (affectedVersion) {
    const v = classifyVersion(policy, affectedVersion);
    version_status = v.status;
    version_matched = v.matched ?? null;
  }
  const scope_status = category && category !== 'other' ? classifyCategory(policy, category) : 'not-given';
  const flags = classificationFlags(policy, { version_status, version_matched, scope_status, affected_version: affectedVersion, category });
  return { version_status, version_matched, scope_status, flags };
}

export interface StoredClassification extends Omit<Classification, 'flags'> {
  affected_version: string | null;
  category: string | null;
}

/** The triage-queue flags of a classification; the same words at intake and when a stored report is shown. */
export function classificationFlags(policy: Pick<Policy, 'scope'>, c: StoredClassification): string[] {
  const flags: string[] = [];
  if (c.version_status === 'unsupported') flags.push(`Version ${c.affected_version} is unsupported (${c.version_matched})`);
  if (c.version_status === 'limited') flags.push(`Version ${c.affected_version} has limited support (${c.version_matched})`);
  if (c.version_status === 'unknown') flags.push(`Version ${c.affected_version} matches no row of the supported-versions table`);
  if (c.scope_status === 'out-of-scope') {
    const label = policy.scope.out_of_scope.find((s) => s.id === c.category)?.label ?? c.category;
    flags.push(`Category is out of scope: ${label}`);
  }
  return flags;
}
