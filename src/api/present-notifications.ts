import type { ProjectNotificationSetting, UserKeyInfo } from '../services/notifications/preferences.ts';
import type { NotificationSetting, UserKeyJson } from './schemas/notifications.ts';

export const presentNotificationSetting = (s: ProjectNotificationSetting): NotificationSetting => ({
  project: s.slug,
  project_name: s.name,
  role: s.role,
  level: s.level,
  include_titles: s.includeTitles,
  default: s.isDefault,
});

export const presentUserKey = (k: UserKeyInfo): UserKeyJson => ({ fingerprint: k.fingerprint, expires_at: k.expiresAt?.toISOString() ?? null, created_at: k.createdAt.toISOString() });
