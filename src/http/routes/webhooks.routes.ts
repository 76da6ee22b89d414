import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WEBHOOK_EVENTS } from '../../core/notifications/events.ts';
import type { ServiceContext } from '../../services/context.ts';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook } from '../../services/webhooks/webhooks.ts';
import { actorLabel } from '../auth.ts';
import { presentDelivery, presentWebhook } from '../../api/present-webhooks.ts';
import { NoBody, Slug, Str } from '../../api/schemas.ts';
import { DeliveryListSchema, DeliverySchema, EventTypeEnum, WebhookFormatEnum, WebhookListSchema, WebhookSchema } from '../../api/schemas/webhooks.ts';

const HookParams = Type.Object({ slug: Slug, id: Type.String({ format: 'uuid' }) });
const DeliveryParams = Type.Object({ slug: Slug, id: Type.String({ format: 'uuid' }), deliveryId: Type.String({ format: 'uuid' }) });
const Events = Type.Array(EventTypeEnum, { minItems: 1, maxItems: WEBHOOK_EVENTS.length * 2 });
const Secret = Type.String({ minLength: 16, maxLength: 256, description: 'HMAC-SHA256 key of X-Embargo-Signature-256; never answered' });

/** A project's webhooks (project admins): endpoints, their deliveries, redelivery (docs/notifications.md). */
export const webhookRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/webhooks',
    { schema: { tags: ['webhooks'], summary: "The project's webhooks (never their secrets) and the event types there are", params: Type.Object({ slug: Slug }), response: { 200: WebhookListSchema } } },
    async (req) => ({ webhooks: (await listWebhooks(ctx, req.project, req.actor)).map(presentWebhook), event_types: [...WEBHOOK_EVENTS] }),
  );

  app.post(
    '/api/v1/projects/:slug/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint (http or https; loopback, private and link-local addresses are refused)',
        params: Type.Object({ slug: Slug }),
        body: Type.Object({ url: Str(2000, 1), secret: Secret, events: Events, format: Type.Optional(WebhookFormatEnum) }, { additionalProperties: false }),
        response: { 201: WebhookSchema },
      },
    },
    async (req, reply) => {
      const hook = await createWebhook(ctx, req.project, req.actor, actorLabel(req), req.body);
      return reply.status(201).send(presentWebhook(hook));
    },
  );

  app.patch(
    '/api/v1/projects/:slug/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint: URL, secret (rotation), events, format, or pause it (active: false)',
        params: HookParams,
        body: Type.Object(
          { url: Type.Optional(Str(2000, 1)), secret: Type.Optional(Secret), events: Type.Optional(Events), format: Type.Optional(WebhookFormatEnum), active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: WebhookSchema },
      },
    },
    async (req) => presentWebhook(await updateWebhook(ctx, req.project, req.actor, actorLabel(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/projects/:slug/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Delete an endpoint and its delivery log', params: HookParams, response: { 204: NoBody('deleted') } } },
    async (req, reply) => {
      await deleteWebhook(ctx, req.project, req.actor, actorLabel(req), req.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/projects/:slug/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Recent deliveries, newest first, each with its attempts (status code, response time, error)',
        params: HookParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
        response: { 200: DeliveryListSchema },
      },
    },
    async (req) => ({ deliveries: (await listDeliveries(ctx, req.project, req.actor, req.params.id, req.query.limit ? { limit: req.query.limit } : {})).map(presentDelivery) }),
  );

  app.post(
    '/api/v1/projects/:slug/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: { tags: ['webhooks'], summary: 'Send a delivery again, as a new delivery queued now', params: DeliveryParams, response: { 202: DeliverySchema } } },
    async (req, reply) => reply.status(202).send(presentDelivery(await redeliver(ctx, req.project, req.actor, actorLabel(req), req.params.id, req.params.deliveryId))),
  );
};
