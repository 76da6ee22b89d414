import { can, type ProjectRole } from '../access/permissions.ts';
import { reportOf, severityOf, type ProjectEvent } from './events.ts';

/**
 * What a maintainer is mailed about a project (docs/notifications.md): `all` events, only those about reports
 * `assigned` to them, only those of `high` or critical severity, or `none`. Without a setting of their own: admins
 * and triagers all, viewers none.
 */
export const NOTIFICATION_LEVELS = ['all', 'assigned', 'high', 'none'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];
export const isNotificationLevel = (v: unknown): v is NotificationLevel => typeof v === 'string' && (NOTIFICATION_LEVELS as readonly string[]).includes(v);

export const defaultLevel = (role: ProjectRole): NotificationLevel => (role === 'viewer' ? 'none' : 'all');

const HIGH = new Set(['high', 'critical']);

/**
 * Whether a maintainer with this role and level is mailed this event. Status changes are not mailed (they are
 * the team's own doing); scan findings only when one is high or critical; held mail only to those who may read
 * the quarantine.
 */
export function mailsEvent(role: ProjectRole, level: NotificationLevel, e: ProjectEvent, assignedToThem = false): boolean {
  // The team's own doing is not mailed back to it: status changes, and case messages a maintainer wrote.
  if (level === 'none' || e.type === 'report.state_changed' || (e.type === 'case.message_created' && e.party_id === null)) return false;
  // Only what is about a report assigned to them: a new report has no assignee yet, held mail and scans no report.
  if (level === 'assigned') return assignedToThem && reportOf(e) !== null && e.type !== 'scan.finding' && can(role, 'report:read');
  if (e.type === 'mail.quarantined') return level === 'all' && can(role, 'quarantine:read');
  if (!can(role, 'report:read')) return false;
  const severe = HIGH.has(severityOf(e) ?? '');
  if (e.type === 'scan.finding') return severe;
  return level === 'all' || severe;
}
