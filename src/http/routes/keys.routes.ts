import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { addProjectKey, currentProjectKey, listProjectKeys, projectKeyUrl, retireProjectKey, type NewKeyInput } from '../../services/pgp/project-keys.ts';
import { actorLabel } from '../auth.ts';
import { presentKey } from '../../api/present-pgp.ts';
import { Document, SlugParams, Str } from '../../api/schemas.ts';
import { KeyListSchema, KeyRetiredSchema, KeySchema } from '../../api/schemas/pgp.ts';

const ARMOR_MAX = 200_000;

const GenerateBody = Type.Object(
  {
    email: Type.Optional(Str(254, 3)),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500, description: 'lifetime of the key; absent = no expiry' })),
  },
  { additionalProperties: false },
);

const ImportBody = Type.Object(
  {
    private_key: Str(ARMOR_MAX, 1),
    passphrase: Type.Optional(Str(1_000)),
  },
  { additionalProperties: false },
);

const RotateBody = Type.Object(
  {
    private_key: Type.Optional(Str(ARMOR_MAX, 1)),
    passphrase: Type.Optional(Str(1_000)),
    email: Type.Optional(Str(254, 3)),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
  },
  { additionalProperties: false, description: 'with private_key: import it as the new key; without: generate one' },
);

const toInput = (b: { private_key?: string; passphrase?: string; email?: string; expires_in_days?: number }): NewKeyInput => ({
  ...(b.private_key !== undefined ? { armoredPrivateKey: b.private_key } : {}),
  ...(b.passphrase !== undefined ? { passphrase: b.passphrase } : {}),
  ...(b.email !== undefined ? { email: b.email } : {}),
  ...(b.expires_in_days !== undefined ? { expiresInSeconds: b.expires_in_days * 86_400 } : {}),
});

/** Project OpenPGP keys: the public key for everyone, its lifecycle for project admins (all audited). */
export const keyRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/projects/:slug/pgp-key.asc',
    { config: { anonymous: true }, schema: { tags: ['keys'], summary: "The project's current OpenPGP public key (ASCII armor)", params: SlugParams, response: { 200: Document('application/pgp-keys', 'the ASCII-armored public key') } } },
    async (req, reply) => {
      const p = req.project;
      const key = await currentProjectKey(ctx.db, p.id);
      if (!key) throw new DomainError('not_found', `Project ${p.slug} has no OpenPGP key`);
      return reply
        .type('application/pgp-keys')
        .header('content-disposition', `inline; filename="${p.slug}-${key.fingerprint.slice(-16)}.asc"`)
        .header('x-content-type-options', 'nosniff')
        .send(key.publicKeyArmored);
    },
  );

  app.get('/api/v1/projects/:slug/keys', { schema: { tags: ['keys'], summary: 'Every OpenPGP key of the project, current first, then retired', params: SlugParams, response: { 200: KeyListSchema } } }, async (req) => {
    const p = req.project;
    const keys = await listProjectKeys(ctx, p, req.actor);
    return { keys: keys.map((k) => presentKey(k, k.current ? projectKeyUrl(ctx, p.slug) : null)) };
  });

  app.post(
    '/api/v1/projects/:slug/keys/generate',
    { schema: { tags: ['keys'], summary: 'Generate the project key pair (project admins; 409 when one exists: rotate instead)', params: SlugParams, body: GenerateBody, response: { 201: KeySchema } } },
    async (req, reply) => {
      const p = req.project;
      const key = await addProjectKey(ctx, p, req.actor, actorLabel(req), toInput(req.body), 'create');
      return reply.status(201).send(presentKey(key, projectKeyUrl(ctx, p.slug)));
    },
  );

  app.post(
    '/api/v1/projects/:slug/keys/import',
    { schema: { tags: ['keys'], summary: 'Import an armored private key as the project key (project admins; stored sealed, without passphrase)', params: SlugParams, body: ImportBody, response: { 201: KeySchema } } },
    async (req, reply) => {
      const p = req.project;
      const key = await addProjectKey(ctx, p, req.actor, actorLabel(req), toInput(req.body), 'create');
      return reply.status(201).send(presentKey(key, projectKeyUrl(ctx, p.slug)));
    },
  );

  app.post(
    '/api/v1/projects/:slug/keys/rotate',
    { schema: { tags: ['keys'], summary: 'Retire the current key and make a new one (generated or imported) current; retired keys still decrypt', params: SlugParams, body: RotateBody, response: { 201: KeySchema } } },
    async (req, reply) => {
      const p = req.project;
      const key = await addProjectKey(ctx, p, req.actor, actorLabel(req), toInput(req.body), 'rotate');
      return reply.status(201).send(presentKey(key, projectKeyUrl(ctx, p.slug)));
    },
  );

  app.post(
    '/api/v1/projects/:slug/keys/retire',
    { schema: { tags: ['keys'], summary: 'Retire the current key without a successor (security.txt is then unsigned)', params: SlugParams, response: { 200: KeyRetiredSchema } } },
    async (req) => {
      const p = req.project;
      const r = await retireProjectKey(ctx, p, req.actor, actorLabel(req));
      return { fingerprint: r.fingerprint, retired_at: r.retiredAt.toISOString() };
    },
  );
};
