import type { Kysely } from 'kysely';

/**
 * GitHub Security Advisories import (issue 20, docs/ghsa.md): each imported repository advisory is linked to the
 * report it became, by GHSA id, so a re-import updates that report instead of adding another. The advisory as
 * imported (credits, packages, CWE, GitHub's state) is sealed like a report body. A project's GitHub source
 * (`owner/repo` and the token an admin gave) keeps the token sealed; the API base URL is instance configuration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ghsa_imports')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('ghsa_id', 'text', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().unique().references('reports.id').onDelete('cascade'))
    .addColumn('ghsa_state', 'text', (c) => c.notNull())
    .addColumn('ghsa_updated_at', 'timestamptz')
    .addColumn('record_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ghsa_imports_pk', ['project_id', 'ghsa_id'])
    .execute();
  await db.schema
    .createTable('ghsa_sources')
    .addColumn('project_id', 'uuid', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('token_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_synced_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ghsa_sources').execute();
  await db.schema.dropTable('ghsa_imports').execute();
}
