import { ADMINS, MEMBERS, P, TRIAGERS, type Fixture, type Row } from '../authz.ts';
import { advisoryContent } from '../advisory-fixtures.ts';
import { startCveServicesContract, type CveServicesContract } from '../cve-services-server.ts';
import { getProject } from '../../../src/services/projects/projects.ts';
import { setCveSettings } from '../../../src/services/cve/credentials.ts';

/**
 * CVE Services (cve.routes.ts): credentials for project admins; quota and reservation for those who edit advisories;
 * the advisory's CVE section for members; retrying a publication for publishers. Rows that call CVE Services use
 * one contract server (test/support/cve-services-server.ts) for the run, set as the instance default base URL.
 */
const SETUP_ACTOR = { userId: '00000000-0000-0000-0000-000000000000', siteAdmin: true, role: null };
let contract: Promise<CveServicesContract> | null = null;

/** privastream as a CNA at the contract server (set again before each request: a DELETE row removes it). */
async function cna(f: Fixture): Promise<void> {
  contract ??= startCveServicesContract({ quota: 100_000 });
  const c = await contract;
  f.rt.ctx.cveServices.defaultBaseUrl = c.url;
  const p = await getProject(f.rt.ctx.db, 'privastream');
  await setCveSettings(f.rt.ctx, p, SETUP_ACTOR, 'test', { cna_short_name: c.org, cna_org_id: c.orgId, api_user: c.user, api_key: c.apiKey });
}

async function advisory(f: Fixture): Promise<string> {
  const res = await f.rt.app.inject({ method: 'POST', url: `${P}/advisories`, headers: f.world.as('admin'), payload: advisoryContent({ cve_id: null }) });
  if (res.statusCode !== 201) throw new Error(`advisory fixture: ${res.statusCode} ${res.body}`);
  return (res.json() as { advisory: { id: string } }).advisory.id;
}

/** An advisory with a failed CVE publication (inserted directly: nothing is sent). */
async function failedPublication(f: Fixture): Promise<string> {
  const id = await advisory(f);
  const p = await getProject(f.rt.ctx.db, 'privastream');
  const row = await f.rt.ctx.db.selectFrom('advisories').select('id').where('project_id', '=', p.id).where('public_id', '=', id).executeTakeFirstOrThrow();
  const now = f.rt.ctx.now();
  await f.rt.ctx.db
    .insertInto('cve_publications')
    .values({ id: crypto.randomUUID(), project_id: p.id, advisory_id: row.id, cve_id: 'CVE-2026-99999', action: 'publish', status: 'failed', attempts: 1, next_attempt_at: now, last_error: 'HTTP 401', created_by: 'test', created_at: now, done_at: now })
    .execute();
  return id;
}

const A = '/api/v1/projects/:slug/advisories/:id/cve';

export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/cve/settings', expect: ADMINS, request: () => ({ method: 'GET', url: `${P}/cve/settings` }) },
  {
    method: 'PUT',
    route: '/api/v1/projects/:slug/cve/settings',
    expect: ADMINS,
    request: () => ({ method: 'PUT', url: `${P}/cve/settings`, payload: { cna_short_name: 'matrix-cna', cna_org_id: '8254265b-2729-46b6-b9e3-3dfca2d5bfca', api_user: 'bot@example.org', api_key: 'a-matrix-api-key' } }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/projects/:slug/cve/settings',
    expect: ADMINS,
    request: async (f) => {
      await cna(f);
      return { method: 'DELETE', url: `${P}/cve/settings` };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/projects/:slug/cve/quota',
    expect: TRIAGERS,
    request: async (f) => {
      await cna(f);
      return { method: 'GET', url: `${P}/cve/quota` };
    },
  },
  { method: 'GET', route: A, expect: MEMBERS, request: async (f) => ({ method: 'GET', url: `${P}/advisories/${await advisory(f)}/cve` }) },
  {
    method: 'POST',
    route: `${A}/reserve`,
    expect: TRIAGERS,
    request: async (f) => {
      await cna(f);
      return { method: 'POST', url: `${P}/advisories/${await advisory(f)}/cve/reserve` };
    },
  },
  { method: 'POST', route: `${A}/retry`, expect: ADMINS, request: async (f) => ({ method: 'POST', url: `${P}/advisories/${await failedPublication(f)}/cve/retry` }) },
  { method: 'PUT', route: `${A}/request`, expect: TRIAGERS, request: async (f) => ({ method: 'PUT', url: `${P}/advisories/${await advisory(f)}/cve/request`, payload: { requested: true } }) },
];
