/**
 * The manifest of a backup archive (docs/operations.md): what the snapshot holds, so a restore can check it got
 * exactly that. Pure: built from values the service read in the snapshot's own transaction.
 */
export const BACKUP_FORMAT = 'embargo-backup';
export const BACKUP_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  created_at: string;
  engine: 'pglite' | 'postgres';
  /** The file `database.*` in the archive: PGlite's data directory as .tar.gz, or a `pg_dump --format=custom`. */
  database_format: 'pglite-datadir-tgz' | 'pg_dump-custom';
  database_file: string;
  /** The last schema migration the snapshot had run (a restore refuses one newer than it knows). */
  last_migration: string;
  /** Rows per table of the public schema, as of the snapshot. */
  counts: Record<string, number>;
  audit_head: { seq: number; hash: string };
  /** Ids (never the keys) of the encryption keys the instance had: the data opens only with them. */
  key_ids: string[];
  /** Whether `keys.json` (the encryption keys and the session secret) is in the archive. */
  includes_keys: boolean;
}

export interface ManifestProblem {
  field: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a manifest read from an archive; `known` are the migrations this version of Embargo has. */
export function checkManifest(raw: unknown, known: readonly string[]): { manifest: BackupManifest | null; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  if (!isObject(raw)) return { manifest: null, problems: [{ field: 'manifest', message: 'is not a JSON object' }] };
  if (raw.format !== BACKUP_FORMAT) problems.push({ field: 'format', message: `must be ${BACKUP_FORMAT}: this is not an Embargo backup` });
  if (raw.version !== BACKUP_VERSION) problems.push({ field: 'version', message: `${String(raw.version)} is not a backup version this Embargo reads (${BACKUP_VERSION})` });
  if (raw.database_format !== 'pglite-datadir-tgz' && raw.database_format !== 'pg_dump-custom') problems.push({ field: 'database_format', message: 'is unknown' });
  if (typeof raw.database_file !== 'string' || !/^database\.[a-z.]+$/.test(raw.database_file)) problems.push({ field: 'database_file', message: 'is missing or invalid' });
  if (typeof raw.last_migration !== 'string') problems.push({ field: 'last_migration', message: 'is missing' });
  else if (!known.includes(raw.last_migration)) {
    problems.push({ field: 'last_migration', message: `${raw.last_migration} is not a migration this version knows (its last is ${known.at(-1) ?? 'none'}): restore with the version of Embargo that made the backup, or a newer one` });
  }
  if (!isObject(raw.counts) || !Object.values(raw.counts).every((n) => Number.isInteger(n))) problems.push({ field: 'counts', message: 'must map tables to row counts' });
  if (!isObject(raw.audit_head) || !Number.isInteger(raw.audit_head.seq) || typeof raw.audit_head.hash !== 'string') problems.push({ field: 'audit_head', message: 'must be { seq, hash }' });
  if (!Array.isArray(raw.key_ids)) problems.push({ field: 'key_ids', message: 'must be a list' });
  return { manifest: problems.length ? null : (raw as unknown as BackupManifest), problems };
}

/** Tables whose row counts differ between the manifest and a restored database. */
export function countMismatches(expected: Readonly<Record<string, number>>, actual: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const [table, n] of Object.entries(expected)) {
    if (actual[table] !== n) out.push(`${table}: manifest ${n}, restored ${actual[table] ?? 'missing'}`);
  }
  return out;
}
