import { DomainError, type FieldProblem } from '../errors.ts';

/** A party's role in a case (issue 19). */
export const PARTY_ROLES = ['vendor', 'upstream', 'expert', 'coordinator'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/**
 * A party's status for one vulnerability and product: the VEX statuses, plus `unknown` for "never answered" — a
 * silent party is shown as silent, never as not affected (VINCE's most-cited confusion).
 */
export const PARTY_STATUSES = ['unknown', 'under_investigation', 'affected', 'not_affected', 'fixed'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];

/** The VEX justifications for `not_affected` (OpenVEX 0.2.0 and CISA's minimum requirements; CSAF flags share them). */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

export const isPartyRole = (v: unknown): v is PartyRole => typeof v === 'string' && (PARTY_ROLES as readonly string[]).includes(v);
export const isPartyStatus = (v: unknown): v is PartyStatus => typeof v === 'string' && (PARTY_STATUSES as readonly string[]).includes(v);
export const isJustification = (v: unknown): v is VexJustification => typeof v === 'string' && (VEX_JUSTIFICATIONS as readonly string[]).includes(v);

export interface StatusInput {
  vulnerability: string;
  product: string;
  versions?: string | null | undefined;
  status: string;
  justification?: string | null | undefined;
  fixed_versions?: string | null | undefined;
  statement?: string | null | undefined;
}

export interface CheckedStatus {
  vulnerability: string;
  product: string;
  versions: string | null;
  status: Exclude<PartyStatus, 'unknown'>;
  justification: VexJustification | null;
  fixedVersions: string | null;
  statement: string | null;
}

const blankToNull = (v: string | null | undefined): string | null => (v === undefined || v === null || v.trim() === '' ? null : v.trim());

/**
 * The rules of a status statement, as VEX states them: `not_affected` needs a justification (and only it may have
 * one), `fixed` needs the fixed versions, `unknown` is what silence looks like and cannot be set.
 */
export function checkStatus(input: StatusInput): CheckedStatus {
  const problems: FieldProblem[] = [];
  const vulnerability = input.vulnerability.trim();
  const product = input.product.trim();
  if (!vulnerability) problems.push({ field: 'vulnerability', message: 'is required' });
  if (!product) problems.push({ field: 'product', message: 'is required (a purl or a product name)' });
  const justification = blankToNull(input.justification);
  const fixedVersions = blankToNull(input.fixed_versions);
  if (!isPartyStatus(input.status) || input.status === 'unknown') {
    problems.push({ field: 'status', message: 'must be under_investigation, affected, not_affected or fixed (unknown means "never answered" and cannot be set)' });
  } else if (input.status === 'not_affected') {
    if (!justification) problems.push({ field: 'justification', message: `is required for not_affected: one of ${VEX_JUSTIFICATIONS.join(', ')}` });
    else if (!isJustification(justification)) problems.push({ field: 'justification', message: `must be one of ${VEX_JUSTIFICATIONS.join(', ')}` });
  } else if (justification) {
    problems.push({ field: 'justification', message: 'is only for not_affected' });
  }
  if (input.status === 'fixed' && !fixedVersions) problems.push({ field: 'fixed_versions', message: 'is required for fixed' });
  if (problems.length > 0) throw DomainError.validation(problems);
  return {
    vulnerability,
    product,
    versions: blankToNull(input.versions),
    status: input.status as CheckedStatus['status'],
    justification: justification as VexJustification | null,
    fixedVersions: input.status === 'fixed' ? fixedVersions : null,
    statement: blankToNull(input.statement),
  };
}
