import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { createAnyScan, listScans, MAX_INCLUDED_FILES, readScan, reportFinding } from '../../services/scanning/scans.ts';
import { actorLabel } from '../auth.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../services/paging.ts';
import { readMultipart } from '../multipart.ts';
import { presentScan, presentScanSummary } from '../../api/present.ts';
import { Slug, SlugParams, Str } from '../../api/schemas.ts';
import { FindingReportSchema, ScanListSchema, ScanSchema } from '../../api/schemas/scans.ts';

/** Lockfiles are bigger than reports: a large package-lock.json is a few MB, JSON-escaped more. */
const LOCKFILE_BODY_LIMIT = 16 * 1024 * 1024;
const MAX_LOCKFILE_CHARS = 8 * 1024 * 1024;

const ScanParams = Type.Object({ slug: Slug, scanId: Type.String({ format: 'uuid' }) });
const FindingParams = Type.Object({ slug: Slug, scanId: Type.String({ format: 'uuid' }), findingId: Type.String({ format: 'uuid' }) });

export const scanRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/projects/:slug/scans',
    {
      bodyLimit: LOCKFILE_BODY_LIMIT,
      schema: {
        tags: ['scans'],
        summary:
          'Check a lockfile against the OSV database: multipart with the file in "lockfile", or JSON {filename, content}; ' +
          'with the files a requirements file includes: more "lockfile" parts after the first, or JSON {files: [lockfile, included…]}. ' +
          'A SARIF 2.1.0 log (*.sarif, or JSON naming the SARIF schema) is imported; a zip of a tree (*.zip: multipart, or JSON content with encoding base64) gets the hygiene checks (secrets, model files)',
        params: SlugParams,
        body: Type.Object(
          {
            filename: Type.Optional(Str(255, 1)),
            content: Type.Optional(Str(MAX_LOCKFILE_CHARS)),
            encoding: Type.Optional(Type.Literal('base64', { description: 'content is base64 (a zip of a tree)' })),
            files: Type.Optional(
              Type.Array(Type.Object({ filename: Str(1024, 1), content: Str(MAX_LOCKFILE_CHARS) }, { additionalProperties: false }), {
                minItems: 1,
                maxItems: MAX_INCLUDED_FILES + 1,
                description: 'the lockfile first, then the files it includes, named by their path relative to it (base/common.txt)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ScanSchema },
      },
      preValidation: async (req) => {
        req.uploadedFiles = [];
        if (req.isMultipart()) await readMultipart(req, 'lockfile');
      },
    },
    async (req, reply) => {
      const p = req.project;
      const actor = req.actor;
      let files: { filename: string; content: string; bytes?: Buffer }[];
      if (req.isMultipart()) {
        if (!req.uploadedFiles.length || req.body.content !== undefined) throw DomainError.validation([{ field: 'lockfile', message: 'send the lockfile, then any files it includes' }]);
        files = req.uploadedFiles.map((f) => ({ filename: f.filename, content: f.data.toString('utf8'), bytes: f.data }));
      } else if (req.body.files) {
        if (req.body.filename !== undefined || req.body.content !== undefined) throw DomainError.validation([{ field: 'files', message: 'send either files or filename and content' }]);
        files = req.body.files;
      } else {
        if (req.body.filename === undefined || req.body.content === undefined) {
          throw DomainError.validation([{ field: req.body.filename === undefined ? 'filename' : 'content', message: 'is required' }]);
        }
        files = [{ filename: req.body.filename, content: req.body.content, ...(req.body.encoding === 'base64' ? { bytes: Buffer.from(req.body.content, 'base64') } : {}) }];
      }
      const [lockfile, ...rest] = files as [{ filename: string; content: string; bytes?: Buffer }, ...{ filename: string; content: string }[]];
      const includes = rest.map((f) => ({ filename: f.filename, content: f.content }));
      const scan = await createAnyScan(ctx, p, actor, actorLabel(req), { ...lockfile, includes });
      return reply.status(201).send(presentScan(scan, p.slug));
    },
  );

  app.get(
    '/api/v1/projects/:slug/scans',
    {
      schema: {
        tags: ['scans'],
        summary: 'Scans of the project, newest first, a page at a time (keyset: follow next_cursor)',
        params: SlugParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `page size (default ${DEFAULT_PAGE_SIZE})` })),
            cursor: Type.Optional(Str(500, 1)),
          },
          { additionalProperties: false },
        ),
        response: { 200: ScanListSchema },
      },
    },
    async (req) => {
      const page = await listScans(ctx, req.project, req.actor, { limit: req.query.limit, cursor: req.query.cursor });
      return { scans: page.items.map(presentScanSummary), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/projects/:slug/scans/:scanId',
    { schema: { tags: ['scans'], summary: 'One scan with its findings and unchecked dependencies', params: ScanParams, response: { 200: ScanSchema } } },
    async (req) => {
      const p = req.project;
      return presentScan(await readScan(ctx, p, req.params.scanId, req.actor), p.slug);
    },
  );

  app.post(
    '/api/v1/projects/:slug/scans/:scanId/findings/:findingId/report',
    {
      schema: {
        tags: ['scans'],
        summary: 'Turn a finding into an internal report in the queue (once per advisory and package: 200 with the existing one after that)',
        params: FindingParams,
        response: { 200: FindingReportSchema, 201: FindingReportSchema },
      },
    },
    async (req, reply) => {
      const p = req.project;
      const result = await reportFinding(ctx, p, req.params.scanId, req.params.findingId, req.actor, actorLabel(req));
      return reply.status(result.created ? 201 : 200).send({
        tracking_id: result.trackingId,
        created: result.created,
        report_url: `/api/v1/projects/${p.slug}/reports/${result.trackingId}`,
      });
    },
  );
};
