import { all, PUBLIC, type Row } from '../authz.ts';

/**
 * Single sign-on (sso.routes.ts). Every route is anonymous: credentials are ignored, so every persona gets the
 * same answer. The matrix's server has no SSO configured: the status says so, starting or completing a sign-in
 * goes back to the sign-in page with the reason (303), and the JSON start answers 404. test/integration/sso.test.ts
 * drives the configured routes against a real OpenID Connect provider.
 */
export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/sso', expect: PUBLIC, request: () => ({ url: '/api/v1/sso' }) },
  { method: 'GET', route: '/api/v1/sso/start', expect: all('3xx'), request: () => ({ url: '/api/v1/sso/start' }) },
  { method: 'POST', route: '/api/v1/sso/start', expect: all(404), request: () => ({ url: '/api/v1/sso/start', payload: {} }) },
  { method: 'GET', route: '/api/v1/sso/callback', expect: all('3xx'), request: () => ({ url: '/api/v1/sso/callback?code=x&state=y' }) },
];
