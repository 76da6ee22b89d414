import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_GHSA_ADVISORIES } from '../../core/ghsa/advisory.ts';
import type { ServiceContext } from '../../services/context.ts';
import { importGhsaExport } from '../../services/ghsa/import.ts';
import { deleteGhsaSource, getGhsaSource, setGhsaSource, syncGhsaSource } from '../../services/ghsa/source.ts';
import { actorLabel } from '../auth.ts';
import { presentGhsaImport, presentGhsaSource } from '../../api/present-ghsa.ts';
import { NoBody, SlugParams, Str } from '../../api/schemas.ts';
import { GhsaImportResultSchema, GhsaSourceSchema } from '../../api/schemas/ghsa.ts';
import { DomainError } from '../../core/errors.ts';

/** An export of many advisories is larger than the default body limit. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

/** GitHub Security Advisories import (docs/ghsa.md): from a `gh api` export, or from the API with the project's token. */
export const ghsaRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/projects/:slug/ghsa/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['ghsa'],
        summary: 'Import repository security advisories (the JSON of GET /repos/{owner}/{repo}/security-advisories); re-importing updates, never duplicates',
        params: SlugParams,
        body: Type.Object({ advisories: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: MAX_GHSA_ADVISORIES }) }, { additionalProperties: false }),
        response: { 200: GhsaImportResultSchema },
      },
    },
    async (req) => presentGhsaImport(await importGhsaExport(ctx, req.project, req.actor, actorLabel(req), req.body.advisories, 'file')),
  );

  app.post(
    '/api/v1/projects/:slug/ghsa/sync',
    { schema: { tags: ['ghsa'], summary: "Import every advisory of the project's GitHub repository through the API (all pages)", params: SlugParams, response: { 200: GhsaImportResultSchema } } },
    async (req) => presentGhsaImport(await syncGhsaSource(ctx, req.project, req.actor, actorLabel(req))),
  );

  app.get(
    '/api/v1/projects/:slug/ghsa/source',
    { schema: { tags: ['ghsa'], summary: 'The GitHub repository the project imports from (never the token)', params: SlugParams, response: { 200: GhsaSourceSchema } } },
    async (req) => {
      const source = await getGhsaSource(ctx, req.project, req.actor);
      if (!source) throw new DomainError('not_found', `${req.project.slug} has no GitHub source`);
      return presentGhsaSource(source);
    },
  );

  app.put(
    '/api/v1/projects/:slug/ghsa/source',
    {
      schema: {
        tags: ['ghsa'],
        summary: 'Set the GitHub repository (owner/repo) and a token that may read its security advisories; the token is sealed at rest and never answered',
        params: SlugParams,
        body: Type.Object({ repository: Str(201, 3), token: Str(500, 1) }, { additionalProperties: false }),
        response: { 200: GhsaSourceSchema },
      },
    },
    async (req) => presentGhsaSource(await setGhsaSource(ctx, req.project, req.actor, actorLabel(req), req.body)),
  );

  app.delete(
    '/api/v1/projects/:slug/ghsa/source',
    { schema: { tags: ['ghsa'], summary: 'Forget the GitHub source and its token', params: SlugParams, response: { 204: NoBody('deleted') } } },
    async (req, reply) => {
      await deleteGhsaSource(ctx, req.project, req.actor, actorLabel(req));
      return reply.status(204).send();
    },
  );
};
