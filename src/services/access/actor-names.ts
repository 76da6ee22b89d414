import type { ServiceContext } from '../context.ts';

/** `user:<id>` and `user:<id> (api token)` labels: the id they name. */
const USER_LABEL = /^user:([0-9a-f-]{36})( \(api token\))?$/;

/**
 * Who the actors of audit entries are, by name, for people to read ("Ada Admin (API token)"); the entries keep
 * the label they were hashed with. One query for the distinct users, whatever the trail's length.
 */
export async function actorNames(ctx: ServiceContext, labels: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(labels.map((l) => USER_LABEL.exec(l)?.[1]).filter((id): id is string => !!id))];
  const users = ids.length ? await ctx.db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const byId = new Map(users.map((u) => [u.id, u.name]));
  const out = new Map<string, string>();
  for (const label of new Set(labels)) {
    const m = USER_LABEL.exec(label);
    if (m && byId.has(m[1] as string)) out.set(label, `${byId.get(m[1] as string)}${m[2] ? ' (API token)' : ''}`);
  }
  return out;
}
