import { ADMINS, P, type Row } from '../authz.ts';

/** Mail (outbox.routes.ts): the outbox view is for project admins (it names recipients). */
export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/outbox', expect: ADMINS, request: () => ({ method: 'GET', url: `${P}/outbox` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/outbox', variant: 'failed only', expect: ADMINS, request: () => ({ method: 'GET', url: `${P}/outbox?status=failed` }) },
];
