import { ADMINS, P, TRIAGERS, type Fixture, type Row } from '../authz.ts';
import { getProject } from '../../../src/services/projects/projects.ts';
import { setGhsaSource } from '../../../src/services/ghsa/source.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GitHub Security Advisories import (ghsa.routes.ts, docs/ghsa.md): triagers import, admins set the source. The sync
 * row points the runtime's GitHub API at a local server answering an empty list, so nothing leaves the machine.
 */
const SETUP_ACTOR = { userId: '00000000-0000-0000-0000-000000000000', siteAdmin: true, role: null };
const ADVISORY = { ghsa_id: 'GHSA-aaaa-bbbb-cccc', state: 'triage', summary: 'Matrix row advisory', description: 'From the authorization matrix.', severity: 'low' };

let emptyGithub: Promise<string> | null = null;
/** A "GitHub" on 127.0.0.1 with no advisories (unref'd: it never keeps the test process alive). */
function localGithub(): Promise<string> {
  emptyGithub ??= new Promise((resolve) => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    server.unref();
  });
  return emptyGithub;
}

async function withSource(f: Fixture): Promise<void> {
  const p = await getProject(f.rt.ctx.db, 'privastream');
  await setGhsaSource(f.rt.ctx, p, SETUP_ACTOR, 'test', { repository: 'repo/a-package', token: 'ghp_matrix' });
}

export const ROWS: Row[] = [
  { method: 'POST', route: '/api/v1/projects/:slug/ghsa/imports', expect: TRIAGERS, request: () => ({ method: 'POST', url: `${P}/ghsa/imports`, payload: { advisories: [ADVISORY] } }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/ghsa/sync',
    expect: TRIAGERS,
    request: async (f) => {
      (f.rt.ctx as { githubApiUrl: string }).githubApiUrl = await localGithub();
      await withSource(f);
      return { method: 'POST', url: `${P}/ghsa/sync` };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/projects/:slug/ghsa/source',
    expect: ADMINS,
    request: async (f) => {
      await withSource(f);
      return { method: 'GET', url: `${P}/ghsa/source` };
    },
  },
  { method: 'PUT', route: '/api/v1/projects/:slug/ghsa/source', expect: ADMINS, request: () => ({ method: 'PUT', url: `${P}/ghsa/source`, payload: { repository: 'repo/a-package', token: 'ghp_matrix' } }) },
  {
    method: 'DELETE',
    route: '/api/v1/projects/:slug/ghsa/source',
    expect: ADMINS,
    request: async (f) => {
      await withSource(f);
      return { method: 'DELETE', url: `${P}/ghsa/source` };
    },
  },
];
