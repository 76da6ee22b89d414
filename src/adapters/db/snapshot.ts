import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import type { Db, DbOrTx } from './database.ts';

/** What a database snapshot file is: PGlite's own dump of its data directory, or `pg_dump --format=custom`. */
export type SnapshotFormat = 'pglite-datadir-tgz' | 'pg_dump-custom';

export interface DatabaseSnapshot<T> {
  format: SnapshotFormat;
  data: Buffer;
  /** What `read` saw: the same committed state as `data`. */
  meta: T;
}

/**
 * Takes a consistent copy of the whole database while the server keeps writing. `read` runs on the very state the
 * copy holds (counts and the audit head of a manifest), so the two agree.
 */
export interface Snapshotter {
  readonly engine: 'pglite' | 'postgres';
  take<T>(read: (db: DbOrTx) => Promise<T>): Promise<DatabaseSnapshot<T>>;
}

/** The subset of PGlite's API a snapshot uses. */
interface PgliteDumper {
  dumpDataDir(compression?: 'auto' | 'gzip' | 'none'): Promise<File | Blob>;
}

/**
 * PGlite runs one transaction at a time through our driver (pglite-dialect.ts): holding its one connection puts the
 * snapshot between two transactions, never inside one. A checkpoint first writes every committed page to the
 * files, so the dump opens without replaying WAL. Writers wait for the dump (well under a second for a small
 * instance; intake's group commit queues them meanwhile, it does not fail them).
 */
export function pgliteSnapshotter(db: Db, client: PgliteDumper): Snapshotter {
  return {
    engine: 'pglite',
    async take(read) {
      const taken = await db.connection().execute(async (conn) => {
        await sql`checkpoint`.execute(conn);
        const meta = await read(conn);
        const blob = await client.dumpDataDir('none');
        return { meta, tar: new Uint8Array(await blob.arrayBuffer()) };
      });
      // Compressed after the connection is released (zlib's thread pool): writers wait only for the copy.
      return { format: 'pglite-datadir-tgz' as const, data: await promisify(gzip)(taken.tar), meta: taken.meta };
    },
  };
}

/**
 * PostgreSQL: a read-only repeatable-read transaction exports its snapshot and `pg_dump --snapshot` dumps exactly
 * that state, while the manifest is read in the same transaction.
 */
export function postgresSnapshotter(db: Db, databaseUrl: string): Snapshotter {
  return {
    engine: 'postgres',
    async take(read) {
      const pgDump = findPgBinary('pg_dump');
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (tx) => {
          const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(tx);
          const meta = await read(tx);
          const data = await run(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${rows[0]?.id ?? ''}`, `--dbname=${databaseUrl}`]);
          return { format: 'pg_dump-custom' as const, data, meta };
        });
    },
  };
}

/** Loads a `pg_dump --format=custom` file into an (empty) database with `pg_restore`. */
export async function pgRestore(databaseUrl: string, dump: Buffer): Promise<void> {
  await run(findPgBinary('pg_restore'), ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${databaseUrl}`], dump);
}

/** Restores PGlite's dump (gzipped or not) into `pgdataDir`, which must not exist yet or be empty. */
export async function pgliteRestore(pgdataDir: string, dump: Buffer): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const tar = dump[0] === 0x1f && dump[1] === 0x8b ? await promisify(gunzip)(dump) : dump;
  const client = await PGlite.create({ dataDir: pgdataDir, loadDataDir: new Blob([new Uint8Array(tar)]) });
  await client.close();
}

/** `pg_dump`/`pg_restore` on PATH, else the newest under /usr/lib/postgresql/<version>/bin (Debian's layout). */
export function findPgBinary(name: 'pg_dump' | 'pg_restore'): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new DomainError('unavailable', `${name} was not found (on PATH or under /usr/lib/postgresql/*/bin): install the PostgreSQL client tools of your server's version or newer to back up or restore PostgreSQL`);
}

/** Runs a program with `input` on stdin, returns its stdout; its stderr (never the URL we passed) in the error. */
function run(program: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${program.split('/').pop()} failed (exit ${code}): ${err.replace(/postgres(ql)?:\/\/[^\s"']+/g, 'postgres://…').trim().slice(0, 2000)}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}
