import { sql, type Kysely } from 'kysely';

/**
 * Hygiene findings (issue 22): secrets, unsafe model files and imported SARIF results, stored per scan like
 * dependency findings. `scans.kind` says which scan it was (`dependency`, `hygiene`, `sarif`) and `tool` the SARIF
 * tool. `scan_issue_states` remembers each fingerprint a project's scans of one scope (kind and tool) have seen:
 * when a later scan of that scope no longer has it, it is resolved by that scan (and reopened if it comes back).
 * `scan_issue_reports`: the internal report a fingerprint became, once per project.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('scans').addColumn('kind', 'text', (c) => c.notNull().defaultTo('dependency')).execute();
  await db.schema.alterTable('scans').addColumn('tool', 'text').execute();
  await db.schema
    .createTable('scan_issues')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('scan_id', 'uuid', (c) => c.notNull().references('scans.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scan_issues_scan_idx').on('scan_issues').columns(['scan_id', 'position']).execute();
  await db.schema
    .createTable('scan_issue_states')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('first_scan_id', 'uuid', (c) => c.notNull())
    .addColumn('last_scan_id', 'uuid', (c) => c.notNull())
    .addColumn('resolved_scan_id', 'uuid')
    .addColumn('resolved_at', 'timestamptz')
    .addPrimaryKeyConstraint('scan_issue_states_pk', ['project_id', 'fingerprint'])
    .execute();
  await db.schema.createIndex('scan_issue_states_open_idx').on('scan_issue_states').columns(['project_id', 'scope', 'last_scan_id']).where(sql.ref('resolved_at'), 'is', null).execute();
  await db.schema.createIndex('scan_issue_states_resolved_idx').on('scan_issue_states').columns(['resolved_scan_id']).execute();
  await db.schema
    .createTable('scan_issue_reports')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('scan_issue_reports_pk', ['project_id', 'fingerprint'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scan_issue_reports').execute();
  await db.schema.dropTable('scan_issue_states').execute();
  await db.schema.dropTable('scan_issues').execute();
  await db.schema.alterTable('scans').dropColumn('tool').execute();
  await db.schema.alterTable('scans').dropColumn('kind').execute();
}
