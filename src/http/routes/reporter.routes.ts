import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { addReporterMessage, readAsReporter, reporterAttachment } from '../../services/reports/index.ts';
import { readMultipart } from '../multipart.ts';
import { presentReporterView } from '../../api/present.ts';
import { Download, Str, TokenParams } from '../../api/schemas.ts';
import { MessageCreatedSchema, ReporterViewSchema } from '../../api/schemas/reports.ts';
import { sendAttachment } from './reports.routes.ts';

/** The reporter's side, reached only through the private link's token (never logged, stored as a hash). */
export const reporterRoutes = (ctx: ServiceContext, limits: { rateLimit: number; rateWindowMs: number }): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/v1/reporter/:token', { config: { anonymous: true }, schema: { tags: ['reporter'], summary: 'Status, deadlines owed to the reporter, and the thread', params: TokenParams, response: { 200: ReporterViewSchema } } }, async (req) => {
    const { project, detail, advisory } = await readAsReporter(ctx, req.params.token);
    return presentReporterView(detail, project, advisory, ctx.publicUrl);
  });

  app.post(
    '/api/v1/reporter/:token/messages',
    {
      schema: {
        tags: ['reporter'],
        summary: 'Add a message (JSON, or multipart with files in "attachments")',
        params: TokenParams,
        body: Type.Object({ body: Str(100_000, 1) }, { additionalProperties: false }),
        response: { 201: MessageCreatedSchema },
      },
      config: { anonymous: true, rateLimit: { max: limits.rateLimit * 3, timeWindow: limits.rateWindowMs } },
      preValidation: async (req) => {
        req.uploadedFiles = [];
        if (req.isMultipart()) await readMultipart(req, 'attachments');
      },
    },
    async (req, reply) => reply.status(201).send(await addReporterMessage(ctx, req.params.token, req.body.body, req.uploadedFiles)),
  );

  app.get(
    '/api/v1/reporter/:token/attachments/:attachmentId',
    {
      config: { anonymous: true },
      schema: {
        tags: ['reporter'],
        summary: 'Download an attachment of the thread',
        params: Type.Intersect([TokenParams, Type.Object({ attachmentId: Type.String({ format: 'uuid' }) })]),
        response: { 200: Download('the attachment') },
      },
    },
    async (req, reply) => sendAttachment(reply, await reporterAttachment(ctx, req.params.token, req.params.attachmentId)),
  );
};
