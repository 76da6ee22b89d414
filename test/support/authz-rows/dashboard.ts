import { ADMINS, P, R, SIGNED_IN, type Row } from '../authz.ts';

/**
 * The maintainer dashboard's own routes (dashboard.routes.ts): every signed-in user may list their projects
 * (the answer only names their memberships); a report's audit trail is for project admins, like the project's.
 */
export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/dashboard/projects', expect: SIGNED_IN, request: () => ({ url: '/api/v1/dashboard/projects' }) },
  { method: 'GET', route: `${R}/audit`, expect: ADMINS, request: (f) => ({ url: `${P}/reports/${f.trackingId}/audit` }) },
];
