import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import type { ProjectRecord } from '../../services/projects/projects.ts';
import { discardHeld, listHeld, readHeld, releaseHeld } from '../../services/reports/review.ts';
import { blockReportSender, createBlock, liftBlock, listBlocks, type BlockScope } from '../../services/triage/blocks.ts';
import { codeIndexSummary, MAX_CODE_INDEX, replaceCodeIndex } from '../../services/triage/code-index.ts';
import { actorLabel, requireSiteAdmin } from '../auth.ts';
import { presentBlock, presentHeldItem } from '../../api/present-review.ts';
import { Nullable, ReportParams, SlugParams, Str } from '../../api/schemas.ts';
import { BlockKindEnum, HeldDecisionSchema, HeldDetailSchema, HeldListSchema, SenderBlockListSchema, SenderBlockSchema } from '../../api/schemas/review.ts';

const BlockBody = Type.Object(
  {
    kind: BlockKindEnum,
    value: Str(400, 1),
    expires_at: Type.Optional(Nullable(Type.String({ format: 'date-time', description: 'when the block ends; null or absent: indefinitely' }))),
    note: Type.Optional(Nullable(Str(500))),
  },
  { additionalProperties: false },
);
const BlockParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ProjectBlockParams = Type.Intersect([SlugParams, BlockParams]);

/** The review queue (held submissions) and blocked senders: a project's, and the instance's for site admins. */
export const reviewRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/projects/:slug/review',
    {
      schema: {
        tags: ['triage'],
        summary: 'The review queue: submissions held (blocked sender, first-time reporter) until released or discarded, oldest first',
        params: SlugParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'held submissions per page (50 by default)' })),
            cursor: Type.Optional(Str(500, 1)),
          },
          { additionalProperties: false },
        ),
        response: { 200: HeldListSchema },
      },
    },
    async (req) => {
      const page = await listHeld(ctx, req.project, req.actor, { limit: req.query.limit, cursor: req.query.cursor });
      return { total: page.total, items: page.items.map(presentHeldItem), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/projects/:slug/review/:trackingId',
    { schema: { tags: ['triage'], summary: 'A held submission with its body (audited read)', params: ReportParams, response: { 200: HeldDetailSchema } } },
    async (req) => {
      const h = await readHeld(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req));
      return { ...presentHeldItem(h), body: h.body, attachments: h.attachments };
    },
  );

  app.post(
    '/api/v1/projects/:slug/review/:trackingId/release',
    { schema: { tags: ['triage'], summary: 'Release a held submission: it becomes a report (clocks start now, the reporter is acknowledged now); audited', params: ReportParams, response: { 200: HeldDecisionSchema } } },
    async (req) => ({ tracking_id: (await releaseHeld(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req))).trackingId }),
  );

  app.post(
    '/api/v1/projects/:slug/review/:trackingId/discard',
    { schema: { tags: ['triage'], summary: 'Discard a held submission (deleted; its link opens nothing); audited', params: ReportParams, response: { 200: HeldDecisionSchema } } },
    async (req) => ({ tracking_id: (await discardHeld(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req))).trackingId }),
  );

  const project = (req: { project: ProjectRecord }): BlockScope => ({ project: req.project });

  app.get(
    '/api/v1/projects/:slug/blocks',
    { schema: { tags: ['triage'], summary: "The project's blocked senders (not the instance's), active first", params: SlugParams, response: { 200: SenderBlockListSchema } } },
    async (req) => ({ blocks: (await listBlocks(ctx, project(req), req.actor)).map(presentBlock) }),
  );

  app.post(
    '/api/v1/projects/:slug/blocks',
    { schema: { tags: ['triage'], summary: 'Block a sender for this project by address, OpenPGP fingerprint or network (IP or CIDR); audited', params: SlugParams, body: BlockBody, response: { 201: SenderBlockSchema } } },
    async (req, reply) => reply.status(201).send(presentBlock(await createBlock(ctx, project(req), req.actor, actorLabel(req), { kind: req.body.kind, value: req.body.value, expiresAt: req.body.expires_at ?? null, note: req.body.note ?? null }))),
  );

  app.delete(
    '/api/v1/projects/:slug/blocks/:id',
    { schema: { tags: ['triage'], summary: 'Lift a block (it stays listed, lifted); audited', params: ProjectBlockParams, response: { 200: SenderBlockSchema } } },
    async (req) => presentBlock(await liftBlock(ctx, project(req), req.actor, actorLabel(req), req.params.id)),
  );

  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/block-sender',
    {
      schema: {
        tags: ['triage'],
        summary: "Block this report's sender for the project (its address and OpenPGP keys), without showing them; audited",
        params: ReportParams,
        body: Type.Object({ expires_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))), note: Type.Optional(Nullable(Str(500))) }, { additionalProperties: false }),
        response: { 201: SenderBlockListSchema },
      },
    },
    async (req, reply) => {
      const blocks = await blockReportSender(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), { expiresAt: req.body.expires_at ?? null, note: req.body.note ?? null });
      return reply.status(201).send({ blocks: blocks.map(presentBlock) });
    },
  );

  // The project's code index for the quality signals (docs/triage.md): uploaded, never fetched.
  const CodeIndexSchema = Type.Object({ files: Type.Integer({ description: 'file paths uploaded (GET: file keys held, two per path)' }), symbols: Type.Integer() });
  app.get(
    '/api/v1/projects/:slug/code-index',
    { schema: { tags: ['triage'], summary: "How much the project's code index holds (files and function names the quality signals look reports up in)", params: SlugParams, response: { 200: CodeIndexSchema } } },
    async (req) => codeIndexSummary(ctx, req.project, req.actor),
  );
  app.put(
    '/api/v1/projects/:slug/code-index',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['triage'],
        summary: "Replace the project's code index: its file paths (e.g. `git ls-files`) and function names (e.g. from ctags); admins; audited",
        params: SlugParams,
        body: Type.Object(
          { files: Type.Array(Str(1000, 1), { maxItems: MAX_CODE_INDEX }), symbols: Type.Optional(Type.Array(Str(300, 1), { maxItems: MAX_CODE_INDEX })) },
          { additionalProperties: false },
        ),
        response: { 200: CodeIndexSchema },
      },
    },
    async (req) => replaceCodeIndex(ctx, req.project, req.actor, actorLabel(req), { files: req.body.files, symbols: req.body.symbols ?? [] }),
  );

  const instance: BlockScope = { instance: true };

  app.get('/api/v1/blocks', { schema: { tags: ['admin'], summary: 'Senders blocked on the whole instance (site admins)', response: { 200: SenderBlockListSchema } } }, async (req) => {
    requireSiteAdmin(req);
    return { blocks: (await listBlocks(ctx, instance, req.actor)).map(presentBlock) };
  });

  app.post(
    '/api/v1/blocks',
    { schema: { tags: ['admin'], summary: 'Block a sender on every project (site admins); audited', body: BlockBody, response: { 201: SenderBlockSchema } } },
    async (req, reply) => {
      requireSiteAdmin(req);
      return reply.status(201).send(presentBlock(await createBlock(ctx, instance, req.actor, actorLabel(req), { kind: req.body.kind, value: req.body.value, expiresAt: req.body.expires_at ?? null, note: req.body.note ?? null })));
    },
  );

  app.delete(
    '/api/v1/blocks/:id',
    { schema: { tags: ['admin'], summary: 'Lift an instance-wide block (site admins); audited', params: BlockParams, response: { 200: SenderBlockSchema } } },
    async (req) => {
      requireSiteAdmin(req);
      return presentBlock(await liftBlock(ctx, instance, req.actor, actorLabel(req), req.params.id));
    },
  );
};
