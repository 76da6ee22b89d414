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

export const ScanSummarySchema = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  format: Type.String(),
  sha256: Type.String(),
  packages: Type.Integer(),
  findings: Type.Integer(),
  unchecked: Type.Integer(),
  advisories_checked: Type.Integer({ description: 'OSV records read for this lockfile (those naming its packages)' }),
  created_by: Type.String(),
  created_at: DateTime(),
});

export const ScanSchema = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  format: Type.String({ description: 'the lockfile format, or CycloneDX / SPDX for an SBOM' }),
  sha256: Type.String(),
  packages: Type.Integer(),
  advisories_checked: Type.Integer(),
  created_by: Type.String(),
  created_at: DateTime(),
  findings: Type.Array(FindingSchema),
  unchecked: Type.Array(UncheckedSchema),
  missing_ecosystems: Type.Array(Type.String(), {
    description: 'ecosystems of the lockfile the OSV database held no record of: their packages are unchecked (no-osv-data), not clean',
  }),
  osv_data_help: Type.Union([Type.Null(), Type.String()], { description: 'with missing ecosystems: where OSV data comes from and how to import it' }),
});

export const ScanListSchema = Type.Object({ scans: Type.Array(ScanSummarySchema) });
export const FindingReportSchema = Type.Object({ tracking_id: Type.String(), created: Type.Boolean(), report_url: Type.String() });

export type Finding = Static<typeof FindingSchema>;
export type ScanSummary = Static<typeof ScanSummarySchema>;
export type Scan = Static<typeof ScanSchema>;
export type Unchecked = Static<typeof UncheckedSchema>;
export type ScanList = Static<typeof ScanListSchema>;
export type FindingReport = Static<typeof FindingReportSchema>;
