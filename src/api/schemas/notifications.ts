import { Type, type Static } from '@sinclair/typebox';
import { NOTIFICATION_LEVELS } from '../../core/notifications/preferences.ts';
import { DateTime, Nullable, RoleEnum } from '../schemas.ts';

export const NotificationLevelEnum = Type.Union(NOTIFICATION_LEVELS.map((l) => Type.Literal(l)), { description: 'all events; assigned: only about reports assigned to you; high: high and critical only; none' });

/** A user's notification setting for one of their projects (../present-notifications.ts). */
export const NotificationSettingSchema = Type.Object({
  project: Type.String(),
  project_name: Type.String(),
  role: RoleEnum,
  level: NotificationLevelEnum,
  include_titles: Type.Boolean({ description: "a report's title in the mail body (never in the subject, never the body)" }),
  default: Type.Boolean({ description: "true while the role's default applies (admins and triagers: all; viewers: none)" }),
});
export const NotificationSettingsSchema = Type.Object({ projects: Type.Array(NotificationSettingSchema) });

export const UserKeySchema = Type.Object({ fingerprint: Type.String(), expires_at: Nullable(DateTime()), created_at: DateTime() });
export const UserKeyAnswerSchema = Type.Object({ key: Nullable(UserKeySchema) });

export type NotificationSetting = Static<typeof NotificationSettingSchema>;
export type NotificationSettings = Static<typeof NotificationSettingsSchema>;
export type UserKeyJson = Static<typeof UserKeySchema>;
export type UserKeyAnswer = Static<typeof UserKeyAnswerSchema>;
