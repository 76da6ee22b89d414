import type { Snapshotter } from '../../adapters/db/snapshot.ts';

/** The instance's secrets as a backup with `--include-keys` carries them (`keys.json`, docs/operations.md). */
export interface BackupSecrets {
  encryption_keys: { id: string; key: string }[];
  active_key_id: string;
  session_secret: string;
}

/** What a process can back up: its database's snapshots, and its secrets when an operator asks for them. */
export interface BackupSource {
  snapshotter: Snapshotter;
  /** Ids of the configured encryption keys (the manifest names them, never the keys). */
  keyIds: string[];
  secrets(): BackupSecrets;
}
