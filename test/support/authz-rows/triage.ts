import { ADMINS, MEMBERS, P, R, SITE_ADMINS, TRIAGERS, type Fixture, type Row } from '../authz.ts';
import { submit, validReport } from '../fixtures.ts';
import { createBlock } from '../../../src/services/triage/blocks.ts';

/**
 * Rows of the triage aids (issue 18): rejecting several reports as spam (the queue's bulk action), the review
 * queue of held submissions, and blocked senders (a project's for triagers, the instance's for site admins).
 */
let n = 0;

/** A fresh held submission of privastream: its sender blocked instance-wide first (through the service). */
async function held(f: Fixture): Promise<string> {
  const email = `held-${++n}-${Date.now()}@example.org`;
  await createBlock(f.rt.ctx, { instance: true }, null, 'test', { kind: 'email', value: email });
  return (await submit(f.rt, 'privastream', validReport({ reporter_email: email, title: 'Held for the matrix' }))).tracking_id;
}

const V = '/api/v1/projects/:slug/review';

export const ROWS: Row[] = [
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/reports/bulk',
    variant: 'spam',
    expect: TRIAGERS,
    request: async (f) => ({ url: `${P}/reports/bulk`, payload: { tracking_ids: [(await submit(f.rt)).tracking_id], action: 'reject', reason: 'spam' } }),
  },
  { method: 'GET', route: V, expect: TRIAGERS, request: () => ({ url: `${P}/review` }) },
  { method: 'GET', route: `${V}/:trackingId`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/review/${await held(f)}` }) },
  { method: 'POST', route: `${V}/:trackingId/release`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/review/${await held(f)}/release` }) },
  { method: 'POST', route: `${V}/:trackingId/discard`, expect: TRIAGERS, request: async (f) => ({ url: `${P}/review/${await held(f)}/discard` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/blocks', expect: TRIAGERS, request: () => ({ url: `${P}/blocks` }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/blocks',
    expect: TRIAGERS,
    request: () => ({ url: `${P}/blocks`, payload: { kind: 'network', value: `192.0.2.${(++n % 250) + 1}` } }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/projects/:slug/blocks/:id',
    expect: TRIAGERS,
    request: async (f) => {
      const p = await f.rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow();
      const row = await f.rt.ctx.db
        .insertInto('sender_blocks')
        .values({ project_id: p.id, kind: 'email', value: `lift-${++n}@example.org`, from_report_id: null, from_tracking_id: null, note: null, created_by: 'test', created_at: new Date(), expires_at: null, lifted_at: null, lifted_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { method: 'DELETE', url: `${P}/blocks/${row.id}` };
    },
  },
  { method: 'POST', route: `${R}/block-sender`, expect: TRIAGERS, request: async (f) => {
      // Its own sender: blocking the fixtures' default address would hold every later submission of the matrix.
      const { tracking_id } = await submit(f.rt, 'privastream', validReport({ reporter_email: `blockme-${++n}@example.org` }));
      return { url: `${P}/reports/${tracking_id}/block-sender`, payload: {} };
    },
  },
  { method: 'GET', route: '/api/v1/projects/:slug/code-index', expect: MEMBERS, request: () => ({ url: `${P}/code-index` }) },
  { method: 'PUT', route: '/api/v1/projects/:slug/code-index', expect: ADMINS, request: () => ({ url: `${P}/code-index`, payload: { files: ['src/rtmp/ingest.c'], symbols: ['parse_header'] } }) },
  { method: 'GET', route: '/api/v1/blocks', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/blocks' }) },
  { method: 'POST', route: '/api/v1/blocks', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/blocks', payload: { kind: 'pgp', value: 'AB'.repeat(20) } }) },
  {
    method: 'DELETE',
    route: '/api/v1/blocks/:id',
    expect: SITE_ADMINS,
    request: async (f) => ({ method: 'DELETE', url: `/api/v1/blocks/${(await createBlock(f.rt.ctx, { instance: true }, null, 'test', { kind: 'email', value: `gone-${++n}@example.org` })).id}` }),
  },
];
