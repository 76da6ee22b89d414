import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** The route pattern as registered, e.g. `/api/v1/projects/:slug/reports/:trackingId`. */
  url: string;
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z]+(?:, [A-Z]+)*)\))?$/;

/**
 * Every (method, path) the app serves, read back from the app itself (Fastify's route tree), so a test can
 * fail when a route appears that it does not know about. Throws if the tree has a shape it cannot read.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  // The default (common-prefix) tree: with commonPrefix false, Fastify drops static segments before a wildcard
  // (`/assets/*` printed as `/*`, `/api/docs/static/*` as `/api/docs/*`).
  const tree = app.printRoutes();
  const parents: string[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of tree.split('\n')) {
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`registeredRoutes: cannot read route tree line ${JSON.stringify(line)}`);
    const depth = (m[1] ?? '').length / 4;
    if (depth > parents.length) throw new Error(`registeredRoutes: line nested too deep: ${JSON.stringify(line)}`);
    const url = (depth === 0 ? '' : parents[depth - 1]) + (m[2] ?? '');
    parents.length = depth;
    parents.push(url);
    for (const method of m[3] ? m[3].split(', ') : []) routes.push({ method, url });
  }
  return routes;
}
