import { importOsvFolder } from '../services/scanning/osv-folder.ts';
import type { Job } from './runner.ts';

/** Imports EMBARGO_OSV_DIR when it changed (a stamp claimed in SQL, so one instance imports it); nothing when unset. */
export const osvFolderJob: Job = {
  name: 'import-osv',
  intervalMs: 10 * 60_000,
  tick: (ctx) => importOsvFolder(ctx),
};
