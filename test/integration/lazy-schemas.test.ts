import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { lazySchemaCompilers } from '../../src/http/lazy-schemas.ts';

/** Schemas compiled on a route's first request (src/http/lazy-schemas.ts) behave as Fastify's eager defaults. */
test('lazily compiled validators and serializers answer as the eager ones: 400s, coercion, headers, dropped fields', async () => {
  const build = (lazy: boolean) => {
    const app = Fastify({
      ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
      ...(lazy ? { schemaController: { compilersFactory: lazySchemaCompilers() } } : {}),
    }).withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/things/:n',
      {
        schema: {
          params: Type.Object({ n: Type.Integer({ minimum: 1 }) }),
          headers: Type.Object({ 'X-Token': Type.String({ minLength: 3 }) }),
          querystring: Type.Object({ tags: Type.Optional(Type.Array(Type.String())) }),
          body: Type.Object({ name: Type.String({ minLength: 1 }), size: Type.Integer() }),
          response: { 201: Type.Object({ n: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()) }) },
        },
      },
      async (req, reply) => reply.code(201).send({ ...req.body, n: req.params.n, tags: req.query.tags ?? [], secret: 'never sent' } as never),
    );
    return app;
  };
  const requests = [
    { url: '/things/2?tags=a', headers: { 'x-token': 'abcd' }, payload: { name: 'x', size: 1 } },
    { url: '/things/0', headers: { 'x-token': 'abcd' }, payload: { name: 'x', size: 1 } },
    { url: '/things/2', headers: { 'x-token': 'ab' }, payload: { name: '', size: 'big' } },
    { url: '/things/2', headers: {}, payload: { name: 'x', size: 1 } },
  ];
  const answers = async (lazy: boolean) => {
    const app = build(lazy);
    const out: { status: number; body: unknown }[] = [];
    for (const r of requests) {
      const res = await app.inject({ method: 'POST', ...r });
      out.push({ status: res.statusCode, body: res.json() });
    }
    await app.close();
    return out;
  };
  const lazy = await answers(true);
  assert.deepEqual(lazy, await answers(false));
  assert.deepEqual(lazy.map((a) => a.status), [201, 400, 400, 400]);
  assert.deepEqual(lazy[0]?.body, { n: 2, name: 'x', tags: ['a'] });
});
