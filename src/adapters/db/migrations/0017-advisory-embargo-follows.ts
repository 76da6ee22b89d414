import { sql, type Kysely } from 'kysely';

/**
 * An advisory's embargo date follows its report's unless set on its own (issue 17). Until now a draft copied the
 * report's date once: moving or clearing the report's date left the copy, and a cleared one then blocked
 * publication ("under embargo … schedule it instead"). `embargo_follows_report` says which it is.
 *
 * Existing advisories of a report that are not public yet follow it when their date still equals the report's
 * (the copy, or a scheduled advisory the report was synced to); any other date was set on its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('advisories').addColumn('embargo_follows_report', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await sql`
    update advisories a set embargo_follows_report = true
    from reports r
    where r.id = a.report_id and a.state in ('draft', 'in-review', 'scheduled') and a.publish_at is not distinct from r.embargo_until`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('advisories').dropColumn('embargo_follows_report').execute();
}
