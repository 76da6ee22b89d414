import type { Advisory, AffectedProduct } from '../advisories/types.ts';
import { purlFor } from '../advisories/purl.ts';

/**
 * OpenVEX 0.2.0 (https://github.com/openvex/spec): the project's own status and each party's, one statement per
 * product and vulnerability (issue 19). Pure: the caller passes the parties' current statuses (already opened) and
 * the document's identity and time.
 */

export interface PartyStatement {
  partyName: string;
  vulnerability: string;
  product: string;
  versions: string | null;
  status: 'under_investigation' | 'affected' | 'not_affected' | 'fixed';
  justification: string | null;
  fixedVersions: string | null;
  statement: string | null;
  changedAt: string;
}

export interface VexDocumentOptions {
  /** IRI of the document (its public URL). */
  id: string;
  author: string;
  /** RFC 3339: the advisory's publication (or last change) time. */
  timestamp: string;
  version: number;
  /** Names the report's tracking id maps to: a party statement about it is about the advisory's vulnerability. */
  reportTrackingId: string | null;
}

export interface OpenVexStatement {
  vulnerability: { name: string; aliases?: string[] };
  products: Array<{ '@id': string }>;
  status: 'under_investigation' | 'affected' | 'not_affected' | 'fixed';
  supplier?: string;
  timestamp?: string;
  status_notes?: string;
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
}

export interface OpenVexDocument {
  '@context': 'https://openvex.dev/ns/v0.2.0';
  '@id': string;
  author: string;
  role: string;
  timestamp: string;
  version: number;
  tooling: string;
  statements: OpenVexStatement[];
}

/** The advisory's vulnerability: its CVE when it has one (the advisory id as alias), else the advisory id. */
export const vulnerabilityOf = (a: Advisory): { name: string; aliases?: string[] } => (a.cve_id ? { name: a.cve_id, aliases: [a.id] } : { name: a.id });

/** A product reference as an IRI: a purl as it is, a bare name as a urn under the party (never a made-up purl). */
export const productIri = (product: string, partyName: string): string =>
  /^pkg:[a-z]/i.test(product) ? product : `urn:embargo:product:${encodeURIComponent(partyName)}:${encodeURIComponent(product)}`;

/** One status for a product across its branches: affected wins, then fixed, then not affected. */
export function projectStatus(p: AffectedProduct): { status: OpenVexStatement['status']; notes: string } {
  const statuses = p.branches.map((b) => b.status);
  const notes = p.branches
    .map((b) => `${b.branch}: ${b.status}${b.fixed ? ` (fixed in ${b.fixed})` : ''}${b.last_affected ? ` (last affected ${b.last_affected})` : ''}`)
    .join('; ');
  if (statuses.some((s) => s === 'affected' || s === 'wont-fix')) return { status: 'affected', notes };
  if (statuses.some((s) => s === 'fixed')) return { status: 'fixed', notes };
  return { status: 'not_affected', notes };
}

export function toOpenVex(a: Advisory, parties: PartyStatement[], opts: VexDocumentOptions): OpenVexDocument {
  const vuln = vulnerabilityOf(a);
  const own: OpenVexStatement[] = a.affected.map((p) => {
    const { status, notes } = projectStatus(p);
    return {
      vulnerability: vuln,
      products: [{ '@id': p.purl ?? purlFor(p.ecosystem, p.package) }],
      status,
      supplier: opts.author,
      timestamp: opts.timestamp,
      ...(notes ? { status_notes: notes } : {}),
      ...(status === 'affected' ? { action_statement: `Update to a fixed release; see ${a.id}.` } : {}),
      ...(status === 'not_affected' ? { impact_statement: `No supported branch of ${p.package} is affected (${notes}).` } : {}),
    };
  });
  const sameVuln = (v: string) => v === vuln.name || v === a.id || v === a.cve_id || v === opts.reportTrackingId;
  const theirs: OpenVexStatement[] = parties.map((s) => {
    const notes = [s.versions ? `versions: ${s.versions}` : null, s.fixedVersions ? `fixed in: ${s.fixedVersions}` : null].filter(Boolean).join('; ');
    return {
      vulnerability: sameVuln(s.vulnerability) ? vuln : { name: s.vulnerability },
      products: [{ '@id': productIri(s.product, s.partyName) }],
      status: s.status,
      supplier: s.partyName,
      timestamp: s.changedAt,
      ...(notes ? { status_notes: notes } : {}),
      ...(s.status === 'not_affected' && s.justification ? { justification: s.justification } : {}),
      ...(s.status === 'not_affected' && s.statement ? { impact_statement: s.statement } : {}),
      ...(s.status === 'affected' ? { action_statement: s.statement ?? `Contact ${s.partyName} for remediation.` } : {}),
    };
  });
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': opts.id,
    author: opts.author,
    role: 'Document Creator',
    timestamp: opts.timestamp,
    version: opts.version,
    tooling: 'Embargo',
    statements: [...own, ...theirs],
  };
}
