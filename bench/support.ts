import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the benches share: temp folders removed when the process exits, and the tests' seeded PRNG. */
export { rng } from '../test/support/fuzz.ts';

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder in the system's temp folder, removed when the bench exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/**
 * A new, empty PostgreSQL database on the server `adminUrl` names (the benches' `BENCH_DATABASE_URL`), and how to
 * drop it. The drop is forced (a session still open is ended) unless `force: false` (a runtime whose pool is still
 * closing would see its connection killed: an unhandled error); `BENCH_KEEP=1` keeps the database for a look.
 */
export async function freshPostgresDatabase(adminUrl: string, prefix: string, opts: { force?: boolean } = {}): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (process.env.BENCH_KEEP === '1') return void console.log(`  kept database ${name}`);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name}${opts.force === false ? '' : ' with (force)'}`);
      } catch (e) {
        console.log(`  could not drop ${name}: ${String(e)}`);
      } finally {
        await c.end();
      }
    },
  };
}
