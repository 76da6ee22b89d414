import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { sha256Hex } from '../../adapters/crypto/tokens.ts';
import { runHygieneChecks } from '../../adapters/hygiene/run-checks.ts';
import { readSarifLog } from '../../adapters/hygiene/sarif-import.ts';
import { zipTree } from '../../adapters/hygiene/tree.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import type { HygieneFinding } from '../../core/hygiene/types.ts';
import { isSeverity, severityRank, type Severity } from '../../core/severity.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { raiseEvent } from '../events/raise.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { createInternalReport } from '../reports/index.ts';

/** An upload the scan API reads as SARIF: by name, or a JSON document that says it is SARIF 2.1.0. */
export function isSarifUpload(filename: string, content: string): boolean {
  if (/\.sarif(\.json)?$/i.test(filename)) return true;
  const head = content.slice(0, 4096);
  return /^\s*\{/.test(head) && /"version"\s*:\s*"2\.1\.0"/.test(content.slice(0, 1 << 20)) && /"runs"\s*:/.test(content.slice(0, 1 << 20)) && /sarif/i.test(head);
}

/** An upload the scan API reads as a tree to run the hygiene checks over: a zip of it. */
export const isTreeUpload = (filename: string): boolean => /\.zip$/i.test(filename);

const SARIF_FORMAT = 'SARIF 2.1.0';
const INLINE_TREE_BYTES = 64 * 1024;
/**
 * The schema's uniqueItems checks compare every pair: 64 KB of short distinct artifacts held the event loop for about
 * half a second, 16 KB for a few tens of milliseconds (measured); past that a log goes to the parse pool.
 */
const INLINE_SARIF_CHARS = 16 * 1024;
const TREE_FORMAT = 'hygiene';

/**
 * Imports a SARIF 2.1.0 log from any scanner (Bandit, Semgrep, CodeQL, gitleaks…): checked against the schema,
 * each result stored as a finding with its rule, severity (`security-severity`, else the level) and location.
 */
export async function createSarifScan(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, upload: { filename: string; content: string }): Promise<string> {
  authorize(actor, 'scan:create');
  // A large log (a CodeQL run lists every artifact it read) is parsed and schema-checked on the parse pool, under its time limit.
  const imported = upload.content.length <= INLINE_SARIF_CHARS ? await readSarifLog(upload.content, ctx.sarif) : await ctx.parsers.readSarif(upload.content);
  const findings = imported.findings;
  const tool = imported.tools.join(', ').slice(0, 200) || 'unknown';
  return storeIssueScan(ctx, project, actorLabel, { filename: upload.filename, kind: 'sarif', format: SARIF_FORMAT, tool, scope: `sarif:${tool}`, sha256: sha256Hex(upload.content), files: 0, findings });
}

/** Runs every hygiene check (secrets, model files) over an uploaded zip of a tree, as `embargo hygiene` does. */
export async function createTreeScan(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, upload: { filename: string; zip: Buffer }): Promise<string> {
  authorize(actor, 'scan:create');
  // Past a few files' worth, the checks (inflating, regular expressions, opcode walks) run on the parse pool.
  const run = upload.zip.length <= INLINE_TREE_BYTES ? runHygieneChecks(zipTree(upload.zip, upload.filename), sha256Hex) : await ctx.parsers.checkTreeZip(upload.filename, upload.zip);
  return storeIssueScan(ctx, project, actorLabel, { filename: upload.filename, kind: 'hygiene', format: TREE_FORMAT, tool: null, scope: 'hygiene', sha256: sha256Hex(upload.zip), files: run.files, findings: run.findings });
}

interface IssueScan {
  filename: string;
  kind: 'hygiene' | 'sarif';
  format: string;
  tool: string | null;
  /** Scans of one scope resolve each other's findings: the hygiene checks, or one SARIF tool. */
  scope: string;
  sha256: string;
  files: number;
  findings: HygieneFinding[];
}

/**
 * Stores the scan and its findings, records every fingerprint as seen by this scan, and resolves the fingerprints
 * earlier scans of the same scope found that this one does not — with the audit entry, in one transaction.
 * Fingerprints travel as one array (unnest), never a parameter per finding.
 */
async function storeIssueScan(ctx: ServiceContext, project: ProjectRecord, actorLabel: string, s: IssueScan): Promise<string> {
  const id = randomUUID();
  const now = ctx.now();
  const rows = s.findings.map((f, position) => ({
    id: randomUUID(),
    scan_id: id,
    position,
    file: f.file,
    line: f.line ?? null,
    check: f.check,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fingerprint: f.fingerprint,
  }));
  const unique = new Map(s.findings.map((f) => [f.fingerprint, f.rule]));
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('scans')
      .values({ id, project_id: project.id, filename: s.filename, format: s.format, sha256: s.sha256, packages: s.files, unchecked: JSON.stringify([]), advisories_checked: 0, created_by: actorLabel, created_at: now, kind: s.kind, tool: s.tool })
      .execute();
    for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('scan_issues').values(rows.slice(i, i + 1000)).execute();
    const resolvedCount = await recordSeen(tx, project.id, id, s.scope, unique, now);
    await appendAudit(tx, { actor: actorLabel, action: 'scan.created', projectId: project.id, data: { scan: id, filename: s.filename, kind: s.kind, tool: s.tool, findings: rows.length, resolved: resolvedCount } }, now);
    await raiseFindingEvent(tx, project, id, s, now);
  });
  return id;
}

/**
 * Records the fingerprints (→ rule) a scan of `scope` found, reopening any resolved before, and resolves the open
 * ones of the scope it did not find. Returns how many it resolved. One statement per step, arrays not rows.
 */
export async function recordSeen(tx: Tx, projectId: string, scanId: string, scope: string, seen: Map<string, string>, now: Date): Promise<number> {
  if (seen.size) {
    await sql`
      insert into scan_issue_states (project_id, fingerprint, scope, rule, first_scan_id, last_scan_id)
      select ${projectId}::uuid, t.f, ${scope}, t.r, ${scanId}::uuid, ${scanId}::uuid from unnest(${[...seen.keys()]}::text[], ${[...seen.values()]}::text[]) as t(f, r)
      on conflict (project_id, fingerprint) do update set last_scan_id = excluded.last_scan_id, scope = excluded.scope, resolved_scan_id = null, resolved_at = null`.execute(tx);
  }
  const resolved = await tx
    .updateTable('scan_issue_states')
    .set({ resolved_scan_id: scanId, resolved_at: now })
    .where('project_id', '=', projectId)
    .where('scope', '=', scope)
    .where('resolved_at', 'is', null)
    .where('last_scan_id', '<>', scanId)
    .executeTakeFirst();
  return Number(resolved.numUpdatedRows);
}

async function raiseFindingEvent(tx: Tx, project: ProjectRecord, id: string, s: IssueScan, now: Date): Promise<void> {
  if (!s.findings.length) return;
  const highest = s.findings.map((f) => f.severity).reduce<Severity | null>((a, b) => (severityRank(b) > severityRank(a) ? b : a), null);
  const rules = [...new Set(s.findings.map((f) => `${f.check}/${f.rule}`))].slice(0, 20);
  await raiseEvent(tx, project.id, { type: 'scan.finding', scan: { id, filename: s.filename }, findings: s.findings.length, highest_severity: highest, advisories: rules }, now);
}

export interface StoredIssue {
  issueId: string;
  file: string;
  line: number | null;
  check: string;
  rule: string;
  severity: Severity | null;
  message: string;
  fingerprint: string;
  reportTrackingId: string | null;
}

export interface ResolvedIssue {
  fingerprint: string;
  rule: string;
  reportTrackingId: string | null;
}

/** A scan's hygiene or SARIF findings, and the earlier ones it resolved, each with the report it became. */
export async function readIssues(ctx: ServiceContext, project: ProjectRecord, scanId: string): Promise<{ issues: StoredIssue[]; resolved: ResolvedIssue[] }> {
  const rows = await ctx.db.selectFrom('scan_issues').selectAll().where('scan_id', '=', scanId).orderBy('position').execute();
  const resolvedRows = await ctx.db
    .selectFrom('scan_issue_states')
    .select(['fingerprint', 'rule'])
    .where('project_id', '=', project.id)
    .where('resolved_scan_id', '=', scanId)
    .orderBy('fingerprint')
    .execute();
  const fingerprints = [...new Set([...rows.map((r) => r.fingerprint), ...resolvedRows.map((r) => r.fingerprint)])];
  const reported = fingerprints.length
    ? await ctx.db
        .selectFrom('scan_issue_reports')
        .innerJoin('reports', 'reports.id', 'scan_issue_reports.report_id')
        .select(['scan_issue_reports.fingerprint', 'reports.tracking_id'])
        .where('scan_issue_reports.project_id', '=', project.id)
        .where(sql<boolean>`scan_issue_reports.fingerprint = any(${fingerprints}::text[])`)
        .execute()
    : [];
  const reportOf = new Map(reported.map((r) => [r.fingerprint, r.tracking_id]));
  return {
    issues: rows.map((r) => ({
      issueId: r.id,
      file: r.file,
      line: r.line,
      check: r.check,
      rule: r.rule,
      severity: isSeverity(r.severity) ? r.severity : null,
      message: r.message,
      fingerprint: r.fingerprint,
      reportTrackingId: reportOf.get(r.fingerprint) ?? null,
    })),
    resolved: resolvedRows.map((r) => ({ fingerprint: r.fingerprint, rule: r.rule, reportTrackingId: reportOf.get(r.fingerprint) ?? null })),
  };
}

const isUniqueViolation = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

/**
 * Turns a hygiene or SARIF finding into an internal report, once per fingerprint (rule and location) in the
 * project: a re-scan's same finding returns the report it already became. The severity is carried over; the
 * report's text holds the finding's message (a secret only redacted) and where it was found.
 */
export async function reportIssue(
  ctx: ServiceContext,
  project: ProjectRecord,
  scan: { id: string; filename: string; createdAt: Date; tool: string | null },
  issue: StoredIssue,
  actorLabel: string,
): Promise<{ trackingId: string; created: boolean }> {
  const existing = async (): Promise<string | null> => {
    const row = await ctx.db
      .selectFrom('scan_issue_reports')
      .innerJoin('reports', 'reports.id', 'scan_issue_reports.report_id')
      .select('reports.tracking_id')
      .where('scan_issue_reports.project_id', '=', project.id)
      .where('scan_issue_reports.fingerprint', '=', issue.fingerprint)
      .executeTakeFirst();
    return row?.tracking_id ?? null;
  };
  const before = await existing();
  if (before) return { trackingId: before, created: false };
  const where = `${issue.file || 'no file'}${issue.line === null ? '' : `:${issue.line}`}`;
  const description = [
    issue.message,
    '',
    `Check: ${issue.check}${scan.tool ? ` (${scan.tool})` : ''}`,
    `Rule: ${issue.rule}`,
    `Where: ${where}`,
    `Severity: ${issue.severity ?? 'not stated'}`,
    `Fingerprint: ${issue.fingerprint}`,
    `Found by: scan ${scan.id} of ${scan.filename} (${scan.createdAt.toISOString()})`,
  ].join('\n');
  try {
    const { trackingId } = await createInternalReport(ctx, project, {
      title: `${issue.rule} in ${where}`.slice(0, 200),
      description,
      source: 'scan',
      severity: issue.severity,
      actorLabel,
      auditData: { scan: scan.id, finding: issue.issueId, check: issue.check, rule: issue.rule, fingerprint: issue.fingerprint },
      afterInsert: async (tx, report) => {
        await tx.insertInto('scan_issue_reports').values({ project_id: project.id, fingerprint: issue.fingerprint, report_id: report.id, created_at: ctx.now() }).execute();
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
