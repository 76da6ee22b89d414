import { sql, type Kysely } from 'kysely';

/**
 * Promises are kept as made (issue 17, docs/sla.md "Policy changes"): a project's SLA promises (the policy's
 * `response` and `disclosure`) are versioned, and a report keeps the version it was submitted under; a later version
 * applies to it only where it is more generous to the reporter.
 *
 * - `policy_versions`: one row per SLA version of a project, with the instant it was saved.
 * - `projects.sla_version`: the project's current version; `reports.policy_version`: the version a report was
 *   submitted under.
 *
 * What older policies promised was not kept: every existing project starts at version 1 (its current promises, in
 * force since the project was created), and every existing report holds version 1.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('sla', 'jsonb', (c) => c.notNull())
    .addColumn('effective_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_versions_pk', ['project_id', 'version'])
    .execute();
  await db.schema.alterTable('projects').addColumn('sla_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('reports').addColumn('policy_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await sql`
    insert into policy_versions (project_id, version, sla, effective_at)
    select id, 1, jsonb_build_object('response', policy->'response', 'disclosure', policy->'disclosure'), created_at from projects`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').dropColumn('policy_version').execute();
  await db.schema.alterTable('projects').dropColumn('sla_version').execute();
  await db.schema.dropTable('policy_versions').execute();
}
