import type { Severity } from '../severity.ts';

/**
 * What a project's team is told about (docs/notifications.md). Every event carries ids, the tracking id, the
 * project, state and severity, never a report's body, a reporter's identity or a token: it leaves the instance
 * (webhooks, chat) and is mailed to every maintainer who asked for it.
 */
export const WEBHOOK_EVENTS = [
  'report.created',
  'report.state_changed',
  'report.message_created',
  'report.deadline_due',
  'report.deadline_missed',
  'advisory.published',
  'scan.finding',
  'mail.quarantined',
  'case.party_status_changed',
  'case.message_created',
] as const;
export type EventType = (typeof WEBHOOK_EVENTS)[number];
export const isEventType = (v: unknown): v is EventType => typeof v === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(v);

export interface ReportRef {
  id: string;
  tracking_id: string;
  state: string;
  severity: Severity | null;
}

/** The data of each event type, as stored in `project_events.data` and sent in a webhook's `data`. */
export type ProjectEvent =
  | { type: 'report.created'; report: ReportRef; source: string }
  | { type: 'report.state_changed'; report: ReportRef; from: string; to: string }
  | { type: 'report.message_created'; report: ReportRef; message_id: string; channel: 'web' | 'email' }
  | { type: 'report.deadline_due'; report: ReportRef; deadline: string; due_at: string; promise: string }
  | { type: 'report.deadline_missed'; report: ReportRef; deadline: string; due_at: string; promise: string }
  | { type: 'advisory.published'; advisory: { id: string; url: string }; report: ReportRef | null }
  | { type: 'scan.finding'; scan: { id: string; filename: string }; findings: number; highest_severity: Severity | null; advisories: string[] }
  | { type: 'mail.quarantined'; quarantine: { id: string; channel: string; reason_code: string } }
  /** A party of the case (issue 19) stated or changed its status: ids and the status, never the statement. */
  | { type: 'case.party_status_changed'; report: ReportRef; party_id: string; vulnerability: string; from: string; to: string }
  /** A message in the case thread; `party_id` null when a maintainer wrote it. Never the text. */
  | { type: 'case.message_created'; report: ReportRef; message_id: string; party_id: string | null };

export type EventData<T extends EventType> = Omit<Extract<ProjectEvent, { type: T }>, 'type'>;

export const reportOf = (e: ProjectEvent): ReportRef | null => ('report' in e ? e.report : null);

/** The severity an event is about: the report's, or a scan's highest finding. */
export function severityOf(e: ProjectEvent): Severity | null {
  if (e.type === 'scan.finding') return e.highest_severity;
  return reportOf(e)?.severity ?? null;
}

/** The body of a raw (format `json`) webhook POST: signed as sent, `timestamp` lets the receiver refuse replays. */
export interface WebhookBody {
  id: string;
  event: EventType;
  timestamp: string;
  occurred_at: string;
  project: { slug: string; name: string };
  link: string;
  data: Omit<ProjectEvent, 'type'>;
  redelivery_of?: string;
}

/** One line a person reads in a chat room or a mail subject. */
export function eventSummary(e: ProjectEvent, project: { name: string }): string {
  const r = reportOf(e);
  const sev = r?.severity ? ` (${r.severity})` : '';
  switch (e.type) {
    case 'report.created':
      return `${project.name}: new report ${e.report.tracking_id}${sev}`;
    case 'report.state_changed':
      return `${project.name}: ${e.report.tracking_id} ${e.from} → ${e.to}${sev}`;
    case 'report.message_created':
      return `${project.name}: the reporter of ${e.report.tracking_id} replied`;
    case 'report.deadline_due':
      return `${project.name}: ${e.report.tracking_id} ${e.deadline} deadline due ${e.due_at}`;
    case 'report.deadline_missed':
      return `${project.name}: ${e.report.tracking_id} missed its ${e.deadline} deadline (${e.due_at})`;
    case 'advisory.published':
      return `${project.name}: advisory ${e.advisory.id} published${e.report ? ` (${e.report.tracking_id})` : ''}`;
    case 'scan.finding':
      return `${project.name}: scan of ${e.scan.filename} found ${e.findings} vulnerable package${e.findings === 1 ? '' : 's'}${e.highest_severity ? ` (highest ${e.highest_severity})` : ''}`;
    case 'mail.quarantined':
      return `${project.name}: a mail was held in quarantine (${e.quarantine.reason_code})`;
    case 'case.party_status_changed':
      return `${project.name}: a party of case ${e.report.tracking_id} changed its status ${e.from} → ${e.to}`;
    case 'case.message_created':
      return `${project.name}: new message in the case thread of ${e.report.tracking_id}`;
  }
}

export type WebhookFormat = 'json' | 'slack' | 'matrix';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'slack', 'matrix'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Slack's three control characters (its "escaping text"): otherwise `<…|…>` in a name is a link of its own. */
const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The JSON a webhook of each format receives. `slack`: an incoming-webhook message (`{text}`, Slack's link
 * markup); `matrix`: matrix-hookshot's generic webhook (`{text, html}`, also a valid `m.notice` content). Chat
 * formats carry the short summary and the link only.
 */
export function renderWebhookBody(format: WebhookFormat, body: WebhookBody, event: ProjectEvent): Record<string, unknown> {
  if (format === 'json') return { ...body };
  const summary = eventSummary(event, body.project);
  if (format === 'slack') return { text: `${escapeSlack(summary)} <${body.link}|open>` };
  return { msgtype: 'm.notice', text: `${summary} ${body.link}`, body: `${summary} ${body.link}`, html: `${escapeHtml(summary)} <a href="${escapeHtml(body.link)}">open</a>` };
}
