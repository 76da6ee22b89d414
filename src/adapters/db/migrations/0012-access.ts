import { sql, type Kysely } from 'kysely';

/**
 * Access that can be taken back (issue 15).
 *
 * - API tokens get scopes (`read`, `triage`, `publish`, `admin`; existing tokens keep all four, which is what they
 *   could do before), an optional list of projects they are limited to, and a revocation time. Tokens without an
 *   expiry get one 90 days from the upgrade: a token that lives for ever is what this migration ends.
 * - Sessions get an id that can be shown and revoked (the row's key stays the hash of the cookie's secret).
 * - Password resets: single-use links, stored hashed, valid one hour.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', 'jsonb', (c) => c.notNull().defaultTo(sql`'["read","triage","publish","admin"]'::jsonb`))
    .addColumn('project_ids', 'jsonb')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`update api_tokens set expires_at = now() + interval '90 days' where expires_at is null`.execute(db);
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await db.schema.alterTable('sessions').addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`)).execute();
  await db.schema.createIndex('sessions_id_uq').on('sessions').column('id').unique().execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('password_resets').execute();
  await db.schema.dropIndex('sessions_user_idx').execute();
  await db.schema.dropIndex('sessions_id_uq').execute();
  await db.schema.alterTable('sessions').dropColumn('id').execute();
  await db.schema.dropIndex('api_tokens_user_idx').execute();
  await db.schema.alterTable('api_tokens').dropColumn('scopes').dropColumn('project_ids').dropColumn('revoked_at').execute();
}
