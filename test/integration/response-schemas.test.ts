import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { registeredRoutes } from '../support/routes.ts';
import { declaresStatus } from '../support/response-check.ts';

/**
 * Every route declares a response schema for the success statuses it sends (src/api/schemas/): JSON answers
 * as the object Fastify serialises with, pages, text files, downloads and self-written JSON documents as a
 * per-media-type `content` map, no-body answers (204, redirects) as `type: 'null'`. The harness
 * (test/support/response-check.ts) checks at run time, in every integration test, that each success status
 * sent is declared and that serialising with the schema changed nothing.
 */

/** Routes of third-party plugins: the docs UI (@fastify/swagger-ui) and the UI's static assets (@fastify/static). */
const PLUGIN_ROUTES = [/^\/api\/docs(\/|$)/, /^\/assets\//];

interface SeenRoute {
  method: string;
  url: string;
  schema: { hide?: boolean; response?: Record<string, unknown> } | undefined;
}

const isSuccess = (status: string) => /^[23](\d\d|xx)$/i.test(status);

/** How one declared answer is sent: 'json' (serialised by its schema), 'document' (content map) or 'no-body'. */
function kindOf(schema: unknown): 'json' | 'document' | 'no-body' | 'invalid' {
  if (!schema || typeof schema !== 'object') return 'invalid';
  const s = schema as { type?: unknown; content?: Record<string, { schema?: unknown }>; anyOf?: unknown };
  if (s.content) return Object.keys(s.content).length > 0 && Object.values(s.content).every((m) => m && typeof m.schema === 'object') ? 'document' : 'invalid';
  if (s.type === 'null') return 'no-body';
  return s.type === 'object' || s.type === 'array' || Array.isArray(s.anyOf) ? 'json' : 'invalid';
}

describe('response schemas', () => {
  let rt: TestServer;
  const seen: SeenRoute[] = [];
  const onInit = (message: unknown) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) seen.push({ method, url: route.url, schema: route.schema as SeenRoute['schema'] });
    });
  };

  before(async () => {
    subscribe('fastify.initialization', onInit);
    try {
      rt = await startTestRuntime(ENGINES[0] ?? assert.fail('no engine'));
    } finally {
      unsubscribe('fastify.initialization', onInit);
    }
  });
  after(() => rt.close());

  const ours = () => seen.filter((r) => !PLUGIN_ROUTES.some((p) => p.test(r.url)));

  test('every route of the app is seen (the onRoute list matches the route table)', () => {
    const table = new Set(registeredRoutes(rt.app).filter((r) => !PLUGIN_ROUTES.some((p) => p.test(r.url))).map((r) => `${r.method} ${r.url}`));
    const listed = new Set(ours().map((r) => `${r.method} ${r.url}`));
    assert.ok(table.size > 80, `expected the whole route table, got ${table.size}`);
    assert.deepEqual([...table].filter((k) => !listed.has(k)).sort(), []);
  });

  test('every route declares a response schema for a success status, each one JSON, a document or no body', () => {
    const routes = ours();
    const missing: string[] = [];
    const invalid: string[] = [];
    const kinds = { json: 0, document: 0, 'no-body': 0 };
    for (const r of routes) {
      const success = Object.entries(r.schema?.response ?? {}).filter(([status]) => isSuccess(status));
      if (!success.length) missing.push(`${r.method} ${r.url}`);
      for (const [status, schema] of success) {
        const kind = kindOf(schema);
        if (kind === 'invalid') invalid.push(`${r.method} ${r.url} ${status}`);
        else if (r.method !== 'HEAD') kinds[kind] += 1;
      }
    }
    assert.deepEqual(missing, [], `routes without a response schema for their success status: ${missing.join(', ')}`);
    assert.deepEqual(invalid, [], `response schemas that are neither a JSON schema, a content map nor type null: ${invalid.join(', ')}`);
    // Every kind occurs: the classification above cannot pass vacuously.
    assert.ok(kinds.json > 40 && kinds.document > 10 && kinds['no-body'] >= 2, JSON.stringify(kinds));
    const head = routes.filter((r) => r.method === 'HEAD').length;
    console.log(`${routes.length - head} routes (and the HEAD of each GET) declare ${kinds.json} JSON, ${kinds.document} document and ${kinds['no-body']} no-body answers`);
  });

  test('the OpenAPI document describes a success answer, with its media type, for every documented operation', async () => {
    const res = await rt.app.inject({ url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const spec = res.json() as { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }> }>> };
    assert.match(spec.openapi, /^3\.0\./);
    const problems: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations += 1;
        const responses = Object.entries(op.responses ?? {});
        if (!responses.some(([status]) => /^[23]/.test(status))) problems.push(`${method.toUpperCase()} ${path}: no success response`);
        for (const [status, r] of responses) {
          if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${method.toUpperCase()} ${path}: bad status key ${status}`);
          if (!r.description) problems.push(`${method.toUpperCase()} ${path} ${status}: no description`);
          for (const [media, m] of Object.entries(r.content ?? {})) {
            if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(media) || !m.schema) problems.push(`${method.toUpperCase()} ${path} ${status}: bad content ${media}`);
          }
        }
      }
    }
    // OpenAPI 3.0 has no `type: 'null'`: @fastify/swagger must have turned every Nullable into `nullable`.
    if (res.body.includes('"type":"null"')) problems.push('a schema has type "null", which OpenAPI 3.0 does not know');
    assert.ok(operations > 50, `only ${operations} operations documented`);
    assert.deepEqual(problems, []);
    const securityTxt = spec.paths['/.well-known/security.txt']?.get?.responses?.['200'];
    assert.deepEqual(Object.keys(securityTxt?.content ?? {}), ['text/plain']);
    const signOut = spec.paths['/api/v1/session']?.delete?.responses?.['204'];
    assert.ok(signOut && !signOut.content, 'a 204 answer has no content');
  });

  test('the harness check fails an answer that its schema would change, or a success status with no schema', async () => {
    // The check of test/support/response-check.ts is on every app built in the process, this one too.
    const app = Fastify({ logger: false });
    const Answer = { type: 'object', properties: { kept: { type: 'string' }, count: { type: 'integer' } }, required: ['kept'] } as const;
    app.get('/dropped', { schema: { response: { 200: Answer } } }, async () => ({ kept: 'yes', extra: 'dropped by the schema' }));
    app.get('/coerced', { schema: { response: { 200: Answer } } }, async () => ({ kept: 'yes', count: 1.5 }));
    app.get('/undeclared', { schema: { response: { 201: Answer } } }, async () => ({ kept: 'yes' }));
    app.get('/fine', { schema: { response: { 200: Answer } } }, async () => ({ kept: 'yes', count: 2 }));
    try {
      assert.equal((await app.inject({ url: '/dropped' })).statusCode, 500);
      assert.equal((await app.inject({ url: '/coerced' })).statusCode, 500);
      assert.equal((await app.inject({ url: '/undeclared' })).statusCode, 500);
      const fine = await app.inject({ url: '/fine' });
      assert.equal(fine.statusCode, 200);
      assert.deepEqual(fine.json(), { kept: 'yes', count: 2 });
      assert.equal(declaresStatus({ '2xx': {} }, 204), true);
      assert.equal(declaresStatus({ 201: {} }, 200), false);
    } finally {
      await app.close();
    }
  });
});
