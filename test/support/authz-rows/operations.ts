import { randomUUID } from 'node:crypto';
import { writeTar } from '../../../src/adapters/archive/tar.ts';
import { ADMINS, P, PUBLIC, SITE_ADMINS, type Row } from '../authz.ts';
import { examplePolicy } from '../fixtures.ts';

let serial = 0;

/** A minimal project export (no reports) of a project this instance does not have: each call a new slug and claims. */
function exportArchive(): Buffer {
  const n = ++serial;
  const slug = `matrix-import-${n}`;
  const policy = examplePolicy('taehv')
    .replace('slug: taehv', `slug: ${slug}`)
    .replace('tracking_prefix: TAEHV', `tracking_prefix: MXI${n}`)
    .replaceAll('@taehv.example', `@${slug}.example`);
  const at = '2026-03-01T00:00:00.000Z';
  const doc = {
    format: 'embargo-project-export',
    version: 1,
    exported_at: at,
    source: 'https://elsewhere.test',
    project: { id: randomUUID(), slug, name: 'Matrix import', tracking_prefix: `MXI${n}`, policy_yaml: policy, created_at: at, updated_at: at, sla_version: 1 },
    tables: {},
    users: [],
    audit: [],
  };
  return writeTar([{ name: 'export.json', data: Buffer.from(JSON.stringify(doc)) }]);
}

/**
 * Instance operations (operations.routes.ts, docs/operations.md): a backup of the whole instance and an import are for
 * site admins; a project's export in clear is for its admins. Readiness is public like /healthz (it names no data:
 * states and migration names); a reporter's erasure on request is for site admins. /metrics is registered only with
 * EMBARGO_METRICS_TOKEN (its token check is test/integration/metrics.test.ts).
 */
export const ROWS: Row[] = [
  { method: 'POST', route: '/api/v1/admin/backup', expect: SITE_ADMINS, request: () => ({ url: '/api/v1/admin/backup', payload: { passphrase: 'matrix passphrase 12' } }) },
  { method: 'GET', route: '/api/v1/projects/:slug/export', expect: ADMINS, request: () => ({ url: `${P}/export` }) },
  {
    method: 'POST',
    route: '/api/v1/admin/projects/import',
    expect: SITE_ADMINS,
    request: () => ({ url: '/api/v1/admin/projects/import', headers: { 'content-type': 'application/x-tar' }, payload: exportArchive() }),
  },
  { method: 'GET', route: '/readyz', expect: PUBLIC, request: () => ({ url: '/readyz' }) },
  {
    method: 'POST',
    route: '/api/v1/admin/reporter-erasures',
    expect: SITE_ADMINS,
    request: () => ({ url: '/api/v1/admin/reporter-erasures', payload: { email: 'nobody-here@example.net' } }),
  },
];
