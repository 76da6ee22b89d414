import { all, SIGNED_IN, SITE_ADMINS, type Expect, type Fixture, type Row } from '../authz.ts';
import type { Persona } from '../fixtures.ts';
import { createApiToken } from '../../../src/services/access/tokens.ts';
import { createUser } from '../../../src/services/access/users.ts';

/**
 * Tokens, users, passwords and sessions (access.routes.ts). The matrix signs every persona in with an API token,
 * so what only a session may do (mint, list and revoke tokens, change the password, list and end sessions) is 403
 * for all of them: a leaked token, whatever its scopes, cannot manage its owner's account.
 */
const SESSION_ONLY: Expect = { ...all(403), anonymous: 401 };
const PASSWORD = 'correct horse battery staple';
let serial = 0;

/** A fresh token of the persona's own (the matrix's personas are `<persona>@example.org`). */
async function ownToken(f: Fixture, persona: Persona): Promise<string> {
  const email = persona === 'anonymous' ? 'siteadmin@example.org' : `${persona.toLowerCase()}@example.org`;
  const user = await f.rt.ctx.db.selectFrom('users').select(['id', 'email', 'name', 'site_admin']).where('email', '=', email).executeTakeFirstOrThrow();
  return (await createApiToken(f.rt.ctx, { id: user.id, email: user.email, name: user.name, siteAdmin: user.site_admin }, `matrix ${++serial}`)).id;
}

export const ROWS: Row[] = [
  { method: 'POST', route: '/api/v1/tokens', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/tokens', payload: { name: 'matrix' } }) },
  { method: 'GET', route: '/api/v1/tokens', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/tokens' }) },
  // Another token of the persona's own (a token may revoke only itself; access.test.ts covers that).
  { method: 'DELETE', route: '/api/v1/tokens/:id', expect: SESSION_ONLY, request: async (f, persona) => ({ url: `/api/v1/tokens/${await ownToken(f, persona)}` }) },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/:id',
    variant: "someone else's",
    // A site admin's token, revoked from a session only, like any other token (site admins may revoke anyone's).
    expect: SESSION_ONLY,
    request: async (f) => ({ url: `/api/v1/tokens/${await ownToken(f, 'siteAdmin')}` }),
  },
  { method: 'GET', route: '/api/v1/users', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/users' }) },
  {
    method: 'PATCH',
    route: '/api/v1/users/:id',
    expect: SITE_ADMINS,
    request: async (f) => {
      const u = await createUser(f.rt.ctx, { email: `target-${++serial}@example.org`, name: 'Target', password: PASSWORD, siteAdmin: false }, 'test');
      return { url: `/api/v1/users/${u.id}`, payload: { disabled: true } };
    },
  },
  { method: 'POST', route: '/api/v1/me/password', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/password', payload: { current_password: PASSWORD, new_password: 'another long passphrase' } }) },
  { method: 'POST', route: '/api/v1/password-reset', expect: all('2xx'), request: () => ({ url: '/api/v1/password-reset', payload: { email: 'viewer@example.org' } }) },
  {
    method: 'POST',
    route: '/api/v1/password-reset/complete',
    expect: all(404),
    request: () => ({ url: '/api/v1/password-reset/complete', payload: { token: 'pwr_never-issued-000000', password: 'another long passphrase' } }),
  },
  { method: 'GET', route: '/api/v1/me/sessions', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/sessions' }) },
  { method: 'DELETE', route: '/api/v1/me/sessions', expect: SESSION_ONLY, request: () => ({ url: '/api/v1/me/sessions' }) },
  {
    method: 'DELETE',
    route: '/api/v1/me/sessions/:id',
    expect: SESSION_ONLY,
    request: () => ({ url: '/api/v1/me/sessions/00000000-0000-4000-8000-000000000000' }),
  },
];
