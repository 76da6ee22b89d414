import { sql, type Kysely } from 'kysely';

/** A report keeps one vector per CVSS generation (3.x and 4.0); the policy says which drives severity. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('cvss_v3_vector', 'text').execute();
  await db.schema.alterTable('reports').addColumn('cvss_v4_vector', 'text').execute();
  await sql`update reports set cvss_v4_vector = cvss_vector where cvss_vector like 'CVSS:4.0/%'`.execute(db);
  await sql`update reports set cvss_v3_vector = cvss_vector where cvss_vector like 'CVSS:3.%'`.execute(db);
  await db.schema.alterTable('reports').dropColumn('cvss_vector').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('cvss_vector', 'text').execute();
  await sql`update reports set cvss_vector = coalesce(cvss_v4_vector, cvss_v3_vector)`.execute(db);
  await db.schema.alterTable('reports').dropColumn('cvss_v3_vector').execute();
  await db.schema.alterTable('reports').dropColumn('cvss_v4_vector').execute();
}
