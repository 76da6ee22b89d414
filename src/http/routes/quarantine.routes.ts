import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { prepareHeldReplyRelease } from '../../services/mail/intake.ts';
import { listQuarantine, QUARANTINE_RESOLUTIONS, readQuarantineItem, resolveQuarantineItem } from '../../services/pgp/quarantine.ts';
import { actorLabel } from '../auth.ts';
import { presentQuarantineItem } from '../../api/present-pgp.ts';
import { Download, Slug, SlugParams } from '../../api/schemas.ts';
import { QuarantineDetailSchema, QuarantineItemSchema, QuarantineListSchema } from '../../api/schemas/pgp.ts';
import { sendAttachment } from './reports.routes.ts';

const ItemParams = Type.Object({ slug: Slug, id: Type.String({ format: 'uuid' }) });

/** Mail and submissions Embargo refused, kept sealed with the reason; maintainers read and resolve them. */
export const quarantineRoutes = (ctx: ServiceContext, limits: { maxAttachments: number; maxAttachmentBytes: number }): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/quarantine',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Quarantined mail and submissions, newest first (default: unresolved only)',
        params: SlugParams,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')])) }, { additionalProperties: false }),
        response: { 200: QuarantineListSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const items = await listQuarantine(ctx, p, req.actor, { status: req.query.status ?? 'open' });
      return { items: items.map((i) => presentQuarantineItem(i, p.slug)) };
    },
  );

  app.get(
    '/api/v1/projects/:slug/quarantine/:id',
    { schema: { tags: ['quarantine'], summary: 'One quarantined item with its raw content (base64; audited read)', params: ItemParams, response: { 200: QuarantineDetailSchema } } },
    async (req) => {
      const p = req.project;
      const item = await readQuarantineItem(ctx, p, req.params.id, req.actor, actorLabel(req));
      return { ...presentQuarantineItem(item, p.slug), raw_base64: item.raw.toString('base64') };
    },
  );

  app.get(
    '/api/v1/projects/:slug/quarantine/:id/raw',
    { schema: { tags: ['quarantine'], summary: 'Download the raw quarantined mail or request (audited read)', params: ItemParams, response: { 200: Download('the raw mail (.eml) or request (.json)') } } },
    async (req, reply) => {
      const p = req.project;
      const item = await readQuarantineItem(ctx, p, req.params.id, req.actor, actorLabel(req));
      return sendAttachment(reply, { filename: `quarantine-${item.id}.${item.channel === 'email' ? 'eml' : 'json'}`, contentType: 'application/octet-stream', data: item.raw });
    },
  );

  app.post(
    '/api/v1/projects/:slug/quarantine/:id/resolve',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Record what was done with a quarantined item (once; 409 afterwards); releasing a held mail reply appends it to its report thread',
        params: ItemParams,
        body: Type.Object({ resolution: Type.Union(QUARANTINE_RESOLUTIONS.map((r) => Type.Literal(r))) }, { additionalProperties: false }),
        response: { 200: QuarantineItemSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const label = actorLabel(req);
      // Releasing a mail delivers it (a held reply into its report's thread) or answers 409 saying why it cannot.
      const item = await resolveQuarantineItem(ctx, p, req.params.id, req.actor, label, {
        resolution: req.body.resolution,
        release: async (held) => (held.channel === 'email' ? prepareHeldReplyRelease(ctx, held, limits, label) : null),
      });
      return presentQuarantineItem(item, p.slug);
    },
  );
};
