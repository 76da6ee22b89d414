import { createHash } from 'node:crypto';
import { osvFiles } from '../../adapters/osv/load-osv-records.ts';
import { sourceParts, sourceStamp } from '../../adapters/osv/osv-source.ts';
import type { ServiceContext } from '../context.ts';
import { importOsvFiles } from './osv-import.ts';

export const OSV_FOLDER_ACTOR = 'job:import-osv';
const STAMP_KEY = 'osv_dir_stamp';
/** Records per transaction: smaller than the CLI's, since on PGlite each chunk's writes hold the server's only thread. */
const JOB_CHUNK = 100;

/**
 * Imports the OSV folder of EMBARGO_OSV_DIR when it changed since the last import: how a server on the embedded
 * database (which no other process may open while it runs) gets OSV data, and how any server refreshes it (drop
 * new `all.zip` exports in). The import is `importOsvFiles`'s: incremental (only new or newer records are written),
 * in chunks, audited as `osv.imported`. The folder's stamp is claimed in `settings` first, so of several instances
 * on one PostgreSQL database one imports it; a failed import gives the claim back for the next tick.
 * Returns the records written.
 */
export async function importOsvFolder(ctx: ServiceContext): Promise<number> {
  const dir = ctx.osvDir;
  if (!dir) return 0;
  const stamp = sourceStamp(dir);
  if (stamp === null) return 0;
  const value = `${dir}\n${createHash('sha256').update(stamp).digest('hex')}`;
  const before = await ctx.db.selectFrom('settings').select('value').where('key', '=', STAMP_KEY).executeTakeFirst();
  if (before?.value === value) return 0;
  const claimed = await ctx.db
    .insertInto('settings')
    .values({ key: STAMP_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }).where('settings.value', '<>', value))
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return 0;
  if (!sourceParts(dir).length) return 0;
  try {
    const result = await importOsvFiles(ctx.db, osvFiles(dir), { actor: OSV_FOLDER_ACTOR, now: ctx.now, chunkSize: JOB_CHUNK });
    return result.imported + result.updated;
  } catch (e) {
    await ctx.db.updateTable('settings').set({ value: before?.value ?? '' }).where('key', '=', STAMP_KEY).where('value', '=', value).execute();
    throw e;
  }
}
