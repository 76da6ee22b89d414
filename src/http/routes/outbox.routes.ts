import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { listOutbox } from '../../services/mail/outbox.ts';
import { presentOutboxItem } from '../../api/present-mail.ts';
import { SlugParams } from '../../api/schemas.ts';
import { OutboxListSchema } from '../../api/schemas/mail.ts';

/** Outgoing mail of a project (admins): sent, waiting for a retry, or failed after every attempt. */
export const outboxRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/outbox',
    {
      schema: {
        tags: ['mail'],
        summary: 'Outgoing mail, newest first; ?status=failed lists the mails given up on',
        params: SlugParams,
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')])) },
          { additionalProperties: false },
        ),
        response: { 200: OutboxListSchema },
      },
    },
    async (req) => {
      const p = req.project;
      const items = await listOutbox(ctx, p, req.actor, req.query.status ? { status: req.query.status } : {});
      return { mails: items.map(presentOutboxItem) };
    },
  );
};
