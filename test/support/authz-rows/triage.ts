import { TRIAGERS, P, type Row } from '../authz.ts';
import { submit } from '../fixtures.ts';

/** Rows of the triage aids (issue 18): rejecting several reports as spam goes through the queue's bulk action. */
export const ROWS: Row[] = [
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/reports/bulk',
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/reports/bulk`, payload: { tracking_ids: [(await submit(f.rt)).tracking_id], action: 'reject', reason: 'spam' } }),
  },
];
