import { P, TRIAGERS, MEMBERS, type Fixture, type Row } from '../authz.ts';
import { enableCra } from '../cra.ts';

/** CRA Article 14 reporting (cra.routes.ts, docs/cra.md): members read it, triagers mark and record filings. */
async function marked(f: Fixture): Promise<string> {
  await enableCra(f.rt);
  const res = await f.rt.app.inject({
    method: 'PUT',
    url: `${P}/reports/${f.trackingId}/exploitation`,
    headers: f.world.as('admin'),
    payload: { actively_exploited: true, aware_at: new Date(f.rt.clock.now.getTime() - 3_600_000).toISOString() },
  });
  if (res.statusCode !== 200) throw new Error(`mark exploited: ${res.statusCode} ${res.body}`);
  return f.trackingId;
}

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/reports/:trackingId/cra', expect: MEMBERS, request: (f) => ({ method: 'GET', url: `${P}/reports/${f.trackingId}/cra` }) },
  {
    method: 'PUT',
    route: '/api/v1/projects/:slug/reports/:trackingId/exploitation',
    expect: TRIAGERS,
    request: async (f) => {
      await enableCra(f.rt);
      return { method: 'PUT', url: `${P}/reports/${f.trackingId}/exploitation`, payload: { actively_exploited: true, severe_incident: false, aware_at: f.rt.clock.now.toISOString() } };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/reports/:trackingId/cra/filings',
    expect: TRIAGERS,
    request: async (f) => ({ method: 'POST', url: `${P}/reports/${await marked(f)}/cra/filings`, payload: { stage: 'early-warning', filed_at: f.rt.clock.now.toISOString(), reference: 'ENISA-EW-1' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/projects/:slug/reports/:trackingId/cra/drafts/:stage',
    expect: MEMBERS,
    request: (f) => ({ method: 'GET', url: `${P}/reports/${f.trackingId}/cra/drafts/notification?format=text` }),
  },
];
