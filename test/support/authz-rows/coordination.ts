import { all, MEMBERS, P, PUBLIC, R, SIGNED_IN, TRIAGERS, type Expect, type Fixture, type Row } from '../authz.ts';
import { advisoryContent } from '../advisory-fixtures.ts';
import { multipartBody } from '../multipart.ts';

/**
 * Multi-party coordination (issue 19, coordination.routes.ts). The `party` column is the vendor invited into case A
 * (Fixture.party); case B is another privastream report it is not in. Every case route answers 404 to a party of
 * another case exactly as to a stranger, and every project route (queue, report, reporter thread) answers the party
 * 404 as well: it holds no project role.
 */

/** What only a party of the case may do (a status, a read marker, an extension request): maintainers 403. */
const PARTIES_ONLY: Expect = { siteAdmin: 403, admin: 403, triager: 403, viewer: 403, outsider: 404, anonymous: 401 };

const C = '/api/v1/cases/:caseId';
let serial = 0;

async function partyToRemove(f: Fixture): Promise<string> {
  const res = await f.rt.app.inject({ method: 'POST', url: `${P}/reports/${f.trackingId}/parties`, headers: f.world.as('admin'), payload: { email: `gone-${++serial}@vendor.example`, name: 'Leaving', role: 'expert' } });
  if (res.statusCode !== 201) throw new Error(`party fixture: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

async function pendingExtension(f: Fixture): Promise<string> {
  const res = await f.rt.app.inject({ method: 'POST', url: `/api/v1/cases/${f.party.caseId}/extension-requests`, headers: f.party.headers, payload: { until: '2099-12-31', reason: 'More time.' } });
  if (res.statusCode !== 201) throw new Error(`extension fixture: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** An advisory drafted from case A's report (published when asked): the VEX exports carry the parties' statuses. */
async function caseAdvisory(f: Fixture, publish: boolean): Promise<string> {
  const headers = f.world.as('admin');
  const res = await f.rt.app.inject({ method: 'POST', url: `${P}/advisories`, headers, payload: advisoryContent({ cve_id: null }) });
  if (res.statusCode !== 201) throw new Error(`advisory fixture: ${res.statusCode} ${res.body}`);
  const id = (res.json() as { advisory: { id: string } }).advisory.id;
  for (const to of publish ? ['in-review', 'published'] : []) {
    const moved = await f.rt.app.inject({ method: 'POST', url: `${P}/advisories/${id}/transitions`, headers, payload: { to } });
    if (moved.statusCode !== 200) throw new Error(`advisory fixture: ${moved.statusCode} ${moved.body}`);
  }
  return id;
}

/** A file in a case's party thread, posted by `headers` (the party in case A, an admin in case B). */
async function caseFile(f: Fixture, caseId: string, headers: Record<string, string>): Promise<string> {
  const form = await multipartBody({ body: 'A log.' }, [{ filename: 'log.txt', data: Buffer.from('trace\n') }]);
  const res = await f.rt.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/messages`, headers: { ...headers, ...form.headers }, payload: form.payload });
  if (res.statusCode !== 201) throw new Error(`attachment fixture: ${res.statusCode} ${res.body}`);
  return (res.json() as { attachments: Array<{ id: string }> }).attachments[0]?.id ?? '';
}

const status = { vulnerability: 'CVE-2026-0001', product: 'pkg:npm/vendor-lib', status: 'affected', versions: '<2.0.0' };

export const ROWS: Row[] = [
  // The maintainers' side, on the report.
  {
    method: 'POST',
    route: `${R}/parties`,
    expect: TRIAGERS,
    party: 404,
    request: (f) => ({ url: `${P}/reports/${f.trackingId}/parties`, payload: { email: `invitee-${++serial}@vendor.example`, name: 'Invitee', role: 'vendor' } }),
  },
  { method: 'GET', route: `${R}/parties`, expect: MEMBERS, party: 404, request: (f) => ({ url: `${P}/reports/${f.trackingId}/parties` }) },
  { method: 'DELETE', route: `${R}/parties/:partyId`, expect: TRIAGERS, party: 404, request: async (f) => ({ url: `${P}/reports/${f.trackingId}/parties/${await partyToRemove(f)}` }) },

  // Party invitation links: a token never issued is 404 for everybody.
  { method: 'POST', route: '/api/v1/case-invitations/lookup', expect: all(404), party: 404, request: () => ({ url: '/api/v1/case-invitations/lookup', payload: { token: 'pty_never-issued-0000000' } }) },
  {
    method: 'POST',
    route: '/api/v1/case-invitations/accept',
    expect: all(404),
    party: 404,
    request: () => ({ url: '/api/v1/case-invitations/accept', payload: { token: 'pty_never-issued-0000000', name: 'Nobody', password: 'correct horse battery staple' } }),
  },

  // The case: its parties and its project's members; everyone else 404.
  { method: 'GET', route: '/api/v1/cases', expect: SIGNED_IN, party: '2xx', request: () => ({ url: '/api/v1/cases' }) },
  { method: 'GET', route: C, expect: MEMBERS, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}` }) },
  { method: 'GET', route: C, variant: 'case B', expect: MEMBERS, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}` }) },
  { method: 'GET', route: C, variant: 'no such case', expect: { ...all(404), anonymous: 401 }, party: 404, request: () => ({ url: '/api/v1/cases/00000000-0000-4000-8000-000000000000' }) },
  { method: 'PUT', route: `${C}/status`, expect: PARTIES_ONLY, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/status`, payload: status }) },
  { method: 'PUT', route: `${C}/status`, variant: 'case B', expect: PARTIES_ONLY, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/status`, payload: status }) },
  { method: 'GET', route: `${C}/parties/:partyId/history`, expect: MEMBERS, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/parties/${f.party.partyId}/history` }) },
  {
    method: 'GET',
    route: `${C}/parties/:partyId/history`,
    variant: 'case B',
    expect: { ...MEMBERS, siteAdmin: 404, admin: 404, triager: 404, viewer: 404 },
    party: 404,
    request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/parties/${f.party.partyId}/history` }),
  },
  { method: 'GET', route: `${C}/messages`, expect: MEMBERS, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/messages` }) },
  { method: 'GET', route: `${C}/messages`, variant: 'case B', expect: MEMBERS, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/messages` }) },
  { method: 'POST', route: `${C}/messages`, expect: TRIAGERS, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/messages`, payload: { body: 'Matrix message.' } }) },
  { method: 'POST', route: `${C}/messages`, variant: 'case B', expect: TRIAGERS, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/messages`, payload: { body: 'Wrong case.' } }) },
  // Unread markers: every reader of the case has its own (parties and maintainers alike).
  { method: 'PUT', route: `${C}/read`, expect: MEMBERS, party: '2xx', request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/read`, payload: { seq: 1 } }) },
  { method: 'PUT', route: `${C}/read`, variant: 'case B', expect: MEMBERS, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/read`, payload: { seq: 1 } }) },
  // Attachments of the party thread: the case's parties and maintainers; a party of case A never reaches case B's.
  {
    method: 'POST',
    route: `${C}/messages`,
    variant: 'multipart, with a file',
    expect: TRIAGERS,
    party: '2xx',
    request: async (f) => {
      const form = await multipartBody({ body: 'With a file.' }, [{ filename: 'poc.txt', data: Buffer.from('poc\n') }]);
      return { url: `/api/v1/cases/${f.party.caseId}/messages`, headers: form.headers, payload: form.payload };
    },
  },
  { method: 'GET', route: `${C}/attachments/:attachmentId`, expect: MEMBERS, party: '2xx', request: async (f) => ({ url: `/api/v1/cases/${f.party.caseId}/attachments/${await caseFile(f, f.party.caseId, f.party.headers)}` }) },
  {
    method: 'GET',
    route: `${C}/attachments/:attachmentId`,
    variant: 'case B',
    expect: MEMBERS,
    party: 404,
    request: async (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/attachments/${await caseFile(f, f.otherCaseId, f.world.as('admin'))}` }),
  },
  {
    method: 'GET',
    route: `${C}/attachments/:attachmentId`,
    variant: "case B's file through case A",
    expect: { ...all(404), anonymous: 401 },
    party: 404,
    request: async (f) => ({ url: `/api/v1/cases/${f.party.caseId}/attachments/${await caseFile(f, f.otherCaseId, f.world.as('admin'))}` }),
  },
  {
    method: 'GET',
    route: `${C}/attachments/:attachmentId`,
    variant: "the reporter's intake file through the case",
    expect: { ...all(404), anonymous: 401 },
    party: 404,
    request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/attachments/${f.attachmentId}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/reporter/:token/attachments/:attachmentId',
    variant: "a party-thread file through the reporter's link",
    expect: all(404),
    party: 404,
    request: async (f) => ({ url: `/api/v1/reporter/${f.reporterToken}/attachments/${await caseFile(f, f.party.caseId, f.party.headers)}` }),
  },
  { method: 'GET', route: `${C}/messages`, variant: 'party of case A, case B', expect: MEMBERS, party: 404, request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/messages?limit=5` }) },

  // The reporter's consent to be named to parties: the private link's holder only (public like the reporter page).
  { method: 'GET', route: '/api/v1/reporter/:token/identity-sharing', expect: PUBLIC, party: '2xx', request: (f) => ({ url: `/api/v1/reporter/${f.reporterToken}/identity-sharing` }) },
  { method: 'GET', route: '/api/v1/reporter/:token/identity-sharing', variant: 'unknown link', expect: all(404), party: 404, request: () => ({ url: '/api/v1/reporter/rpt_never-issued-000000000/identity-sharing' }) },
  { method: 'PUT', route: '/api/v1/reporter/:token/identity-sharing', expect: PUBLIC, party: '2xx', request: (f) => ({ url: `/api/v1/reporter/${f.reporterToken}/identity-sharing`, payload: { consent: true } }) },
  { method: 'PUT', route: '/api/v1/reporter/:token/identity-sharing', variant: 'unknown link', expect: all(404), party: 404, request: () => ({ url: '/api/v1/reporter/rpt_never-issued-000000000/identity-sharing', payload: { consent: true } }) },

  {
    method: 'POST',
    route: `${C}/extension-requests`,
    expect: PARTIES_ONLY,
    party: '2xx',
    request: (f) => ({ url: `/api/v1/cases/${f.party.caseId}/extension-requests`, payload: { until: '2099-12-31', reason: 'Release train.' } }),
  },
  {
    method: 'POST',
    route: `${C}/extension-requests`,
    variant: 'case B',
    expect: PARTIES_ONLY,
    party: 404,
    request: (f) => ({ url: `/api/v1/cases/${f.otherCaseId}/extension-requests`, payload: { until: '2099-12-31', reason: 'Wrong case.' } }),
  },
  {
    method: 'PUT',
    route: `${C}/extension-requests/:requestId`,
    expect: TRIAGERS,
    party: 403,
    request: async (f) => ({ url: `/api/v1/cases/${f.party.caseId}/extension-requests/${await pendingExtension(f)}`, payload: { state: 'declined' } }),
  },

  // VEX exports: members export any advisory; the public one exists once published, for everyone.
  { method: 'GET', route: '/api/v1/projects/:slug/advisories/:id', variant: 'openvex export', expect: MEMBERS, party: 404, request: async (f) => ({ url: `${P}/advisories/${await caseAdvisory(f, false)}?format=openvex` }) },
  { method: 'GET', route: '/projects/:slug/advisories/:id/openvex.json', expect: PUBLIC, party: '2xx', request: async (f) => ({ url: `/projects/privastream/advisories/${await caseAdvisory(f, true)}/openvex.json` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/advisories/:id', variant: 'csaf-vex export', expect: MEMBERS, party: 404, request: async (f) => ({ url: `${P}/advisories/${await caseAdvisory(f, false)}?format=csaf-vex` }) },
  {
    method: 'GET',
    route: '/projects/:slug/advisories/:id/:file',
    expect: PUBLIC,
    party: '2xx',
    request: async (f) => {
      const id = await caseAdvisory(f, true);
      return { url: `/projects/privastream/advisories/${id}/${id.toLowerCase()}-vex.json` };
    },
  },
  { method: 'GET', route: '/projects/:slug/advisories/:id/:file', variant: 'a draft', expect: all(404), party: 404, request: async (f) => ({ url: `/projects/privastream/advisories/${await caseAdvisory(f, false)}/x-vex.json` }) },
  { method: 'GET', route: '/projects/:slug/advisories/:id/openvex.json', variant: 'a draft', expect: all(404), party: 404, request: async (f) => ({ url: `/projects/privastream/advisories/${await caseAdvisory(f, false)}/openvex.json` }) },

  // The party of case A against the project's own routes: the queue, its own case's report and reporter thread.
  { method: 'GET', route: '/api/v1/projects/:slug/reports', variant: 'party of case A', expect: MEMBERS, party: 404, request: () => ({ url: `${P}/reports` }) },
  { method: 'GET', route: R, variant: 'party of case A, its own report', expect: MEMBERS, party: 404, request: (f) => ({ url: `${P}/reports/${f.trackingId}` }) },
  {
    method: 'GET',
    route: `${R}/attachments/:attachmentId`,
    variant: "party of case A, the reporter's file; a party-thread file is no report attachment",
    expect: { ...all(404), anonymous: 401, outsider: 404 },
    party: 404,
    request: async (f) => ({ url: `${P}/reports/${f.trackingId}/attachments/${await caseFile(f, f.party.caseId, f.party.headers)}` }),
  },
  {
    method: 'POST',
    route: `${R}/messages`,
    variant: 'party of case A, the reporter thread',
    expect: TRIAGERS,
    party: 404,
    request: (f) => ({ url: `${P}/reports/${f.trackingId}/messages`, payload: { body: 'To the reporter from a party?' } }),
  },
];
