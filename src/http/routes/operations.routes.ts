import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Download, SlugParams, Str } from '../../api/schemas.ts';
import { createBackup, MIN_PASSPHRASE } from '../../services/backup/backup.ts';
import { exportProject } from '../../services/portability/export.ts';
import { importProject } from '../../services/portability/import.ts';
import { ProjectImportSchema } from '../../api/schemas/operations.ts';
import type { ServiceContext } from '../../services/context.ts';
import { DomainError } from '../../core/errors.ts';
import { actorLabel, requireSiteAdmin } from '../auth.ts';
import { sendAttachment } from './reports.routes.ts';

const BackupBody = Type.Object(
  {
    passphrase: Type.Optional(Str(1024, MIN_PASSPHRASE)),
    recipients: Type.Optional(Type.Array(Str(200_000, 1), { maxItems: 10, description: 'armored OpenPGP public keys to encrypt to' })),
    include_keys: Type.Optional(Type.Boolean({ description: 'put the encryption keys and session secret into the archive (default false)' })),
  },
  { additionalProperties: false },
);

/** The largest project export the import route accepts (the archive is held in memory while it loads). */
export const IMPORT_BODY_LIMIT = 512 * 1024 * 1024;

/** Instance operations (docs/operations.md): backups, a project's export and its import elsewhere. */
export const operationsRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/v1/admin/backup',
    {
      schema: {
        tags: ['operations'],
        summary: 'A consistent, encrypted backup of the whole instance, taken while it runs (site admins; docs/operations.md)',
        body: BackupBody,
        response: { 200: Download('the OpenPGP-encrypted backup archive') },
      },
    },
    async (req, reply) => {
      const admin = requireSiteAdmin(req);
      const { archive, manifest } = await createBackup(ctx, actorLabel(req) || `user:${admin.id}`, {
        passphrase: req.body.passphrase,
        recipients: req.body.recipients,
        includeKeys: req.body.include_keys,
      });
      return sendAttachment(reply, { filename: `embargo-backup-${manifest.created_at.replace(/[:.]/g, '-')}.pgp`, contentType: 'application/octet-stream', data: archive });
    },
  );

  app.get(
    '/api/v1/projects/:slug/export',
    {
      schema: {
        tags: ['operations'],
        summary: "The project's reports, threads, attachments, advisories and audit entries in clear, as a tar archive (project admins; audited; docs/operations.md)",
        params: SlugParams,
        response: { 200: Download('the export archive (export.json and attachments/)') },
      },
    },
    async (req, reply) => {
      const { archive } = await exportProject(ctx, req.project, req.actor, actorLabel(req));
      return sendAttachment(reply, { filename: `${req.project.slug}-export-${ctx.now().toISOString().slice(0, 10)}.tar`, contentType: 'application/x-tar', data: archive });
    },
  );

  // The import's body is the export archive itself (a tar): parsed as bytes, for this plugin's routes only.
  app.addContentTypeParser(['application/x-tar', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.post(
    '/api/v1/admin/projects/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['operations'],
        summary: 'Load a project export (the tar archive as the body, application/x-tar) into this instance; tracking IDs kept, any clash refused (site admins)',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 201: ProjectImportSchema },
      },
    },
    async (req, reply) => {
      const admin = requireSiteAdmin(req);
      if (!Buffer.isBuffer(req.body)) throw DomainError.validation([{ field: 'body', message: 'send the export archive as application/x-tar' }]);
      const done = await importProject(ctx, admin, actorLabel(req), req.body);
      return reply.status(201).send(done);
    },
  );
};
