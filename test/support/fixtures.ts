import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { createUser, setMembership } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/tokens.ts';
import type { ProjectRole } from '../../src/core/access/permissions.ts';
import type { TestServer } from './harness.ts';

export const REPO = join(import.meta.dirname, '..', '..');
export const examplePolicy = (name: string): string => readFileSync(join(REPO, 'examples', 'policies', `${name}.yaml`), 'utf8');

export type Persona = 'siteAdmin' | ProjectRole | 'outsider' | 'anonymous';
export const PERSONAS: Persona[] = ['siteAdmin', 'admin', 'triager', 'viewer', 'outsider', 'anonymous'];

export interface World {
  tokens: Record<Exclude<Persona, 'anonymous'>, string>;
  /** Authorization headers per persona ({} for anonymous). */
  as(p: Persona): Record<string, string>;
  /**
   * Headers of a signed-in browser session of the persona (cookie and CSRF token), for what only a session may do
   * (an account's tokens, sessions and notification settings). One session per persona, made on first use.
   */
  session(p: Exclude<Persona, 'anonymous'>): Promise<Record<string, string>>;
}

export const PERSONA_PASSWORD = 'correct horse battery staple';

/**
 * Two projects (privastream, personal-chatter); one user per role on privastream, and an "outsider"
 * who is admin of personal-chatter only.
 */
export async function seedWorld(rt: TestServer): Promise<World> {
  await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
  await savePolicy(rt.ctx, examplePolicy('personal-chatter'), 'test');
  const tokens = {} as World['tokens'];
  const make = async (key: Exclude<Persona, 'anonymous'>, siteAdmin: boolean) => {
    const user = await createUser(rt.ctx, { email: `${key.toLowerCase()}@example.org`, name: key, password: PERSONA_PASSWORD, siteAdmin }, 'test');
    const made = await createApiToken(rt.ctx, user, 'test');
    // The personas' tokens outlive any clock a test moves (tokens expire in at most a year; some tests jump one).
    await rt.ctx.db.updateTable('api_tokens').set({ expires_at: new Date('2100-01-01T00:00:00Z') }).where('id', '=', made.id).execute();
    tokens[key] = made.token;
    return user;
  };
  await make('siteAdmin', true);
  for (const role of ['admin', 'triager', 'viewer'] as const) {
    await make(role, false);
    await setMembership(rt.ctx, 'privastream', `${role}@example.org`, role, 'test');
  }
  await make('outsider', false);
  await setMembership(rt.ctx, 'personal-chatter', 'outsider@example.org', 'admin', 'test');
  const sessions = new Map<Persona, Promise<Record<string, string>>>();
  const signIn = async (p: Persona): Promise<Record<string, string>> => {
    const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: `${p.toLowerCase()}@example.org`, password: PERSONA_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${p} failed: ${res.statusCode} ${res.body}`);
    return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', 'x-csrf-token': (res.json() as { csrf_token: string }).csrf_token };
  };
  return {
    tokens,
    as: (p): Record<string, string> => (p === 'anonymous' ? {} : { authorization: `Bearer ${tokens[p]}` }),
    session: (p) => {
      if (!sessions.has(p)) sessions.set(p, signIn(p));
      return sessions.get(p) as Promise<Record<string, string>>;
    },
  };
}

export const validReport = (overrides: Record<string, unknown> = {}) => ({
  title: 'Path traversal in model loader',
  description: 'The /models endpoint accepts ../ sequences and reads arbitrary files.',
  steps_to_reproduce: '1. GET /models?name=../../etc/passwd',
  impact: 'Arbitrary file read as the service user.',
  affected_version: '1.0.3',
  reporter_name: 'Ada Researcher',
  reporter_email: 'ada@example.org',
  credit_choice: 'credit',
  credit_name: 'Ada R.',
  accept_terms: true,
  ...overrides,
});

export async function call(rt: TestServer, opts: InjectOptions): Promise<LightMyRequestResponse> {
  return rt.app.inject(opts);
}

export async function submit(rt: TestServer, slug = 'privastream', body: Record<string, unknown> = validReport()) {
  const res = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/${slug}/reports`, payload: body });
  if (res.statusCode !== 201) throw new Error(`submit failed: ${res.statusCode} ${res.body}`);
  return res.json() as { tracking_id: string; reporter_token: string; reporter_link: string };
}

/**
 * Turns off the maintainers' notification mails on privastream (through the API, as they would), for tests about
 * the mails to reporters that count what the relay received.
 */
export async function quietMaintainers(rt: TestServer, world: World): Promise<void> {
  for (const persona of ['admin', 'triager'] as const) {
    const res = await rt.app.inject({ method: 'PUT', url: '/api/v1/me/notifications', headers: await world.session(persona), payload: { project: 'privastream', level: 'none' } });
    if (res.statusCode !== 200) throw new Error(`quietMaintainers: ${res.statusCode} ${res.body}`);
  }
}
