import { Type, type Static } from '@sinclair/typebox';
import { UNCHECKED_REASONS } from '../../core/scanner/types.ts';
import { DateTime, Nullable } from '../schemas.ts';

/** Response schemas of dependency scans (../present.ts presentScan, presentScanSummary, presentFinding). */

export const FindingSchema = Type.Object({
  id: Type.String(),
  ecosystem: Type.String(),
  package: Type.String(),
  version: Type.String(),
  line: Nullable(Type.Integer()),
  advisory: Type.String(),
  aliases: Type.Array(Type.String()),
  summary: Type.String(),
  severity: Nullable(Type.String()),
  cvss_score: Nullable(Type.Number()),
  fixed: Type.Array(Type.String()),
  report_tracking_id: Nullable(Type.String({ description: 'the internal report this advisory and package already became' })),
  report_url: Type.String(),
});

/** A dependency or SBOM component that was not checked, and why. */
export const UncheckedSchema = Type.Object({
  ecosystem: Type.String({ description: "the OSV ecosystem (an SBOM component's may be one Embargo does not check, or '' when it names none)" }),
  name: Type.String(),
  spec: Type.String({ description: 'as the file writes it: requirement, source URL, package URL, or name@version' }),
  reason: Type.Union(
    UNCHECKED_REASONS.map((r) => Type.Literal(r)),
    {
      description:
        'unpinned: no single version; non-registry: git, URL, local archive or another registry; no-purl: an SBOM component without a package URL; ' +
        'invalid-purl: one whose package URL cannot be read; unsupported-type: a package URL of an ecosystem Embargo does not check',
    },
  ),
  line: Nullable(Type.Integer()),
  ref: Nullable(Type.String({ description: "an SBOM component's bom-ref (CycloneDX) or SPDXID (SPDX)" })),
});

/** A hygiene or SARIF finding: a secret (never shown in full), a model file, or an imported SARIF result. */
export const IssueSchema = Type.Object({
  id: Type.String(),
  file: Type.String(),
  line: Nullable(Type.Integer()),
  check: Type.String({ description: 'secret, model or sarif' }),
  rule: Type.String(),
  severity: Nullable(Type.String()),
  message: Type.String({ description: 'what was found; a secret appears only as a prefix, its length and a hash' }),
  fingerprint: Type.String({ description: 'rule and location: the same finding in a later scan has the same one' }),
  report_tracking_id: Nullable(Type.String({ description: 'the internal report this fingerprint already became' })),
  report_url: Type.String(),
});

/** A finding of an earlier scan of the same kind (and SARIF tool) that this scan no longer has. */
export const ResolvedIssueSchema = Type.Object({ fingerprint: Type.String(), rule: Type.String(), report_tracking_id: Nullable(Type.String()) });

const ScanKind = Type.String({ description: 'dependency (a lockfile or SBOM against OSV), hygiene (secrets and model files of a zip of a tree) or sarif (an imported SARIF log)' });

export const ScanSummarySchema = Type.Object({
  id: Type.String(),
  kind: ScanKind,
  tool: Nullable(Type.String({ description: 'the SARIF tool(s) of an imported log' })),
  filename: Type.String(),
  format: Type.String(),
  sha256: Type.String(),
  packages: Type.Integer(),
  findings: Type.Integer(),
  unchecked: Type.Integer(),
  advisories_checked: Type.Integer({ description: 'OSV records read for this lockfile (those naming its packages)' }),
  created_by: Type.String({ description: 'the actor label (user:<id>, with " (api token)" when a token scanned)' }),
  created_by_name: Type.String({ description: 'who scanned, by name' }),
  created_at: DateTime(),
});

export const ScanSchema = Type.Object({
  id: Type.String(),
  kind: ScanKind,
  tool: Nullable(Type.String({ description: 'the SARIF tool(s) of an imported log' })),
  filename: Type.String(),
  format: Type.String({ description: 'the lockfile format, or CycloneDX / SPDX for an SBOM' }),
  sha256: Type.String(),
  packages: Type.Integer(),
  advisories_checked: Type.Integer(),
  created_by: Type.String({ description: 'the actor label (user:<id>, with " (api token)" when a token scanned)' }),
  created_by_name: Type.String({ description: 'who scanned, by name' }),
  created_at: DateTime(),
  findings: Type.Array(FindingSchema),
  unchecked: Type.Array(UncheckedSchema),
  missing_ecosystems: Type.Array(Type.String(), {
    description: 'ecosystems of the lockfile the OSV database held no record of: their packages are unchecked (no-osv-data), not clean',
  }),
  osv_data_help: Type.Union([Type.Null(), Type.String()], { description: 'with missing ecosystems: where OSV data comes from and how to import it' }),
  issues: Type.Array(IssueSchema),
  resolved: Type.Array(ResolvedIssueSchema, { description: 'findings of earlier scans of the same kind and tool that this scan no longer has' }),
});

export const ScanListSchema = Type.Object({
  scans: Type.Array(ScanSummarySchema, { description: 'a page of the scans, newest first (ties by id)' }),
  next_cursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last page' })),
});
export const FindingReportSchema = Type.Object({ tracking_id: Type.String(), created: Type.Boolean(), report_url: Type.String() });

export type Finding = Static<typeof FindingSchema>;
export type Issue = Static<typeof IssueSchema>;
export type ScanSummary = Static<typeof ScanSummarySchema>;
export type Scan = Static<typeof ScanSchema>;
export type Unchecked = Static<typeof UncheckedSchema>;
export type ScanList = Static<typeof ScanListSchema>;
export type FindingReport = Static<typeof FindingReportSchema>;
