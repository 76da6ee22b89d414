import { sql, type Kysely } from 'kysely';

/**
 * OpenPGP keys, encrypted intake and the quarantine.
 *
 * - `project_keys`: every OpenPGP key a project ever had. The current (published, signing) key is the one with
 *   `retired_at` null, at most one per project (partial unique index). Rotation retires the current key and adds
 *   a new one; retired keys are kept (and still tried on intake) so reports encrypted to an old published key
 *   still decrypt. The private key is sealed at rest (AAD `pgp-key:<project id>`), `key_id` is the sealer key.
 * - `reports`: whether the submission came encrypted, the signature status and verified signer, and the
 *   reporter's own public key (sealed, so mail to them can be encrypted).
 * - `quarantine`: an inbound mail or request Embargo refused (bad armor, wrong key, malformed MIME …), kept
 *   sealed with the reason so nothing is lost; a maintainer resolves it (discarded, released, …).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('user_ids', 'text', (c) => c.notNull())
    .addColumn('key_created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('public_key_armored', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .addUniqueConstraint('project_keys_fingerprint_uq', ['project_id', 'fingerprint'])
    .execute();
  await sql`create unique index project_keys_current_uq on project_keys (project_id) where retired_at is null`.execute(db);

  await db.schema
    .alterTable('reports')
    .addColumn('encrypted', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('reports').addColumn('signature_status', 'text', (c) => c.notNull().defaultTo('none')).execute();
  await db.schema.alterTable('reports').addColumn('signer_fingerprint', 'text').execute();
  await db.schema.alterTable('reports').addColumn('reporter_public_key_sealed', 'bytea').execute();
  await db.schema.alterTable('reports').addColumn('reporter_public_key_key_id', 'text').execute();
  await db.schema.alterTable('reports').addColumn('reporter_key_fingerprint', 'text').execute();

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('sender', 'text')
    .addColumn('raw_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('quarantine_project_idx').on('quarantine').columns(['project_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quarantine').execute();
  for (const c of ['reporter_key_fingerprint', 'reporter_public_key_key_id', 'reporter_public_key_sealed', 'signer_fingerprint', 'signature_status', 'encrypted']) {
    await db.schema.alterTable('reports').dropColumn(c).execute();
  }
  await db.schema.dropTable('project_keys').execute();
}
