import type { Severity } from '../severity.ts';

/**
 * The policy-as-code document, as parsed from one YAML file per project.
 * Field names mirror the YAML keys (snake_case) so docs/policy.md, the file and the type read the same.
 */
export interface Policy {
  version: 1;
  project: PolicyProject;
  contacts: PolicyContacts;
  supported_versions: SupportedVersion[];
  intake: PolicyIntake;
  scope: PolicyScope;
  response: ResponseTimes;
  disclosure: DisclosurePolicy;
  recognition: Recognition;
  bounty: Bounty | null;
  safe_harbor: SafeHarbor | null;
  /** Free Markdown sections carried verbatim into SECURITY.md (best practices, security features, ...). */
  sections: PolicySection[];
  /** Optional in stored documents written before it existed; the parser always fills it. */
  triage?: TriageSettings;
  /** Who may work on the project's reports; optional in documents stored before it existed. */
  access?: AccessSettings;
  /** How long reporters' contact data is kept; optional in documents stored before it existed (docs/retention.md). */
  retention?: RetentionSettings;
  /** EU Cyber Resilience Act reporting (docs/cra.md); optional in documents stored before it existed. */
  cra?: CraSettings;
}

export interface RetentionSettings {
  /** Days after a report closes (rejected, disclosed or closed) before its reporter's contact data is erased. */
  reporter_contact_days_after_close: number;
}

export interface CraSettings {
  /** Article 14 obligations apply: the product is placed on the EU market by a manufacturer. */
  applies: boolean;
  manufacturer?: { name: string; address?: string; email?: string; url?: string };
  /** The CSIRT designated as coordinator (the member state of the manufacturer's main establishment). */
  member_state_csirt?: string;
  /** ISO 3166-1 alpha-2 codes of the member states where the product is made available. */
  member_states: string[];
  /** The product with digital elements as named in notifications; the project's name when absent. */
  product?: string;
}

export interface AccessSettings {
  /** Members must have a second factor (TOTP or a passkey) to open the project. */
  require_two_factor: boolean;
}

/**
 * Which CVSS vector decides a report's severity when a report carries both versions: `cvss-4.0` or `cvss-3.x`
 * prefer that version and fall back to the other; `manual` keeps vectors informational and severity hand-set.
 */
export const SEVERITY_SOURCES = ['cvss-4.0', 'cvss-3.x', 'manual'] as const;
export type SeveritySource = (typeof SEVERITY_SOURCES)[number];

export interface TriageSettings {
  severity_source: SeveritySource;
  /**
   * Earlier reports scoring at least this (0..1) are shown on a new report as duplicate candidates. Optional in
   * documents stored before it existed; read it through `duplicateThreshold` (core/triage/threshold.ts).
   */
  duplicate_threshold?: number;
}

export interface PolicyProject {
  slug: string;
  name: string;
  /** Upper-case prefix of tracking IDs, e.g. PRIV → PRIV-2026-0007. */
  tracking_prefix: string;
  url?: string;
  /** Public base URL where Embargo serves this project (for security.txt Canonical/Policy). */
  public_url?: string;
  /** Host names that map to this project for /.well-known/security.txt. */
  hosts?: string[];
}

export interface PolicyContacts {
  /** Primary security contact address. */
  email?: string;
  /** Additional channels (e.g. GitHub private advisory), rendered in order. */
  other?: ContactChannel[];
  /** Non-security contact, e.g. hello@example.org. */
  general?: string;
  /** Contacts that are not reporting channels (maintainers, private matters), listed under Contact. */
  additional?: ContactChannel[];
  pgp?: PgpContact;
  security_txt?: SecurityTxtFields;
}

export interface ContactChannel {
  label: string;
  url?: string;
  email?: string;
  note?: string;
}

export interface PgpContact {
  /** `published`: key at url / fingerprint; `on-request`: ask by email; `none`. */
  availability: 'published' | 'on-request' | 'none';
  fingerprint?: string;
  url?: string;
}

export interface SecurityTxtFields {
  /** ISO date-time; must be in the future and under a year from render time. */
  expires?: string;
  /** Alternative to expires: days from render time (1..365). */
  expires_in_days?: number;
  preferred_languages?: string[];
  canonical?: string[];
  policy?: string;
  acknowledgments?: string;
  encryption?: string[];
  hiring?: string;
  csaf?: string;
  extra_contacts?: string[];
}

export type SupportStatus = 'supported' | 'limited' | 'unsupported';

export interface SupportedVersion {
  /** Label shown in the table, e.g. "1.0.x", "< 1.0", "main". */
  label: string;
  /**
   * What matches: a semver-style range ("1.0.x", ">=1.0.0 <1.1.0", "< 1.0", "1.x") or a literal branch name.
   * Defaults to the label.
   */
  match?: string;
  status: SupportStatus;
  note?: string;
}

export interface PolicyIntake {
  /** The policy forbids public issues for vulnerabilities. */
  no_public_issues: boolean;
  /** "Include the following information" list, in the policy's words. */
  requested_information: string[];
  /** Report fields that must be filled for a report to be accepted (beyond title and description). */
  required_fields?: ReportFieldName[];
  /** Whether the reporter must accept the policy terms when submitting. */
  require_terms_acceptance?: boolean;
  /**
   * Whether the form asks "Did you use AI tools? How?": `required` (a report without an answer is refused),
   * `optional`, or `off` (not asked). Optional in documents stored before it existed: `off`.
   */
  ai_disclosure?: AiDisclosure;
  /**
   * Hold reports from reporters with no earlier accepted report on this instance in the review queue until a
   * maintainer releases them (issue 18); the reporter still gets the tracking ID. Absent: false.
   */
  hold_first_time_reporters?: boolean;
}

export const AI_DISCLOSURE = ['required', 'optional', 'off'] as const;
export type AiDisclosure = (typeof AI_DISCLOSURE)[number];

export type ReportFieldName =
  | 'steps_to_reproduce'
  | 'impact'
  | 'affected_version'
  | 'environment'
  | 'proof_of_concept'
  | 'suggested_fix'
  | 'category'
  | 'cvss_vector'
  | 'reporter_email';

export interface ScopeItem {
  /** Stable id used as a report category, e.g. `rce`. */
  id: string;
  label: string;
}

export interface PolicyScope {
  /** Free text describing what the policy applies to (components). */
  applies_to: string[];
  in_scope: ScopeItem[];
  out_of_scope: ScopeItem[];
}

/** A duration: `48h`, `7d`, `5bd` (business days), `2w`. */
export type DurationText = string;

export interface PhaseCommitment {
  /** Hard deadline the SLA clock enforces. */
  within: DurationText;
  /** Earlier goal ("3-7 days" → target 3d, within 7d). */
  target?: DurationText;
  /** Wording of the promise, rendered into SECURITY.md. */
  text?: string;
}

export interface ResponseTimes {
  /** IANA timezone used for business days and rendering, e.g. `UTC`, `Europe/Berlin`. */
  timezone: string;
  /** Days counted as business days (ISO weekday numbers 1=Mon..7=Sun). Default 1-5. */
  business_days?: number[];
  /** Dates (YYYY-MM-DD, in the policy timezone) that are not business days. */
  holidays?: string[];
  acknowledge?: PhaseCommitment;
  assess?: PhaseCommitment;
  detailed_response?: PhaseCommitment;
  /** Maximum silence towards the reporter while a report is open. */
  update_cadence?: PhaseCommitment;
  /** Fix deadlines per severity, counted from acceptance (triaged) of the report. */
  fix?: Partial<Record<Severity, PhaseCommitment>>;
  /** Promises without a deadline ("We may ask for additional information"), rendered with the timeline. */
  promises?: string[];
}

export interface DisclosurePolicy {
  /** Deadline for public disclosure; absent when the policy only says "after a fix". */
  within?: DurationText;
  /** What the disclosure deadline counts from. */
  from: 'report' | 'fix';
  /** Disclosure only once a fix is available. */
  requires_fix: boolean;
  /** Timing is coordinated with the reporter. */
  coordinated: boolean;
  steps: string[];
  /** Where advisories are announced. */
  channels: string[];
  text?: string;
}

export interface Recognition {
  /** Credit in the advisory unless the reporter prefers anonymity. */
  credit_in_advisory: boolean;
  anonymity_allowed: boolean;
  hall_of_fame: boolean;
  hall_of_fame_url?: string;
  /** Non-money rewards, e.g. "Early access", "Swag". */
  rewards: Reward[];
  text?: string;
}

export interface Reward {
  name: string;
  description?: string;
}

export interface BountyRange {
  min?: number;
  max?: number;
  /** Non-money rewards for this severity (e.g. "Recognition", "Swag"). */
  rewards?: string[];
}

export interface Bounty {
  currency: string;
  /** Condition such as "when funding permits". */
  condition?: string;
  note?: string;
  ranges: Partial<Record<Exclude<Severity, 'none'>, BountyRange>>;
}

export interface SafeHarbor {
  /** What the project commits to (e.g. "not pursue legal action for good-faith research"). */
  we_commit: string[];
  /** What the reporter agrees to. */
  you_agree: string[];
  text?: string;
}

export interface PolicySection {
  title: string;
  /** Markdown. */
  body: string;
}
