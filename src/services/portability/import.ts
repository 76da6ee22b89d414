import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { readTar } from '../../adapters/archive/tar.ts';
import { DomainError } from '../../core/errors.ts';
import { policyClaims } from '../../core/policy/claims.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import { parsePolicyOrThrow, refuseClaimsOfOthers } from '../projects/projects.ts';
import { slaVersionsOf } from '../reports/promises.ts';
import { rebuildQueueIndex } from '../reports/queue-index.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, TABLES, type ProjectExport, type Row } from './format.ts';

const CHUNK = 200;

/** JSON columns go in as text; everything else as it is. */
const column = (v: unknown): unknown => (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) ? JSON.stringify(v) : v);

function readExport(archive: Uint8Array): { doc: ProjectExport; files: Map<string, Buffer> } {
  let files: Map<string, Buffer>;
  try {
    files = readTar(archive);
  } catch (e) {
    throw new DomainError('validation', (e as Error).message);
  }
  const raw = files.get('export.json');
  if (!raw) throw new DomainError('validation', 'The archive has no export.json: it is not an Embargo project export');
  let doc: ProjectExport;
  try {
    doc = JSON.parse(raw.toString('utf8')) as ProjectExport;
  } catch {
    throw new DomainError('validation', 'export.json is not JSON');
  }
  if (doc.format !== EXPORT_FORMAT || doc.version !== EXPORT_VERSION) {
    throw new DomainError('validation', `Not a project export this version reads (format ${String(doc.format)} version ${String(doc.version)}; expected ${EXPORT_FORMAT} ${EXPORT_VERSION})`);
  }
  return { doc, files };
}

/**
 * Every row of an export belongs to its project (an archive comes from elsewhere and is read as untrusted): rows of
 * project scope name the project, rows of report and advisory scope name one of the archive's own reports or
 * advisories, an advisory names no report but the archive's. Checked before anything is written; returns the ids.
 */
function rowsOwnedBy(doc: ProjectExport, projectId: string): { reports: Set<string>; advisories: Set<string> } {
  const tables = doc.tables ?? {};
  const idsOf = (name: string) => new Set((tables[name] ?? []).map((r) => String(r.id)));
  const reports = idsOf('reports');
  const advisories = idsOf('advisories');
  for (const table of TABLES) {
    const rows = tables[table.name] ?? [];
    if (!Array.isArray(rows)) throw new DomainError('validation', `export.json: tables.${table.name} is not a list`);
    rows.forEach((row, i) => {
      const where = `export.json: ${table.name}[${i}]`;
      if (typeof row !== 'object' || row === null) throw new DomainError('validation', `${where} is not an object`);
      const owner =
        table.scope === 'project' ? ['project_id', row.project_id, String(row.project_id) === projectId] as const
        : table.scope === 'report' ? ['report_id', row.report_id, reports.has(String(row.report_id))] as const
        : ['advisory_id', row.advisory_id, advisories.has(String(row.advisory_id))] as const;
      if (!owner[2]) throw new DomainError('validation', `${where}: ${owner[0]} ${String(owner[1])} is not of the exported project`);
      if (table.name === 'advisories' && row.report_id !== null && row.report_id !== undefined && !reports.has(String(row.report_id))) {
        throw new DomainError('validation', `${where}: report_id ${String(row.report_id)} is not of the exported project`);
      }
    });
  }
  if (reports.size !== (tables.reports ?? []).length || advisories.size !== (tables.advisories ?? []).length) {
    throw new DomainError('validation', 'export.json: two rows of one table share an id');
  }
  return { reports, advisories };
}

/**
 * Loads a project export into this instance (site admins; docs/operations.md): the project with its policy, its
 * reports under their tracking IDs, threads, attachments and advisories, every sealed value sealed again under this
 * instance's key. Refuses a project whose slug, tracking prefix, addresses or tracking IDs this instance already
 * has. Users of the source instance are not created: assignees and message authors are left unset (the export's
 * `users` names them). The source's audit entries stay in the archive; this chain records the import.
 */
export async function importProject(ctx: ServiceContext, actor: { siteAdmin: boolean } | null, label: string, archive: Uint8Array): Promise<{ slug: string; counts: Record<string, number> }> {
  if (!actor?.siteAdmin) throw new DomainError('forbidden', 'Only site administrators may import a project');
  const { doc, files } = readExport(archive);
  const now = ctx.now();
  const yaml = String(doc.project.policy_yaml ?? '');
  const policy = await parsePolicyOrThrow(ctx, yaml, now);
  if (policy.project.slug !== doc.project.slug) throw new DomainError('validation', 'The export\'s policy names another slug than its project');
  const projectId = String(doc.project.id);
  const owned = rowsOwnedBy(doc, projectId);
  const counts: Record<string, number> = {};
  await ctx.db.transaction().execute(async (tx) => {
    const db = tx as unknown as Kysely<any>;
    const clash = await tx.selectFrom('projects').select('slug').where((eb) => eb.or([eb('slug', '=', policy.project.slug), eb('id', '=', projectId)])).executeTakeFirst();
    if (clash) throw new DomainError('conflict', `This instance already has the project ${clash.slug}: an import never merges into or replaces a project`);
    const claims = policyClaims(policy);
    await refuseClaimsOfOthers(tx, claims, null, yaml);
    // Rows keep their ids: none may be one this instance already has (a report's or an advisory's, in any project).
    for (const [table, ids] of [['reports', owned.reports], ['advisories', owned.advisories]] as const) {
      const list = [...ids];
      for (let i = 0; i < list.length; i += 1000) {
        const taken = await db.selectFrom(table).select('id').where('id', '=', (eb: any) => eb.fn('any', [eb.val(list.slice(i, i + 1000))])).executeTakeFirst();
        if (taken) throw new DomainError('validation', `The archive's ${table} row ${String(taken.id)} has the id of one this instance already has`);
      }
    }
    const trackingIds = (doc.tables.reports ?? []).map((r) => String(r.tracking_id));
    for (let i = 0; i < trackingIds.length; i += 1000) {
      const taken = await tx.selectFrom('reports').select('tracking_id').where('tracking_id', '=', (eb) => eb.fn<string>('any', [eb.val(trackingIds.slice(i, i + 1000))])).executeTakeFirst();
      if (taken) throw new DomainError('conflict', `This instance already has a report ${taken.tracking_id}: tracking IDs are kept on import, so they must be free`);
    }
    const { id: _id, policy: _policy, hosts: _hosts, ...projectCols } = doc.project;
    await db
      .insertInto('projects')
      .values({ ...Object.fromEntries(Object.entries(projectCols).map(([k, v]) => [k, column(v)])), id: projectId, policy: JSON.stringify(policy), hosts: JSON.stringify(policy.project.hosts ?? []) })
      .execute();
    if (claims.length) await tx.insertInto('project_claims').values(claims.map((c) => ({ kind: c.kind, value: c.value, project_id: projectId }))).execute();

    for (const table of TABLES) {
      const rows = doc.tables[table.name] ?? [];
      const values = rows.map((source) => {
        const row: Row = {};
        const sealedFields = new Set(table.sealed.map((s) => s.as));
        for (const [k, v] of Object.entries(source)) {
          if (sealedFields.has(k) || table.omit.includes(k)) continue;
          // report_events ids come from this instance's sequence; the order is kept by inserting in the export's order.
          if (table.name === 'report_events' && k === 'id') continue;
          row[k] = table.userColumns.includes(k) ? null : column(v);
        }
        for (const s of table.sealed) {
          const plain = source[s.as];
          const data = s.kind === 'file' ? (typeof plain === 'string' ? files.get(plain) : undefined) : plain;
          if (data === null || data === undefined) {
            if (s.kind === 'file') throw new DomainError('validation', `The archive lacks ${String(plain)}, named by ${table.name} ${String(source.id)}`);
            row[s.column] = null;
            if (!(s.keyColumn in row)) row[s.keyColumn] = null;
            continue;
          }
          if (s.kind === 'file' && typeof source.sha256 === 'string' && createHash('sha256').update(data as Buffer).digest('hex') !== source.sha256) {
            throw new DomainError('validation', `${String(plain)} does not match its SHA-256 in export.json`);
          }
          const sealed = ctx.sealer.seal(s.kind === 'json' ? JSON.stringify(data) : s.kind === 'text' ? String(data) : (data as Buffer), s.aad(source));
          row[s.column] = sealed.sealed;
          row[s.keyColumn] = sealed.keyId;
        }
        if (table.name === 'reports') row.triage_pending = true;
        return row;
      });
      for (let i = 0; i < values.length; i += CHUNK) await db.insertInto(table.name).values(values.slice(i, i + CHUNK)).execute();
      counts[table.name] = values.length;
    }
    await rebuildQueueIndex(tx, projectId, await slaVersionsOf(tx, projectId), policy, now);
    const lastAudit = doc.audit.at(-1);
    await appendAudit(
      tx,
      {
        actor: label,
        action: 'project.imported',
        projectId,
        data: { slug: policy.project.slug, source: doc.source, exported_at: doc.exported_at, counts, source_audit: { entries: doc.audit.length, last_seq: lastAudit?.seq ?? null, last_hash: lastAudit?.hash ?? null } },
      },
      now,
    );
  });
  ctx.intakeProjects.delete(policy.project.slug);
  return { slug: policy.project.slug, counts };
}
