import { submit } from '../fixtures.ts';
import { MEMBERS, P, R, TRIAGERS, type Row } from '../authz.ts';

/**
 * The queue's v2 routes (issue 17): who can be assigned is for every member to see; assigning one report and the
 * bulk actions are triage, like transitions. Each mutating row acts on a report of its own.
 */
const fresh = async (f: Parameters<Row['request']>[0]) => (await submit(f.rt, 'privastream')).tracking_id;

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/assignees', expect: MEMBERS, request: () => ({ url: `${P}/assignees` }) },
  { method: 'PUT', route: `${R}/assignee`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/reports/${await fresh(f)}/assignee`, payload: { user_id: null } }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/reports/bulk',
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/reports/bulk`, payload: { tracking_ids: [await fresh(f)], action: 'reject', reason: 'invalid' } }),
  },
];
