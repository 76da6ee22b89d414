import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../services/context.ts';
import { getUserKey, listNotificationSettings, removeUserKey, setNotificationSetting, setUserKey } from '../../services/notifications/preferences.ts';
import { requireSession, requireUser } from '../auth.ts';
import { NoBody, Slug, Str } from '../../api/schemas.ts';
import { NotificationLevelEnum, NotificationSettingSchema, NotificationSettingsSchema, UserKeyAnswerSchema, UserKeySchema } from '../../api/schemas/notifications.ts';
import { presentNotificationSetting, presentUserKey } from '../../api/present-notifications.ts';

/** The signed-in user's notifications: what they are mailed per project, and the OpenPGP key mails are encrypted to. */
export const notificationRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/v1/me/notifications',
    { schema: { tags: ['notifications'], summary: 'What you are mailed about each of your projects', response: { 200: NotificationSettingsSchema } } },
    async (req) => ({ projects: (await listNotificationSettings(ctx, requireUser(req))).map(presentNotificationSetting) }),
  );

  app.put(
    '/api/v1/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Set what you are mailed about one of your projects',
        body: Type.Object({ project: Slug, level: NotificationLevelEnum, include_titles: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: NotificationSettingSchema },
      },
    },
    async (req) => presentNotificationSetting(await setNotificationSetting(ctx, requireSession(req, 'change notification settings'), { project: req.body.project, level: req.body.level, includeTitles: req.body.include_titles ?? false })),
  );

  app.get(
    '/api/v1/me/pgp-key',
    { schema: { tags: ['notifications'], summary: 'The OpenPGP key your notification mails are encrypted to (null: none)', response: { 200: UserKeyAnswerSchema } } },
    async (req) => {
      const key = await getUserKey(ctx, requireUser(req));
      return { key: key ? presentUserKey(key) : null };
    },
  );

  app.put(
    '/api/v1/me/pgp-key',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Register your OpenPGP public key: your notification mails are encrypted to it',
        body: Type.Object({ public_key: Str(200_000, 1) }, { additionalProperties: false }),
        response: { 200: UserKeySchema },
      },
    },
    async (req) => presentUserKey(await setUserKey(ctx, requireSession(req, 'change the notification key'), req.body.public_key)),
  );

  app.delete(
    '/api/v1/me/pgp-key',
    { schema: { tags: ['notifications'], summary: 'Remove your OpenPGP key: notification mails go in clear again', response: { 204: NoBody('removed') } } },
    async (req, reply) => {
      await removeUserKey(ctx, requireSession(req, 'change the notification key'));
      return reply.status(204).send();
    },
  );
};
