import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Download, Str } from '../../api/schemas.ts';
import { createBackup, MIN_PASSPHRASE } from '../../services/backup/backup.ts';
import type { ServiceContext } from '../../services/context.ts';
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

/** Instance operations (docs/operations.md): backups now; project export and import below. */
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
};
