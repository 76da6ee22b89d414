import { sql, type Kysely } from 'kysely';

/**
 * Project events and webhooks (issue 16).
 *
 * - `project_events`: one row per thing a project's team is told about (report.created, report.state_changed …),
 *   written in the transaction of the change. The events job fans each out — once, in one transaction with
 *   marking it dispatched — into webhook deliveries and maintainer mails. `data` never holds a report body, a
 *   reporter's identity or a token.
 * - `webhooks`: a project's endpoints (URL, event types, payload format). The signing secret and the URL are
 *   sealed (a chat webhook's URL is itself a credential); `url_display` is the URL with its path hidden.
 * - `webhook_deliveries`: the durable queue of POSTs (claimed like the outbox, FOR UPDATE SKIP LOCKED); its id is
 *   the `X-Embargo-Delivery` header, so a receiver can deduplicate a delivery repeated after a crash.
 * - `webhook_attempts`: every try of a delivery, with its status code, response time and error.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('report_id', 'uuid', (c) => c.references('reports.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('dispatched_at', 'timestamptz')
    .execute();
  await sql`create index project_events_pending_idx on project_events (occurred_at) where dispatched_at is null`.execute(db);
  await db.schema.createIndex('project_events_report_idx').on('project_events').column('report_id').execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('url_sealed', 'bytea', (c) => c.notNull())
    .addColumn('url_display', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('json', 'slack', 'matrix')`))
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('secret_sealed', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_project_idx').on('webhooks').column('project_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('event_id', 'uuid', (c) => c.references('project_events.id').onDelete('set null'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('redelivery_of', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending')`.execute(db);
  await db.schema.createIndex('webhook_deliveries_hook_idx').on('webhook_deliveries').columns(['webhook_id', 'created_at', 'id']).execute();
  // One delivery per (webhook, event): a second dispatch of an event can never queue it twice.
  await sql`create unique index webhook_deliveries_event_uq on webhook_deliveries (webhook_id, event_id) where redelivery_of is null and event_id is not null`.execute(db);

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_id', 'uuid', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
  await db.schema.dropTable('project_events').execute();
}
