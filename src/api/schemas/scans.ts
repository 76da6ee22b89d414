import { Type, type Static } from '@sinclair/typebox';
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
  format: Type.String(),
  sha256: Type.String(),
  packages: Type.Integer(),
  advisories_checked: Type.Integer(),
  created_by: Type.String(),
  created_at: DateTime(),
  findings: Type.Array(FindingSchema),
  unchecked: Type.Array(Type.Object({ ecosystem: Type.String(), name: Type.String(), spec: Type.String(), reason: Type.String(), line: Nullable(Type.Integer()) })),
});

export const ScanListSchema = Type.Object({ scans: Type.Array(ScanSummarySchema) });
export const FindingReportSchema = Type.Object({ tracking_id: Type.String(), created: Type.Boolean(), report_url: Type.String() });

export type Finding = Static<typeof FindingSchema>;
export type ScanSummary = Static<typeof ScanSummarySchema>;
export type Scan = Static<typeof ScanSchema>;
export type ScanList = Static<typeof ScanListSchema>;
export type FindingReport = Static<typeof FindingReportSchema>;
