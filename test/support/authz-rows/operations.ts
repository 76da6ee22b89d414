import { PUBLIC, SITE_ADMINS, type Row } from '../authz.ts';

/**
 * Operations (issue 21): readiness is public like /healthz (it names no data: states and migration names); a
 * reporter's erasure on request is for site admins. /metrics is registered only with EMBARGO_METRICS_TOKEN (its
 * token check is test/integration/metrics.test.ts).
 */
export const ROWS: Row[] = [
  { method: 'GET', route: '/readyz', expect: PUBLIC, request: () => ({ url: '/readyz' }) },
  {
    method: 'POST',
    route: '/api/v1/admin/reporter-erasures',
    expect: SITE_ADMINS,
    request: () => ({ url: '/api/v1/admin/reporter-erasures', payload: { email: 'nobody-here@example.net' } }),
  },
];
