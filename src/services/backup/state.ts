import { sql } from 'kysely';
import type { DbOrTx } from '../../adapters/db/database.ts';

export interface DatabaseState {
  lastMigration: string;
  counts: Record<string, number>;
  auditHead: { seq: number; hash: string };
}

/** Rows per table of the public schema, the last migration run and the audit head: what a manifest records. */
export async function readDatabaseState(db: DbOrTx): Promise<DatabaseState> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  if (tables.length) {
    // One statement for every table: a union of counts (the names come from the catalog, quoted as identifiers).
    const union = sql.join(
      tables.map((t) => sql`select ${t.name}::text as name, count(*)::int as n from ${sql.table(t.name)}`),
      sql` union all `,
    );
    const { rows } = await sql<{ name: string; n: number }>`${union}`.execute(db);
    for (const r of rows) counts[r.name] = Number(r.n);
  }
  const { rows: migrations } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  return {
    lastMigration: migrations[0]?.name ?? '',
    counts,
    auditHead: { seq: Number(head?.seq ?? 0), hash: head?.hash ?? '' },
  };
}
