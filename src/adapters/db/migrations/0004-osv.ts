import { sql, type Kysely } from 'kysely';

/**
 * The OSV advisory database and dependency scans.
 *
 * - `osv_records`: one row per advisory id, the record's JSON text as published, its `modified` time (a
 *   re-import skips records whose `modified` is not newer) and whether it is withdrawn.
 * - `osv_packages`: (ecosystem, normalised package name) → record id, so a scan reads only the records naming
 *   its packages, never the whole database. Withdrawn records have no rows here.
 * - `scans` / `scan_findings`: a lockfile checked for a project, and what was found.
 * - `scan_reports`: the internal report a finding became, one per (project, advisory, ecosystem, package).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('osv_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('modified', 'timestamptz', (c) => c.notNull())
    .addColumn('withdrawn', 'boolean', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('osv_packages')
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // No foreign key: only the import writes these rows, replacing a record's rows with the record in one
    // transaction, and the per-row key check was a tenth of the import's time.
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('osv_packages_pk', ['ecosystem', 'name', 'record_id'])
    .execute();
  await db.schema.createIndex('osv_packages_record_idx').on('osv_packages').column('record_id').execute();

  await db.schema
    .createTable('scans')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('packages', 'integer', (c) => c.notNull())
    .addColumn('unchecked', 'jsonb', (c) => c.notNull())
    .addColumn('advisories_checked', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('scans_project_idx').on('scans').columns(['project_id', 'created_at']).execute();

  await db.schema
    .createTable('scan_findings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('scan_id', 'uuid', (c) => c.notNull().references('scans.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('advisory_id', 'text', (c) => c.notNull())
    .addColumn('aliases', 'jsonb', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('cvss_score', 'double precision')
    .addColumn('fixed', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scan_findings_scan_idx').on('scan_findings').columns(['scan_id', 'position']).execute();

  await db.schema
    .createTable('scan_reports')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('advisory_id', 'text', (c) => c.notNull())
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('scan_reports_pk', ['project_id', 'advisory_id', 'ecosystem', 'package'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['scan_reports', 'scan_findings', 'scans', 'osv_packages', 'osv_records']) await db.schema.dropTable(t).ifExists().execute();
}
