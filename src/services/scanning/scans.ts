import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { actorNames } from '../access/actor-names.ts';
import { DomainError } from '../../core/errors.ts';
import { vulnerabilityMatcher, type Finding } from '../../core/scanner/find-vulnerabilities.ts';
import { parseLockfile } from '../../core/scanner/parse-lockfile.ts';
import { resolveBeside } from '../../core/scanner/relative-path.ts';
import type { LockedPackage, LockfileFormat, ReadFile, UncheckedDependency } from '../../core/scanner/types.ts';
import { isSeverity, severityRank, type Severity } from '../../core/severity.ts';
import type { Ecosystem } from '../../core/versions/ecosystems.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { raiseEvent } from '../events/raise.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import { ecosystemsWithRecords, osvPackageKey, recordPagesForPackages } from './osv-import.ts';
import { uncheckedForMissingData } from '../../core/scanner/missing-data.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { createInternalReport } from '../reports/index.ts';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest } from '../paging.ts';
import { createSarifScan, createTreeScan, isSarifUpload, isTreeUpload, readIssues, recordSeen, reportIssue, type ResolvedIssue, type StoredIssue } from './hygiene-scans.ts';

export interface StoredFinding extends Omit<Finding, 'file' | 'line'> {
  findingId: string;
  line: number | null;
  /** The internal report this advisory and package already became in the project, if any. */
  reportTrackingId: string | null;
}

export interface ScanSummary {
  id: string;
  /** dependency: a lockfile or SBOM against OSV; hygiene: secrets and model files of an uploaded tree; sarif: an imported SARIF log. */
  kind: string;
  /** The SARIF tool(s) of an imported log. */
  tool: string | null;
  filename: string;
  format: LockfileFormat;
  sha256: string;
  packages: number;
  findings: number;
  unchecked: number;
  advisoriesChecked: number;
  createdBy: string;
  /** Who scanned, by name ("Ada Admin (API token)"); the label itself for a CLI or job. */
  createdByName: string;
  createdAt: Date;
}

export interface ScanDetail extends Omit<ScanSummary, 'findings' | 'unchecked'> {
  findings: StoredFinding[];
  unchecked: UncheckedDependency[];
  /** Ecosystems of the lockfile the OSV database had no record of when it was scanned (their packages: `no-osv-data`). */
  missingEcosystems: string[];
  /** Hygiene and SARIF findings (secrets, model files, imported results). */
  issues: StoredIssue[];
  /** Findings of earlier scans of the same kind (and SARIF tool) this scan no longer has: resolved by it. */
  resolved: ResolvedIssue[];
}

/** What the scan API was sent: a lockfile (with its includes), a SARIF log, or a zip of a tree (bytes). */
export interface ScanUpload extends LockfileUpload {
  bytes?: Buffer;
}

/** The scan API's one entry: a SARIF log is imported, a zip of a tree gets the hygiene checks, else a lockfile. */
export async function createAnyScan(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, upload: ScanUpload): Promise<ScanDetail> {
  const filename = cleanLockfileName(upload.filename);
  if (isTreeUpload(filename) || isSarifUpload(filename, upload.content)) {
    if (upload.includes?.length) throw DomainError.validation([{ field: 'files', message: 'a SARIF log or a zip of a tree comes alone' }]);
    const id = isTreeUpload(filename)
      ? await createTreeScan(ctx, project, actor, actorLabel, { filename, zip: upload.bytes ?? Buffer.from(upload.content, 'base64') })
      : await createSarifScan(ctx, project, actor, actorLabel, { filename, content: upload.content });
    return readScanRow(ctx, project, id);
  }
  return createScan(ctx, project, actor, actorLabel, upload);
}

export interface LockfileUpload {
  filename: string;
  content: string;
  /**
   * Files a requirements file includes (`-r`, `-c`), named by their path relative to the lockfile as the
   * include line writes it (`base/common.txt`, `../constraints.txt`).
   */
  includes?: { filename: string; content: string }[];
}

const MAX_FILENAME = 255;
export const MAX_INCLUDED_FILES = 50;

/** An included file's key: its relative path with `.`, `..` and separators normalised as includes are resolved. */
const includeKey = (name: string): string => resolveBeside('', name.trim());

/** Lockfiles larger than this are parsed on a worker thread (ctx.parsers): a 5 MB one can take seconds. */
const INLINE_LOCKFILE_BYTES = 32 * 1024;

function includeFiles(includes: LockfileUpload['includes']): Map<string, string> {
  const files = new Map<string, string>();
  for (const [i, f] of (includes ?? []).entries()) {
    const key = includeKey(f.filename);
    if (!key || key.length > 1024 || /[\0-\x1f]/.test(key)) throw DomainError.validation([{ field: `files[${i + 1}].filename`, message: 'must be a relative path of printable characters' }]);
    if (files.has(key)) throw DomainError.validation([{ field: `files[${i + 1}].filename`, message: `${key} is sent twice` }]);
    files.set(key, f.content);
  }
  return files;
}

/** A dependency finding's place: the lockfile's name, the advisory and the normalised package (not the version). */
function dependencyFingerprint(filename: string, advisory: string, ecosystem: Ecosystem, name: string): string {
  const key = osvPackageKey(ecosystem, name);
  return sha256Hex(`dependency\0${advisory}\0${filename}\0${key.ecosystem}\0${key.name}`).slice(0, 32);
}

/** Only the base name counts (it decides the format); a path in it says nothing about this server. */
function cleanLockfileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop()?.trim() ?? '';
  if (!base || base.length > MAX_FILENAME || /[\0-\x1f]/.test(base)) {
    throw DomainError.validation([{ field: 'filename', message: `must be a file name of 1 to ${MAX_FILENAME} printable characters` }]);
  }
  return base;
}

/**
 * Matches packages against the stored OSV records naming them (the core's matching, as for `embargo scan`), one
 * page of records at a time: the records that affect no package are dropped with their page, so memory does not
 * grow with the number of records naming the packages. `advisoriesChecked`: the records read.
 */
export async function matchStoredRecords(db: DbOrTx, packages: readonly LockedPackage[]): Promise<{ findings: Finding[]; advisoriesChecked: number }> {
  const matcher = vulnerabilityMatcher(packages);
  let advisoriesChecked = 0;
  for await (const page of recordPagesForPackages(db, packages)) {
    matcher.add(page);
    advisoriesChecked += page.length;
  }
  return { findings: matcher.findings(), advisoriesChecked };
}

/**
 * Checks one lockfile against the OSV records in the database. Only the records indexed under the lockfile's
 * (ecosystem, normalised name) pairs are read; matching is the core's, as for `embargo scan`. The scan, its
 * findings and an audit entry commit in one transaction. A requirements file's `-r` includes are read from
 * `upload.includes`; one that was not sent is a 400 naming the file and line.
 */
export async function createScan(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, upload: LockfileUpload): Promise<ScanDetail> {
  authorize(actor, 'scan:create');
  const filename = cleanLockfileName(upload.filename);
  if ((upload.includes?.length ?? 0) > MAX_INCLUDED_FILES) throw DomainError.validation([{ field: 'files', message: `at most ${MAX_INCLUDED_FILES} included files` }]);
  const includes = includeFiles(upload.includes);
  const parsed =
    upload.content.length <= INLINE_LOCKFILE_BYTES
      ? parseLockfile(filename, upload.content, (path) => includes.get(includeKey(path)) ?? null)
      : await ctx.parsers.parseLockfile(filename, upload.content, includes);
  // Packages of an ecosystem the database holds no OSV record of cannot be checked: unchecked, never "clean".
  const withData = await ecosystemsWithRecords(ctx.db, [...new Set(parsed.packages.map((p) => p.ecosystem))]);
  const data = uncheckedForMissingData(parsed.packages, (e) => withData.has(e));
  const unchecked = [...parsed.unchecked, ...data.unchecked];
  const { findings, advisoriesChecked } = await matchStoredRecords(ctx.db, data.checked);
  const id = randomUUID();
  const now = ctx.now();
  const sha256 = sha256Hex(upload.content);
  const rows = findings.map((f, position) => ({
    id: randomUUID(),
    scan_id: id,
    position,
    ecosystem: f.ecosystem,
    package: f.package,
    version: f.version,
    line: f.line ?? null,
    advisory_id: f.id,
    aliases: JSON.stringify(f.aliases),
    summary: f.summary,
    severity: f.severity,
    cvss_score: f.cvssScore,
    fixed: JSON.stringify(f.fixed),
  }));
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('scans')
      .values({
        id,
        project_id: project.id,
        filename,
        format: parsed.format,
        sha256,
        packages: parsed.packages.length,
        unchecked: JSON.stringify(unchecked),
        advisories_checked: advisoriesChecked,
        created_by: actorLabel,
        created_at: now,
      })
      .execute();
    for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('scan_findings').values(rows.slice(i, i + 1000)).execute();
    // Re-scans of the same lockfile name resolve the (advisory, package) pairs they no longer find.
    const seen = new Map(findings.map((f) => [dependencyFingerprint(filename, f.id, f.ecosystem, f.package), f.id]));
    const resolved = await recordSeen(tx, project.id, id, `dependency:${filename}`, seen, now);
    await appendAudit(tx, { actor: actorLabel, action: 'scan.created', projectId: project.id, data: { scan: id, filename, format: parsed.format, packages: parsed.packages.length, findings: findings.length, resolved } }, now);
    if (findings.length) {
      const severities = findings.map((f) => f.severity).filter((s): s is Severity => isSeverity(s));
      const highest = severities.reduce<Severity | null>((a, b) => (severityRank(b) > severityRank(a) ? b : a), null);
      const advisories = [...new Set(findings.map((f) => f.id))].slice(0, 20);
      await raiseEvent(tx, project.id, { type: 'scan.finding', scan: { id, filename }, findings: findings.length, highest_severity: highest, advisories }, now);
    }
  });
  return readScanRow(ctx, project, id);
}

/**
 * The scans list's query (also what bench/queue.ts explains): `limit` scans of the project after the position
 * (created_at in ms, id), newest first, ties by id, with their counts.
 */
export function scansQuery(db: DbOrTx, projectId: string, after: readonly [number, string] | null, limit: number) {
  let q = db
    .selectFrom('scans')
    .select((eb) => [
      'scans.id',
      'scans.filename',
      'scans.format',
      'scans.sha256',
      'scans.packages',
      sql<number>`jsonb_array_length(scans.unchecked)`.as('unchecked'),
      'scans.advisories_checked',
      'scans.created_by',
      'scans.created_at',
      'scans.kind',
      'scans.tool',
      eb.selectFrom('scan_findings').select((f) => f.fn.countAll<number>().as('n')).whereRef('scan_findings.scan_id', '=', 'scans.id').as('findings'),
      eb.selectFrom('scan_issues').select((f) => f.fn.countAll<number>().as('n')).whereRef('scan_issues.scan_id', '=', 'scans.id').as('issues'),
    ])
    .where('scans.project_id', '=', projectId);
  if (after) {
    // After (t, id) in "created_at desc, id": older than t, or as old with a greater id. Written with `<= t` apart
    // so the index scan starts at t instead of filtering the newer scans. created_at is written from ctx.now():
    // whole milliseconds, as the cursor keeps it.
    const at = new Date(after[0]);
    q = q.where('scans.created_at', '<=', at).where((eb) => eb.or([eb('scans.created_at', '<', at), eb('scans.id', '>', after[1])]));
  }
  // The counts are subqueries of the output rows: evaluated for the page's rows only.
  return q.orderBy('scans.created_at', 'desc').orderBy('scans.id').limit(limit);
}

/**
 * A page of the project's scans, newest first (ties by id), with each scan's counts: keyset-paged on
 * scans_project_page_idx (project_id, created_at desc, id), so a page reads its own rows and counts the findings of
 * those alone, wherever it starts (a CI job uploading a scan per commit makes thousands).
 */
export async function listScans(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, page: PageRequest = {}): Promise<Page<ScanSummary>> {
  authorize(actor, 'scan:read');
  const limit = pageSize(page.limit);
  const bound = { project: project.id };
  const after = page.cursor ? (decodeCursor('scans', bound, page.cursor, ['int', 'uuid']) as [number, string]) : null;
  const rows = await scansQuery(ctx.db, project.id, after, limit + 1).execute();
  const shown = rows.slice(0, limit);
  const names = await actorNames(ctx, shown.map((r) => r.created_by));
  const items = shown.map((r) => ({
    id: r.id,
    kind: r.kind,
    tool: r.tool,
    filename: r.filename,
    format: r.format as LockfileFormat,
    sha256: r.sha256,
    packages: r.packages,
    findings: Number(r.findings ?? 0) + Number(r.issues ?? 0),
    unchecked: Number(r.unchecked),
    advisoriesChecked: r.advisories_checked,
    createdBy: r.created_by,
    createdByName: names.get(r.created_by) ?? r.created_by,
    createdAt: r.created_at,
  }));
  const last = shown.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor('scans', bound, [last.created_at.getTime(), last.id]) : null };
}

export async function readScan(ctx: ServiceContext, project: ProjectRecord, scanId: string, actor: Actor | null): Promise<ScanDetail> {
  authorize(actor, 'scan:read');
  return readScanRow(ctx, project, scanId);
}

async function readScanRow(ctx: ServiceContext, project: ProjectRecord, scanId: string): Promise<ScanDetail> {
  const scan = await ctx.db.selectFrom('scans').selectAll().where('id', '=', scanId).where('project_id', '=', project.id).executeTakeFirst();
  if (!scan) throw new DomainError('not_found', `No scan ${scanId} in ${project.slug}`);
  const rows = await ctx.db.selectFrom('scan_findings').selectAll().where('scan_id', '=', scanId).orderBy('position').execute();
  const reported = await ctx.db
    .selectFrom('scan_reports')
    .innerJoin('reports', 'reports.id', 'scan_reports.report_id')
    .select(['scan_reports.advisory_id', 'scan_reports.ecosystem', 'scan_reports.package', 'reports.tracking_id'])
    .where('scan_reports.project_id', '=', project.id)
    .where(
      'scan_reports.advisory_id',
      'in',
      rows.length ? [...new Set(rows.map((r) => r.advisory_id))] : [''],
    )
    .execute();
  const reportOf = new Map(reported.map((r) => [`${r.advisory_id}\0${r.ecosystem}\0${r.package}`, r.tracking_id]));
  const { issues, resolved } = await readIssues(ctx, project, scanId);
  const names = await actorNames(ctx, [scan.created_by]);
  return {
    id: scan.id,
    kind: scan.kind,
    tool: scan.tool,
    issues,
    resolved,
    filename: scan.filename,
    format: scan.format as LockfileFormat,
    sha256: scan.sha256,
    packages: scan.packages,
    advisoriesChecked: scan.advisories_checked,
    createdBy: scan.created_by,
    createdByName: names.get(scan.created_by) ?? scan.created_by,
    createdAt: scan.created_at,
    unchecked: scan.unchecked as UncheckedDependency[],
    missingEcosystems: [...new Set((scan.unchecked as UncheckedDependency[]).filter((u) => u.reason === 'no-osv-data').map((u) => u.ecosystem))].sort(),
    findings: rows.map((r) => {
      const key = osvPackageKey(r.ecosystem, r.package);
      return {
        findingId: r.id,
        ecosystem: r.ecosystem as Ecosystem,
        package: r.package,
        version: r.version,
        line: r.line,
        id: r.advisory_id,
        aliases: r.aliases,
        summary: r.summary,
        severity: isSeverity(r.severity) ? r.severity : null,
        cvssScore: r.cvss_score,
        fixed: r.fixed,
        reportTrackingId: reportOf.get(`${r.advisory_id}\0${key.ecosystem}\0${key.name}`) ?? null,
      };
    }),
  };
}

function reportText(f: StoredFinding, scan: ScanDetail): { title: string; description: string } {
  const title = `${f.id} in ${f.package} ${f.version}`;
  const lines = [
    f.summary || `${f.id} affects ${f.package} ${f.version}.`,
    '',
    `Package: ${f.package} ${f.version} (${f.ecosystem})`,
    `Advisory: ${f.id}`,
    `Aliases: ${f.aliases.length ? f.aliases.join(', ') : 'none'}`,
    `Severity: ${f.severity ?? 'not stated'}${f.cvssScore === null ? '' : ` (CVSS ${f.cvssScore})`}`,
    `Fixed in: ${f.fixed.length ? f.fixed.join(', ') : 'no fixed version known'}`,
    `Found by: dependency scan ${scan.id} of ${scan.filename}${f.line === null ? '' : `, line ${f.line}`} (${scan.createdAt.toISOString()})`,
  ];
  return { title, description: lines.join('\n') };
}

const isUniqueViolation = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

/**
 * Turns a finding into an internal report in the project's queue, once per (advisory, package): when the
 * advisory already became a report for that package (from this scan or another), that report is returned and
 * `created` is false. The dedup row commits with the report, so two concurrent requests cannot both create one.
 */
export async function reportFinding(
  ctx: ServiceContext,
  project: ProjectRecord,
  scanId: string,
  findingId: string,
  actor: Actor | null,
  actorLabel: string,
): Promise<{ trackingId: string; created: boolean }> {
  authorize(actor, 'scan:create');
  const scan = await readScanRow(ctx, project, scanId);
  const finding = scan.findings.find((f) => f.findingId === findingId);
  const issue = finding ? undefined : scan.issues.find((i) => i.issueId === findingId);
  if (issue) return reportIssue(ctx, project, scan, issue, actorLabel);
  if (!finding) throw new DomainError('not_found', `No finding ${findingId} in scan ${scanId}`);
  const key = osvPackageKey(finding.ecosystem, finding.package);
  const existing = async (): Promise<string | null> => {
    const row = await ctx.db
      .selectFrom('scan_reports')
      .innerJoin('reports', 'reports.id', 'scan_reports.report_id')
      .select('reports.tracking_id')
      .where('scan_reports.project_id', '=', project.id)
      .where('scan_reports.advisory_id', '=', finding.id)
      .where('scan_reports.ecosystem', '=', key.ecosystem)
      .where('scan_reports.package', '=', key.name)
      .executeTakeFirst();
    return row?.tracking_id ?? null;
  };
  const before = await existing();
  if (before) return { trackingId: before, created: false };
  const text = reportText(finding, scan);
  try {
    const { trackingId } = await createInternalReport(ctx, project, {
      ...text,
      source: 'scan',
      severity: finding.severity,
      actorLabel,
      auditData: { scan: scanId, finding: findingId, advisory: finding.id, package: finding.package, version: finding.version },
      afterInsert: async (tx, report) => {
        await tx
          .insertInto('scan_reports')
          .values({ project_id: project.id, advisory_id: finding.id, ecosystem: key.ecosystem, package: key.name, report_id: report.id, created_at: ctx.now() })
          .execute();
      },
    });
    return { trackingId, created: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const after = await existing();
    if (!after) throw e;
    return { trackingId: after, created: false };
  }
}
