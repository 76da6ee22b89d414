import { ADMINS, P, SITE_ADMINS, type Row } from '../authz.ts';

/**
 * Instance operations (operations.routes.ts, docs/operations.md): a backup of the whole instance is for site admins;
 * a project's export in clear is for its admins.
 */
export const ROWS: Row[] = [
  { method: 'POST', route: '/api/v1/admin/backup', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/admin/backup', payload: { passphrase: 'matrix passphrase 12' } }) },
  { method: 'GET', route: '/api/v1/projects/:slug/export', expect: ADMINS, request: () => ({ url: `${P}/export` }) },
];
