import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC, type Row } from '../authz.ts';
import { DEFAULT_WEB_ROOT } from '../../../src/http/routes/web.routes.ts';

/**
 * The web UI (src/http/routes/web.routes.ts): index.html for the UI paths and the hashed assets, public
 * to everyone. These rows need the built UI: `npm run test:integration` builds it first when dist/web is missing
 * or stale (scripts/build.ts --if-stale); without it the UI paths answer 503.
 */
function anAsset(): string {
  const name = readdirSync(join(DEFAULT_WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'));
  if (!name) throw new Error('no built UI asset: run npm run build:web (npm run test:integration does it when needed)');
  return `/assets/${name}`;
}

export const ROWS: Row[] = [
  { method: 'GET', route: '/', expect: PUBLIC, request: () => ({ url: '/' }) },
  { method: 'GET', route: '/app', expect: PUBLIC, request: () => ({ url: '/app' }) },
  { method: 'GET', route: '/app/*', expect: PUBLIC, request: () => ({ url: '/app/queue' }) },
  { method: 'GET', route: '/p/:slug', expect: PUBLIC, request: () => ({ url: '/p/privastream' }) },
  { method: 'GET', route: '/p/:slug/*', expect: PUBLIC, request: () => ({ url: '/p/privastream/report' }) },
  { method: 'GET', route: '/assets/*', expect: PUBLIC, request: () => ({ url: anAsset() }) },
  { method: 'GET', route: '/api/v1/intake/limits', expect: PUBLIC, request: () => ({ url: '/api/v1/intake/limits' }) },
];
