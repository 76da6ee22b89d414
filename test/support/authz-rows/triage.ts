import { TRIAGERS, P, type Row } from '../authz.ts';
import { submit } from '../fixtures.ts';

/** Rows of the triage aids (issue 18): rejecting several reports at once. */
export const ROWS: Row[] = [
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/reports/rejections',
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/reports/rejections`, payload: { tracking_ids: [(await submit(f.rt)).tracking_id], reason: 'spam' } }),
  },
];
