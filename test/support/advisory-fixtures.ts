import assert from 'node:assert/strict';
import type { TestServer } from './harness.ts';
import { submit, validReport, type World } from './fixtures.ts';
import { privastreamPathTraversal } from './privastream-advisory.ts';

export const ADV = '/api/v1/projects/privastream/advisories';

/** A complete, valid advisory body for privastream (PyPI package; branches 1.0.x fixed, < 1.0 won't fix). */
export const advisoryContent = (overrides: Record<string, unknown> = {}) => ({
  ...privastreamPathTraversal(),
  details: 'The `/recordings/<name>` handler joined the requested name without normalising it.\n\n## Fix\nUpgrade to 1.0.4.',
  references: [{ type: 'fix', url: 'https://github.com/example/privastream/commit/abc123', name: 'Fix commit' }],
  credits: [{ name: 'Ada R.', type: 'finder' }],
  cve_id: 'CVE-2026-12345',
  ...overrides,
});

export interface AdvisoryJson {
  advisory: { id: string; state: string; title: string; embargo_until: string | null; revisions: { number: number; summary: string }[]; credits: { name: string | null }[] } & Record<string, unknown>;
  problems: { field: string; message: string }[];
  revision: number;
  report_tracking_id: string | null;
}

export async function api(rt: TestServer, world: World, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, persona: Parameters<World['as']>[0] = 'admin') {
  return rt.app.inject({ method, url, headers: world.as(persona), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

export async function createAdvisory(rt: TestServer, world: World, body: Record<string, unknown> = advisoryContent()): Promise<AdvisoryJson> {
  const res = await api(rt, world, 'POST', ADV, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as AdvisoryJson;
}

export async function move(rt: TestServer, world: World, id: string, to: string, summary?: string): Promise<AdvisoryJson> {
  const res = await api(rt, world, 'POST', `${ADV}/${id}/transitions`, { to, ...(summary ? { summary } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as AdvisoryJson;
}

/** Creates a valid advisory and publishes it now (draft → in-review → published). */
export async function publishedAdvisory(rt: TestServer, world: World, body: Record<string, unknown> = advisoryContent()): Promise<AdvisoryJson> {
  const created = await createAdvisory(rt, world, body);
  await move(rt, world, created.advisory.id, 'in-review');
  return move(rt, world, created.advisory.id, 'published');
}

/** A submitted report moved to `fixed` (new → triaged → accepted → fixed). */
export async function fixedReport(rt: TestServer, world: World, body: Record<string, unknown> = validReport()) {
  const { tracking_id, reporter_token } = await submit(rt, 'privastream', body);
  for (const to of ['triaged', 'accepted', 'fixed']) {
    const res = await rt.app.inject({ method: 'POST', url: `/api/v1/projects/privastream/reports/${tracking_id}/transitions`, headers: world.as('triager'), payload: { to } });
    assert.equal(res.statusCode, 200, res.body);
  }
  return { trackingId: tracking_id, reporterToken: reporter_token };
}
