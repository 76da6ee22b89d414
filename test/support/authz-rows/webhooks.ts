import { randomUUID } from 'node:crypto';
import { ADMINS, P, type Fixture, type Row } from '../authz.ts';
import { getProject } from '../../../src/services/projects/projects.ts';
import { createWebhook } from '../../../src/services/webhooks/webhooks.ts';

/**
 * Webhooks (webhooks.routes.ts): project admins only (the deliveries name what happened in the project). Each
 * request first makes a webhook (and a delivery) through the services; nothing is sent, no job runs.
 */
const SETUP_ACTOR = { userId: '00000000-0000-0000-0000-000000000000', siteAdmin: true, role: null };

/** A webhook of privastream: a fresh one for DELETE (which removes it), else the first there is (at most 20 each). */
async function hook(f: Fixture, fresh = false): Promise<string> {
  const p = await getProject(f.rt.ctx.db, 'privastream');
  const existing = fresh ? undefined : await f.rt.ctx.db.selectFrom('webhooks').select('id').where('project_id', '=', p.id).orderBy('created_at').executeTakeFirst();
  if (existing) return existing.id;
  const made = await createWebhook(f.rt.ctx, p, SETUP_ACTOR, 'test', { url: 'https://hooks.example.org/matrix', secret: 'matrix-secret-0123456789', events: ['report.created'] });
  return made.id;
}

async function delivery(f: Fixture): Promise<{ hookId: string; deliveryId: string }> {
  const hookId = await hook(f);
  const p = await getProject(f.rt.ctx.db, 'privastream');
  const deliveryId = randomUUID();
  const now = f.rt.ctx.now();
  await f.rt.ctx.db
    .insertInto('webhook_deliveries')
    .values({ id: deliveryId, webhook_id: hookId, project_id: p.id, event_id: null, event: 'report.created', payload: '{}', status: 'failed', attempts: 8, next_attempt_at: now, created_at: now })
    .execute();
  return { hookId, deliveryId };
}

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/webhooks', expect: ADMINS, request: () => ({ method: 'GET', url: `${P}/webhooks` }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/webhooks',
    expect: ADMINS,
    request: () => ({ method: 'POST', url: `${P}/webhooks`, payload: { url: 'https://hooks.example.org/new', secret: 'matrix-secret-0123456789', events: ['report.created'], format: 'slack' } }),
  },
  { method: 'PATCH', route: '/api/v1/projects/:slug/webhooks/:id', expect: ADMINS, request: async (f) => ({ method: 'PATCH', url: `${P}/webhooks/${await hook(f)}`, payload: { active: false } }) },
  { method: 'DELETE', route: '/api/v1/projects/:slug/webhooks/:id', expect: ADMINS, request: async (f) => ({ method: 'DELETE', url: `${P}/webhooks/${await hook(f, true)}` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/webhooks/:id/deliveries', expect: ADMINS, request: async (f) => ({ method: 'GET', url: `${P}/webhooks/${(await delivery(f)).hookId}/deliveries` }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/webhooks/:id/deliveries/:deliveryId/redeliver',
    expect: ADMINS,
    request: async (f) => {
      const d = await delivery(f);
      return { method: 'POST', url: `${P}/webhooks/${d.hookId}/deliveries/${d.deliveryId}/redeliver` };
    },
  },
];
