import { subscribe } from 'node:diagnostics_channel';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Every answer of every Fastify app a test builds is held to its route's response schema (src/api/schemas/):
 *
 * - a success (2xx) or redirect (3xx) status has a response schema declared for it on the route;
 * - serialising with that schema (Fastify's fast-json-stringify drops properties the schema does not name and
 *   coerces values to the declared type) changed nothing: the JSON sent equals JSON.stringify of what the
 *   handler returned.
 *
 * A mismatch fails the request (500) and prints what differs, so the test that made it fails; so does a value
 * the serialiser cannot write at all (fast-json-stringify throws: a 500 too), which is printed as well. Routes of
 * third-party plugins (the docs UI, static assets) are not ours to describe and are left alone.
 */

const PLUGIN_ROUTES = [/^\/api\/docs(\/|$)/, /^\/assets\//];

const returned = new WeakMap<FastifyRequest, unknown>();

/** Whether `responses` (a route's `schema.response`) declares a schema for `status`. */
export function declaresStatus(responses: unknown, status: number): boolean {
  if (!responses || typeof responses !== 'object') return false;
  const keys = Object.keys(responses).map((k) => k.toLowerCase());
  return keys.includes(String(status)) || keys.includes(`${String(status)[0]}xx`) || keys.includes('default');
}

function firstDifference(actual: unknown, expected: unknown, path = '$'): string {
  if (isDeepStrictEqual(actual, expected)) return '';
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object' && Array.isArray(actual) === Array.isArray(expected)) {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!(k in a)) return `${path}.${k} was dropped (the handler returned ${JSON.stringify(e[k])})`;
      if (!(k in e)) return `${path}.${k} was added`;
      const d = firstDifference(a[k], e[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path} is ${JSON.stringify(actual)}; the handler returned ${JSON.stringify(expected)}`;
}

function fail(req: FastifyRequest, message: string): never {
  const text = `response schema check: ${req.method} ${req.routeOptions.url ?? req.url}: ${message}`;
  console.error(text);
  throw new Error(text);
}

/** What fast-json-stringify throws when a value does not fit the schema (the client sees only a 500). */
const SERIALIZER_ERROR = /does not match schema definition|is required!|cannot be converted to/;

export function checkResponses(app: FastifyInstance): void {
  app.addHook('onError', async (req, _reply, error) => {
    if (SERIALIZER_ERROR.test(error.message)) console.error(`response schema check: ${req.method} ${req.routeOptions.url ?? req.url}: serialising failed: ${error.message}`);
  });
  app.addHook('preSerialization', async (req, _reply, payload) => {
    returned.set(req, payload);
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const status = reply.statusCode;
    const url = req.routeOptions.url;
    if (status < 200 || status >= 400 || url === undefined || PLUGIN_ROUTES.some((r) => r.test(url))) return payload;
    if (!declaresStatus(req.routeOptions.schema?.response, status)) fail(req, `sent ${status}, but the route declares no response schema for it`);
    if (returned.has(req) && typeof payload === 'string') {
      const expected: unknown = JSON.parse(JSON.stringify(returned.get(req)) ?? 'null');
      const difference = firstDifference(JSON.parse(payload), expected);
      if (difference) fail(req, `the ${status} answer differs from what the handler returned: ${difference}`);
    }
    return payload;
  });
}

// Every app built in this process, from its first line on (before any route is registered).
subscribe('fastify.initialization', (message) => checkResponses((message as { fastify: FastifyInstance }).fastify));
