import type { Ecosystem } from '../versions/ecosystems.ts';

export const ADVISORY_STATES = ['draft', 'in-review', 'scheduled', 'published', 'amended', 'withdrawn'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** What one supported branch of the policy says about one product. */
export const BRANCH_STATUSES = ['affected', 'fixed', 'not-affected', 'wont-fix'] as const;
export type BranchStatus = (typeof BRANCH_STATUSES)[number];

/**
 * One cell of the backport matrix: `branch` is a `supported_versions` label of the project's policy.
 * `introduced` defaults to the branch's lowest version (from its `match` expression); a branch named by a
 * literal (`main`) has no versions of its own, so any status other than `not-affected` must give it.
 */
export interface BranchEntry {
  branch: string;
  status: BranchStatus;
  introduced?: string;
  /** Required for `fixed`: the first release of this branch with the fix. */
  fixed?: string;
  /**
   * Required for `wont-fix`: the last release of the branch (it stays affected). Optional for `affected`,
   * which otherwise runs to the end of its branch.
   */
  last_affected?: string;
}

export interface AffectedProduct {
  ecosystem: Ecosystem;
  /** The package name as its registry spells it. */
  package: string;
  /** Package URL (purl spec) without a version, e.g. `pkg:npm/privastream`. */
  purl?: string;
  branches: BranchEntry[];
}

export const REFERENCE_TYPES = ['advisory', 'article', 'report', 'fix', 'introduced', 'package', 'evidence', 'web'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

export interface Reference {
  type: ReferenceType;
  url: string;
  name?: string;
}

export const CREDIT_TYPES = ['finder', 'reporter', 'analyst', 'coordinator', 'remediation developer', 'remediation reviewer', 'remediation verifier', 'tool', 'sponsor', 'other'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** `name: null` is a reporter who chose anonymity: counted, never named. */
export interface Credit {
  name: string | null;
  type: CreditType;
  contact?: string[];
}

export interface CvssVectors {
  /** A CVSS v3.0 or v3.1 vector. */
  v3: string | null;
  v4: string | null;
}

/**
 * One entry of the public revision history. Numbers are consecutive integers from 1; the first publication
 * is revision 1, each amendment and the withdrawal add one.
 */
export interface Revision {
  number: number;
  /** RFC 3339 UTC timestamp. */
  date: string;
  summary: string;
}

export interface Advisory {
  /** Stable id within Embargo, e.g. `PRIV-SA-2026-001`. */
  id: string;
  /** Policy `project.slug` the advisory belongs to. */
  project: string;
  /** Tracking id of the report it came from, if any. */
  report_id: string | null;
  title: string;
  /** One line, plain text. */
  summary: string;
  /** Markdown; sanitised when rendered, carried verbatim into the formats. */
  details: string;
  /** `CWE-79` style ids. */
  cwe_ids: string[];
  cvss: CvssVectors;
  affected: AffectedProduct[];
  references: Reference[];
  credits: Credit[];
  cve_id: string | null;
  /** RFC 3339 UTC: publication is held until then. */
  embargo_until: string | null;
  state: AdvisoryState;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  withdrawn_at: string | null;
  revisions: Revision[];
}
