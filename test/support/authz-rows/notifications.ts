import { all, SIGNED_IN, type Expect, type Fixture, type Row } from '../authz.ts';
import type { Persona } from '../fixtures.ts';
import { generateProjectKey } from '../../../src/adapters/pgp/keys.ts';
import { setUserKey } from '../../../src/services/notifications/preferences.ts';

/**
 * The signed-in user's notification settings and OpenPGP key (notifications.routes.ts): anyone signed in, for
 * themselves, reading with a token too, changing from a session only (the matrix signs in with tokens, so every
 * change is 403: a leaked token cannot silence its owner's alerts or swap the key their mail is encrypted to).
 * Changes from a session are covered in notifications.test.ts.
 */
let made: string | null = null;
/** A maintainer's key made on the test clock (a fixture key would be "from the future" there), once per run. */
const key = async (f: Fixture): Promise<string> => (made ??= (await generateProjectKey({ projectName: 'Matrix', email: 'maintainer@example.org', now: new Date(f.rt.ctx.now().getTime() - 60_000) })).publicKeyArmored);
const SESSION_ONLY: Expect = { ...all(403), anonymous: 401 };

async function withKey(f: Fixture, persona: Persona): Promise<void> {
  if (persona === 'anonymous') return;
  const user = await f.rt.ctx.db.selectFrom('users').select('id').where('email', '=', `${persona.toLowerCase()}@example.org`).executeTakeFirstOrThrow();
  await setUserKey(f.rt.ctx, user, await key(f));
}

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/me/notifications', expect: SIGNED_IN, request: () => ({ method: 'GET', url: '/api/v1/me/notifications' }) },
  {
    method: 'PUT',
    route: '/api/v1/me/notifications',
    expect: SESSION_ONLY,
    request: (_f, persona) => ({ method: 'PUT', url: '/api/v1/me/notifications', payload: { project: persona === 'outsider' ? 'personal-chatter' : 'privastream', level: 'high' } }),
  },
  { method: 'GET', route: '/api/v1/me/pgp-key', expect: SIGNED_IN, request: () => ({ method: 'GET', url: '/api/v1/me/pgp-key' }) },
  { method: 'PUT', route: '/api/v1/me/pgp-key', expect: SESSION_ONLY, request: async (f) => ({ method: 'PUT', url: '/api/v1/me/pgp-key', payload: { public_key: await key(f) } }) },
  {
    method: 'DELETE',
    route: '/api/v1/me/pgp-key',
    expect: SESSION_ONLY,
    request: async (f, persona) => {
      await withKey(f, persona);
      return { method: 'DELETE', url: '/api/v1/me/pgp-key' };
    },
  },
];
