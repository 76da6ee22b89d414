import { ADMINS, MEMBERS, P, PUBLIC, TRIAGERS, all, type Fixture, type Row } from '../authz.ts';
import { advisoryContent } from '../advisory-fixtures.ts';

const A = '/api/v1/projects/:slug/advisories/:id';

/** A fresh privastream advisory (made by the admin), moved on to `to`; each request gets its own. */
async function advisory(f: Fixture, to: 'draft' | 'in-review' | 'published' = 'draft'): Promise<string> {
  const headers = f.world.as('admin');
  const res = await f.rt.app.inject({ method: 'POST', url: `${P}/advisories`, headers, payload: advisoryContent() });
  if (res.statusCode !== 201) throw new Error(`advisory fixture: ${res.statusCode} ${res.body}`);
  const id = (res.json() as { advisory: { id: string } }).advisory.id;
  const steps = to === 'draft' ? [] : to === 'in-review' ? ['in-review'] : ['in-review', 'published'];
  for (const step of steps) {
    const moved = await f.rt.app.inject({ method: 'POST', url: `${P}/advisories/${id}/transitions`, headers, payload: { to: step } });
    if (moved.statusCode !== 200) throw new Error(`advisory fixture: ${moved.statusCode} ${moved.body}`);
  }
  return id;
}

let published: Promise<string> | null = null;
let publishedFor: Fixture | null = null;
/** One published advisory per fixture for the read-only public rows. */
const publishedOnce = (f: Fixture): Promise<string> => {
  if (publishedFor !== f) {
    publishedFor = f;
    published = advisory(f, 'published');
  }
  return published as Promise<string>;
};

/** Advisories (advisories.routes.ts, public-advisories.routes.ts, csaf.routes.ts). */
export const ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/projects/:slug/advisories', expect: MEMBERS, request: () => ({ url: `${P}/advisories` }) },
  { method: 'POST', route: '/api/v1/projects/:slug/advisories', expect: TRIAGERS, request: () => ({ method: 'POST', url: `${P}/advisories`, payload: { title: 'Matrix advisory' } }) },
  { method: 'GET', route: A, expect: MEMBERS, request: async (f) => ({ url: `${P}/advisories/${await advisory(f)}` }) },
  { method: 'GET', route: A, variant: 'osv export', expect: MEMBERS, request: async (f) => ({ url: `${P}/advisories/${await publishedOnce(f)}?format=osv` }) },
  { method: 'PUT', route: A, expect: TRIAGERS, request: async (f) => ({ method: 'PUT', url: `${P}/advisories/${await advisory(f)}`, payload: { title: 'Edited' } }) },
  {
    method: 'PUT',
    route: A,
    variant: 'amend a published one',
    expect: ADMINS,
    request: async (f) => ({ method: 'PUT', url: `${P}/advisories/${await advisory(f, 'published')}`, payload: { summary: 'Amended.', note: 'Amended the summary' } }),
  },
  {
    method: 'POST',
    route: `${A}/transitions`,
    variant: 'to review',
    expect: TRIAGERS,
    request: async (f) => ({ method: 'POST', url: `${P}/advisories/${await advisory(f)}/transitions`, payload: { to: 'in-review' } }),
  },
  {
    method: 'POST',
    route: `${A}/transitions`,
    variant: 'publish',
    expect: ADMINS,
    request: async (f) => ({ method: 'POST', url: `${P}/advisories/${await advisory(f, 'in-review')}/transitions`, payload: { to: 'published' } }),
  },
  { method: 'GET', route: `${A}/revisions`, expect: MEMBERS, request: async (f) => ({ url: `${P}/advisories/${await advisory(f)}/revisions` }) },
  { method: 'GET', route: `${A}/changelog`, expect: MEMBERS, request: async (f) => ({ url: `${P}/advisories/${await publishedOnce(f)}/changelog` }) },

  // Public pages: published advisories are public to everyone, drafts to no one.
  { method: 'GET', route: '/advisories.css', expect: PUBLIC, request: () => ({ url: '/advisories.css' }) },
  { method: 'GET', route: '/projects/:slug/advisories', expect: PUBLIC, request: () => ({ url: '/projects/privastream/advisories' }) },
  { method: 'GET', route: '/projects/:slug/advisories.atom', expect: PUBLIC, request: () => ({ url: '/projects/privastream/advisories.atom' }) },
  { method: 'GET', route: '/projects/:slug/advisories/:id', expect: PUBLIC, request: async (f) => ({ url: `/projects/privastream/advisories/${await publishedOnce(f)}` }) },
  { method: 'GET', route: '/projects/:slug/advisories/:id', variant: 'a draft', expect: all(404), request: async (f) => ({ url: `/projects/privastream/advisories/${await advisory(f)}` }) },
  { method: 'GET', route: '/projects/:slug/advisories/:id/osv.json', expect: PUBLIC, request: async (f) => ({ url: `/projects/privastream/advisories/${await publishedOnce(f)}/osv.json` }) },
  // The matrix server has no EMBARGO_CVE_ORG_ID: no public CVE records.
  { method: 'GET', route: '/projects/:slug/advisories/:id/cve.json', expect: all(404), request: async (f) => ({ url: `/projects/privastream/advisories/${await publishedOnce(f)}/cve.json` }) },
  { method: 'GET', route: '/.well-known/csaf/provider-metadata.json', expect: PUBLIC, request: () => ({ url: '/.well-known/csaf/provider-metadata.json' }) },
  { method: 'GET', route: '/.well-known/csaf/feed-tlp-white.json', expect: PUBLIC, request: () => ({ url: '/.well-known/csaf/feed-tlp-white.json' }) },
  { method: 'GET', route: '/.well-known/csaf/index.txt', expect: PUBLIC, request: () => ({ url: '/.well-known/csaf/index.txt' }) },
  { method: 'GET', route: '/.well-known/csaf/changes.csv', expect: PUBLIC, request: () => ({ url: '/.well-known/csaf/changes.csv' }) },
  {
    method: 'GET',
    route: '/.well-known/csaf/:year/:file',
    expect: PUBLIC,
    request: async (f) => ({ url: `/.well-known/csaf/2026/${(await publishedOnce(f)).toLowerCase()}.json` }),
  },
];
