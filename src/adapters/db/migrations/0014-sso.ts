import { sql, type Kysely } from 'kysely';

/**
 * Single sign-on (issue 15): which identity at which OpenID Connect provider is which account. An account is
 * found by (issuer, subject) first, so an email address changed at the provider still signs in to the same
 * account; only an identity seen for the first time is matched by its verified email. One identity per account
 * and provider: a second subject presenting the same email is refused, not silently linked. `granted` remembers
 * what the group → role map gave, so a later sign-in takes back only that, never a role given in Embargo.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sso_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    // What EMBARGO_OIDC_ROLE_MAP gave at the last sign-in ({site_admin, projects: {slug: role}}): what it may take back.
    .addColumn('granted', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"site_admin":false,"projects":{}}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_sign_in_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sso_identities_pk', ['issuer', 'subject'])
    .addUniqueConstraint('sso_identities_user_uq', ['issuer', 'user_id'])
    .execute();
  await db.schema.createIndex('sso_identities_user_idx').on('sso_identities').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sso_identities').execute();
}
