import { ADMINS, MEMBERS, P, PUBLIC, TRIAGERS, type Fixture, type Row } from '../authz.ts';
import { generateProjectKey } from '../../../src/adapters/pgp/keys.ts';
import { getProject } from '../../../src/services/projects/projects.ts';
import { addProjectKey, currentProjectKey, retireProjectKey } from '../../../src/services/pgp/project-keys.ts';
import { quarantine } from '../../../src/services/pgp/quarantine.ts';

/**
 * OpenPGP keys (keys.routes.ts) and the quarantine (quarantine.routes.ts). Each request first puts the project
 * in the state the route needs (a current key, none, a fresh quarantined item) through the services.
 */
const SETUP_ACTOR = { userId: '00000000-0000-0000-0000-000000000000', siteAdmin: true, role: null };

async function withKey(f: Fixture): Promise<void> {
  const p = await getProject(f.rt.ctx.db, 'privastream');
  if (!(await currentProjectKey(f.rt.ctx.db, p.id))) await addProjectKey(f.rt.ctx, p, SETUP_ACTOR, 'test', {}, 'create');
}

async function withoutKey(f: Fixture): Promise<void> {
  const p = await getProject(f.rt.ctx.db, 'privastream');
  if (await currentProjectKey(f.rt.ctx.db, p.id)) await retireProjectKey(f.rt.ctx, p, SETUP_ACTOR, 'test');
}

async function quarantined(f: Fixture): Promise<string> {
  const p = await getProject(f.rt.ctx.db, 'privastream');
  const { id } = await quarantine(f.rt.ctx.db, f.rt.ctx, {
    projectId: p.id,
    channel: 'api',
    reasonCode: 'bad_armor',
    reason: 'matrix item',
    sender: 'someone@example.org',
    raw: Buffer.from('{"title":"-----BEGIN PGP MESSAGE-----garbage"}'),
  });
  return id;
}

const Q = '/api/v1/projects/:slug/quarantine';

export const ROWS: Row[] = [
  {
    method: 'GET',
    route: '/projects/:slug/pgp-key.asc',
    expect: PUBLIC,
    request: async (f) => {
      await withKey(f);
      return { url: '/projects/privastream/pgp-key.asc' };
    },
  },
  { method: 'GET', route: '/api/v1/projects/:slug/keys', expect: MEMBERS, request: () => ({ url: `${P}/keys` }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/keys/generate',
    expect: ADMINS,
    request: async (f) => {
      await withoutKey(f);
      return { url: `${P}/keys/generate`, payload: {} };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/keys/import',
    expect: ADMINS,
    request: async (f) => {
      await withoutKey(f);
      // Made at the test clock's time: a key from the (real) future is refused.
      const pair = await generateProjectKey({ projectName: 'PrivaStream', email: 'security@privastream.test', now: new Date(f.rt.clock.now.getTime() - 60_000) });
      return { url: `${P}/keys/import`, payload: { private_key: pair.privateKeyArmored } };
    },
  },
  { method: 'POST', route: '/api/v1/projects/:slug/keys/rotate', expect: ADMINS, request: () => ({ url: `${P}/keys/rotate`, payload: {} }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/keys/retire',
    expect: ADMINS,
    request: async (f) => {
      await withKey(f);
      return { url: `${P}/keys/retire` };
    },
  },
  { method: 'GET', route: Q, expect: TRIAGERS, request: () => ({ url: `${P}/quarantine` }) },
  { method: 'GET', route: `${Q}/:id`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/quarantine/${await quarantined(f)}` }) },
  { method: 'GET', route: `${Q}/:id/raw`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/quarantine/${await quarantined(f)}/raw` }) },
  {
    method: 'POST',
    route: `${Q}/:id/resolve`,
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/quarantine/${await quarantined(f)}/resolve`, payload: { resolution: 'discarded' } }),
  },
];
