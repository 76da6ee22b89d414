import { all, SIGNED_IN, SITE_ADMINS, type Expect, type Row } from '../authz.ts';
import { createUser } from '../../../src/services/access/users.ts';

/**
 * Second factors and the site's settings (two-factor.routes.ts). The matrix's personas call with API tokens, so
 * what only a session may do (enrol, confirm, turn off, renew codes) is 403 for all of them.
 */
const SESSION_ONLY: Expect = { ...all(403), anonymous: 401 };
const PASSWORD = 'correct horse battery staple';
let serial = 0;

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/me/two-factor', expect: SIGNED_IN, request: () => ({ url: '/api/v1/me/two-factor' }) },
  { method: 'POST', route: '/api/v1/me/totp', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/totp' }) },
  { method: 'POST', route: '/api/v1/me/totp/confirm', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/totp/confirm', payload: { code: '123456' } }) },
  { method: 'POST', route: '/api/v1/me/totp/disable', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/totp/disable', payload: { password: PASSWORD } }) },
  { method: 'POST', route: '/api/v1/me/recovery-codes', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/recovery-codes', payload: { password: PASSWORD } }) },
  { method: 'GET', route: '/api/v1/me/passkeys', expect: SIGNED_IN, request: () => ({ url: '/api/v1/me/passkeys' }) },
  { method: 'POST', route: '/api/v1/me/passkeys/options', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/passkeys/options' }) },
  {
    method: 'POST',
    route: '/api/v1/me/passkeys',
    expect: SESSION_ONLY,
    request: () => ({ url: '/api/v1/me/passkeys', payload: { name: 'matrix', response: { id: 'AAAA', type: 'public-key' } } }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/me/passkeys/:id',
    expect: SESSION_ONLY,
    request: () => ({ url: '/api/v1/me/passkeys/00000000-0000-4000-8000-000000000000', payload: { password: PASSWORD } }),
  },
  // Signing in with a passkey is open to anyone: the options are a challenge, and a made-up answer signs nobody in.
  { method: 'POST', route: '/api/v1/session/passkey/options', expect: all('2xx'), request: () => ({ url: '/api/v1/session/passkey/options' }) },
  { method: 'POST', route: '/api/v1/session/passkey', expect: all(401), request: () => ({ url: '/api/v1/session/passkey', payload: { response: { id: 'AAAA', type: 'public-key' } } }) },
  {
    method: 'DELETE',
    route: '/api/v1/users/:id/two-factor',
    expect: SITE_ADMINS,
    request: async (f) => {
      const u = await createUser(f.rt.ctx, { email: `tf-target-${++serial}@example.org`, name: 'Target', password: PASSWORD, siteAdmin: false }, 'test');
      return { url: `/api/v1/users/${u.id}/two-factor` };
    },
  },
  { method: 'GET', route: '/api/v1/site-settings', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/site-settings' }) },
  { method: 'PUT', route: '/api/v1/site-settings', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/site-settings', payload: { require_two_factor: false } }) },
];
