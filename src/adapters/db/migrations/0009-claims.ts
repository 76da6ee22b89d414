import { sql, type Kysely } from 'kysely';

/**
 * Instance-wide claims (issue 13): a security address, a host and a tracking prefix belong to one project.
 *
 * - `project_claims`: (kind, value) is the primary key, so two projects can never hold the same address, host or
 *   prefix, whatever order their saves commit in. Values are normalised (addresses and hosts lower case, prefixes
 *   upper case). Existing projects are given their claims oldest first: where two already named the same value,
 *   the older one keeps it and the newer one holds nothing until its policy names a free value.
 * - Tracking IDs are unique per project, not per instance: even two projects that share a prefix from before this
 *   migration can never wedge each other's intake with a colliding ID.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_claims')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('email','host','tracking_prefix')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_claims_pk', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('project_claims_project_idx').on('project_claims').column('project_id').execute();
  await sql`
    insert into project_claims (kind, value, project_id)
    select kind, value, id from (
      select 'tracking_prefix' as kind, upper(tracking_prefix) as value, id, created_at from projects
      union all
      select 'email', lower(trim(policy->'contacts'->>'email')), id, created_at from projects where policy->'contacts'->>'email' is not null
      union all
      select 'host', lower(h), id, created_at from projects, jsonb_array_elements_text(hosts) as h
    ) c order by created_at, id
    on conflict (kind, value) do nothing`.execute(db);
  await sql`alter table reports drop constraint reports_tracking_id_key`.execute(db);
  await db.schema.createIndex('reports_project_tracking_id_uq').on('reports').columns(['project_id', 'tracking_id']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reports_project_tracking_id_uq').execute();
  await sql`alter table reports add constraint reports_tracking_id_key unique (tracking_id)`.execute(db);
  await db.schema.dropTable('project_claims').execute();
}
