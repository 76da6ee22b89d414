import { can, type ProjectRole } from '../access/permissions.ts';
import { severityOf, type ProjectEvent } from './events.ts';

/**
 * What a maintainer is mailed about a project (docs/notifications.md): `all` events, only those of `high` or
 * critical severity, or `none`. Without a setting of their own: admins and triagers all, viewers none.
 */
export const NOTIFICATION_LEVELS = ['all', 'high', 'none'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];
export const isNotificationLevel = (v: unknown): v is NotificationLevel => typeof v === 'string' && (NOTIFICATION_LEVELS as readonly string[]).includes(v);

export const defaultLevel = (role: ProjectRole): NotificationLevel => (role === 'viewer' ? 'none' : 'all');

const HIGH = new Set(['high', 'critical']);

/**
 * Whether a maintainer with this role and level is mailed this event. Status changes are not mailed (they are
 * the team's own doing); scan findings only when one is high or critical; held mail only to those who may read
 * the quarantine.
 */
export function mailsEvent(role: ProjectRole, level: NotificationLevel, e: ProjectEvent): boolean {
  if (level === 'none' || e.type === 'report.state_changed') return false;
  if (e.type === 'mail.quarantined') return level === 'all' && can(role, 'quarantine:read');
  if (!can(role, 'report:read')) return false;
  const severe = HIGH.has(severityOf(e) ?? '');
  if (e.type === 'scan.finding') return severe;
  return level === 'all' || severe;
}
