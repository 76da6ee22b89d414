import type { Job } from './runner.ts';
import { indexPendingSearch, SEARCH_INDEX_INTERVAL_MS } from '../services/reports/search-index.ts';

/** Hashes the words of new reports and messages into the queue's search index (claims rows with SKIP LOCKED). */
export const searchIndexJob: Job = {
  name: 'search-index',
  intervalMs: SEARCH_INDEX_INTERVAL_MS,
  tick: (ctx) => indexPendingSearch(ctx),
};
