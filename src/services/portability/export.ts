import { sql } from 'kysely';
import { writeTar, type TarEntry } from '../../adapters/archive/tar.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';
import { attachmentPath, EXPORT_FORMAT, EXPORT_VERSION, TABLES, type ExportedTable, type ProjectExport, type Row } from './format.ts';

/** Dates as ISO strings; everything else as the driver gave it (JSON columns arrive parsed). */
const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

async function rowsOf(db: DbOrTx, table: ExportedTable, projectId: string): Promise<Row[]> {
  const scope =
    table.scope === 'project'
      ? sql`project_id = ${projectId}`
      : table.scope === 'report'
        ? sql`report_id in (select id from reports where project_id = ${projectId})`
        : sql`advisory_id in (select id from advisories where project_id = ${projectId})`;
  const order = sql.join(table.order.map((c) => sql.ref(c)));
  const { rows } = await sql<Row>`select * from ${sql.table(table.name)} where ${scope} order by ${order}`.execute(db);
  return rows;
}

/**
 * A project's data in clear, for migration to another instance or a legal hold (docs/operations.md): every report
 * with its events, thread and attachments, its advisories with their revisions, and its audit entries. Project
 * admins; audited. Read in one repeatable-read snapshot, so the parts agree with each other.
 */
export async function exportProject(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, label: string): Promise<{ archive: Buffer; counts: Record<string, number> }> {
  authorize(actor, 'project:export');
  const at = ctx.now();
  const files: TarEntry[] = [];
  const doc = await ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx): Promise<ProjectExport> => {
      const projectRow = await tx.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
      const tables: Record<string, Row[]> = {};
      const userIds = new Set<string>();
      for (const table of TABLES) {
        const out: Row[] = [];
        for (const row of await rowsOf(tx, table, project.id)) {
          const e: Row = {};
          const sealedCols = new Set(table.sealed.flatMap((s) => [s.column, s.keyColumn]));
          for (const [k, v] of Object.entries(row)) if (!table.omit.includes(k) && !sealedCols.has(k)) e[k] = plain(v);
          for (const s of table.sealed) {
            const sealed = row[s.column] as Uint8Array | null;
            if (sealed === null || sealed === undefined) {
              if (s.kind !== 'file') e[s.as] = null;
              continue;
            }
            const opened = ctx.sealer.open(String(row[s.keyColumn]), sealed, s.aad(row));
            if (s.kind === 'file') {
              files.push({ name: attachmentPath(String(row.id)), data: opened, mtime: at });
              e[s.as] = attachmentPath(String(row.id));
            } else e[s.as] = s.kind === 'json' ? JSON.parse(opened.toString('utf8')) : opened.toString('utf8');
          }
          for (const c of table.userColumns) if (typeof row[c] === 'string') userIds.add(row[c]);
          out.push(e);
        }
        tables[table.name] = out;
      }
      const users = userIds.size ? await tx.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', [...userIds]).orderBy('id').execute() : [];
      const audit = await tx.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).orderBy('seq').execute();
      return {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exported_at: at.toISOString(),
        source: ctx.publicUrl,
        project: Object.fromEntries(Object.entries(projectRow).map(([k, v]) => [k, plain(v)])),
        tables,
        users,
        audit: audit.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))),
      };
    });
  const counts = { ...Object.fromEntries(Object.entries(doc.tables).map(([k, v]) => [k, v.length])), audit: doc.audit.length };
  // Recorded after the read: the export reads in a snapshot that an append to the chain must not wait on.
  await ctx.db.transaction().execute((tx) => appendAudit(tx, { actor: label, action: 'project.exported', projectId: project.id, data: { counts } }, ctx.now()));
  const archive = writeTar([{ name: 'export.json', data: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`), mtime: at }, ...files]);
  return { archive, counts };
}
