/**
 * Every mail Embargo sends, as pure functions of what they say: subject + plain-text body. No I/O, no clock:
 * times come in as ISO strings. Bodies are plain text (format=flowed is not used), wrapped by the writer.
 */

import { eventSummary, type ProjectEvent } from '../notifications/events.ts';

export interface MailText {
  subject: string;
  text: string;
}

const SIGNATURE = (projectName: string) => `\n-- \n${projectName} security team (sent by Embargo)\n`;

/** A subject line never carries the report title: titles can name the flaw, and subjects are rarely encrypted. */
const tag = (trackingId: string) => `[${trackingId}]`;

export interface AcknowledgementInput {
  projectName: string;
  trackingId: string;
  reporterLink: string;
  /** ISO instant. */
  submittedAt: string;
  /** The promised first response, in the policy's words, if any. */
  promise?: string | null;
  /** Whether replying to this mail reaches the thread (a reply address exists). */
  replyByMail: boolean;
}

export function acknowledgement(i: AcknowledgementInput): MailText {
  const lines = [
    `Thank you for your report to ${i.projectName}.`,
    '',
    `Tracking ID: ${i.trackingId}`,
    `Received:    ${i.submittedAt}`,
    '',
    'Your private link to follow the report, read our answers and write to us:',
    `  ${i.reporterLink}`,
    '',
    'Keep this link: it is the only way to open your report on the web, and we cannot show it to you again.',
    'Anyone who has it can read the report, so do not share it.',
  ];
  if (i.promise) lines.push('', `What happens next: ${i.promise}`);
  if (i.replyByMail) lines.push('', 'You can also answer by replying to this mail; keep the reply address as it is.');
  return { subject: `${tag(i.trackingId)} Report received`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface StateChangeInput {
  projectName: string;
  trackingId: string;
  from: string;
  to: string;
  /** Rejection reason code when `to` is rejected. */
  reason?: string | null;
  replyByMail: boolean;
}

const STATE_WORDS: Record<string, string> = {
  new: 'new',
  acknowledged: 'acknowledged',
  'needs-info': 'waiting for more information from you',
  triaged: 'triaged',
  accepted: 'accepted as a vulnerability',
  rejected: 'closed without a fix',
  fixing: 'being fixed',
  fixed: 'fixed',
  disclosed: 'publicly disclosed',
  closed: 'closed',
};

export const stateWords = (state: string): string => STATE_WORDS[state] ?? state;

/** A rejection reason as the reporter reads it ("won't fix", "out of scope"). */
const reasonWords = (reason: string): string => (reason === 'wont-fix' ? "won't fix" : reason.replaceAll('-', ' '));
const WONT_FIX_NOTE = 'We confirmed the problem but decided that it will not be fixed. The disclosure promise of our policy still holds: the private link shows its date.';

export function stateChange(i: StateChangeInput): MailText {
  const lines = [`The status of your report ${i.trackingId} to ${i.projectName} changed: it is now ${stateWords(i.to)} (was ${stateWords(i.from)}).`];
  if (i.to === 'rejected' && i.reason) lines.push('', `Reason: ${reasonWords(i.reason)}`);
  if (i.to === 'rejected' && i.reason === 'wont-fix') lines.push(WONT_FIX_NOTE);
  lines.push('', 'Open the private link from our acknowledgement mail for details.');
  if (i.replyByMail) lines.push('Reply to this mail to write to us.');
  return { subject: `${tag(i.trackingId)} Status: ${stateWords(i.to)}`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface MaintainerMessageInput {
  projectName: string;
  trackingId: string;
  authorName: string | null;
  body: string;
  replyByMail: boolean;
}

export function maintainerMessage(i: MaintainerMessageInput): MailText {
  const who = i.authorName ? `${i.authorName} (${i.projectName})` : `The ${i.projectName} security team`;
  const lines = [`${who} wrote about your report ${i.trackingId}:`, '', i.body.trimEnd(), ''];
  lines.push(i.replyByMail ? 'Reply to this mail to answer; your reply is added to the report.' : 'Answer through the private link from our acknowledgement mail.');
  return { subject: `${tag(i.trackingId)} New message from ${i.projectName}`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export type ReminderThreshold = 'due-soon' | 'breached';

const CLOCK_WORDS: Record<string, string> = {
  acknowledge: 'acknowledge the report',
  assess: 'assess the report',
  detailed_response: 'send a detailed response',
  next_update: 'send the reporter an update',
  fix: 'ship a fix',
  disclosure: 'disclose publicly',
  'cra-early-warning': 'file the CRA early warning (24 h)',
  'cra-notification': 'file the CRA vulnerability notification (72 h)',
  'cra-final-report': 'file the CRA final report',
};

export interface DeadlineReminderInput {
  projectName: string;
  trackingId: string;
  /** SLA clock name (acknowledge, assess, next_update, fix, …). */
  clock: string;
  dueAt: string;
  threshold: ReminderThreshold;
  promise: string;
  reportUrl: string;
}

/** To maintainers: a deadline due soon or missed. `next_update` is the update cadence owed to the reporter. */
export function deadlineReminder(i: DeadlineReminderInput): MailText {
  const what = CLOCK_WORDS[i.clock] ?? i.clock;
  const cadence = i.clock === 'next_update';
  const subject =
    i.threshold === 'breached'
      ? `${tag(i.trackingId)} Deadline missed: ${what}`
      : `${tag(i.trackingId)} ${cadence ? 'Update to the reporter due' : 'Deadline due soon'}: ${what}`;
  const lines = [
    i.threshold === 'breached'
      ? `The deadline to ${what} for ${i.trackingId} (${i.projectName}) passed at ${i.dueAt}.`
      : `The deadline to ${what} for ${i.trackingId} (${i.projectName}) is due at ${i.dueAt}.`,
    '',
    `The policy promises: ${i.promise}`,
    '',
    `Report: ${i.reportUrl}`,
    '',
    'You receive this because you are an admin or triager of the project. Each deadline is reminded once when due soon and once when missed.',
  ];
  return { subject, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface AdvisoryPublishedInput {
  projectName: string;
  trackingId: string;
  advisoryId: string;
  advisoryTitle: string;
  advisoryUrl: string;
  /** How the reporter is credited, or null when they chose to stay anonymous. */
  creditedAs: string | null;
}

export function advisoryPublished(i: AdvisoryPublishedInput): MailText {
  const lines = [
    `The advisory for your report ${i.trackingId} is public: ${i.advisoryId} — ${i.advisoryTitle}`,
    '',
    `  ${i.advisoryUrl}`,
    '',
    i.creditedAs ? `You are credited as: ${i.creditedAs}` : 'As you asked, you are not named in it.',
    '',
    'Thank you for reporting it to us responsibly.',
  ];
  return { subject: `${tag(i.trackingId)} Advisory published: ${i.advisoryId}`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface InvitationInput {
  projectName: string;
  /** Who invited, as the project's members know them. */
  inviterName: string;
  role: string;
  /** The single-use link that creates the account or, signed in, joins (its token is stored only hashed). */
  link: string;
  /** ISO instant. */
  expiresAt: string;
}

/** To an address a project admin added as a member: the same words whether or not it already had an account. */
export function invitation(i: InvitationInput): MailText {
  const lines = [
    `${i.inviterName} invited you to the security team of ${i.projectName} on Embargo, as ${i.role}.`,
    '',
    'To accept, open this link and sign in with your account on this server, or, if you have none there yet,',
    'choose your name and a password:',
    `  ${i.link}`,
    '',
    `The link works once and until ${i.expiresAt}. If you did not expect this mail, ignore it: nothing happens.`,
  ];
  return { subject: `Invitation to the ${i.projectName} security team`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface MembershipGrantedInput {
  projectName: string;
  inviterName: string;
  role: string;
  /** The project's queue in the dashboard. */
  link: string;
}

/** To an existing account that was given a role on a project. */
export function membershipGranted(i: MembershipGrantedInput): MailText {
  const lines = [
    `${i.inviterName} gave you the role ${i.role} in the security team of ${i.projectName} on Embargo.`,
    '',
    'Sign in with your existing account to see the project:',
    `  ${i.link}`,
    '',
    'If you did not expect this, tell the project\'s admins or your site admin.',
  ];
  return { subject: `Invitation to the ${i.projectName} security team`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface PasswordResetInput {
  link: string;
  /** ISO instant. */
  expiresAt: string;
}

/** To the address of an account whose password reset was asked for. */
export function passwordReset(i: PasswordResetInput): MailText {
  const lines = [
    'Someone (you, we hope) asked to reset the password of your Embargo account.',
    '',
    'To choose a new password, open this link:',
    `  ${i.link}`,
    '',
    `The link works once and until ${i.expiresAt}. Choosing a new password signs you out everywhere.`,
    'If you did not ask for this, ignore this mail: your password stays as it is.',
  ];
  return { subject: 'Reset your Embargo password', text: lines.join('\n') + '\n-- \nEmbargo\n' };
}

export interface BounceInput {
  /** The address the mail was sent to. */
  recipient: string;
  originalSubject: string | null;
  /** A sentence a person can act on. */
  reason: string;
  quarantineId: string;
}

/** To the sender of an inbound mail that could not be taken in as is (kept for a maintainer to look at). */
export function inboundBounce(i: BounceInput): MailText {
  const lines = [
    `Your mail to ${i.recipient}${i.originalSubject ? ` ("${i.originalSubject.slice(0, 120)}")` : ''} was not added to a report:`,
    '',
    `  ${i.reason}`,
    '',
    `It is kept for the security team to look at (reference ${i.quarantineId}); nothing is lost. If you can, send it again fixed.`,
  ];
  return { subject: 'Your mail could not be processed', text: lines.join('\n') + '\n-- \nEmbargo mail intake\n' };
}

/** Reasons a mail is held, in words for the bounce. */
export const BOUNCE_REASONS: Record<string, string> = {
  bad_mime: 'The mail is not well-formed MIME (RFC 2045/3156) and could not be read.',
  bad_armor: 'The OpenPGP block is not valid ASCII armor.',
  malformed: 'The OpenPGP message is damaged or cut short.',
  wrong_key: 'The mail is encrypted to a key that is not our current key; encrypt it to the key published in our security policy.',
  not_encrypted: 'The OpenPGP part does not contain an encrypted message.',
  decryption_failed: 'The encrypted message could not be decrypted (damaged or tampered with).',
  no_key: 'The mail is encrypted but this project has no OpenPGP key.',
  reply_mismatch: 'The reply address belongs to a report you did not send, or the sender address differs from the reporter\'s.',
  invalid_report:
    'The mail does not make a valid report under the project\'s policy. Give a subject and a description; give fields the policy requires as labelled sections, each starting on its own line, e.g. "Steps to reproduce:" or "Impact:". What is missing:',
};

export interface MaintainerNotificationInput {
  projectName: string;
  event: ProjectEvent;
  /** The report's title, only when the maintainer's preference allows it (never in the subject). */
  title: string | null;
  link: string;
  /** Where the maintainer changes what they are mailed. */
  settingsUrl: string;
  level: 'all' | 'assigned' | 'high';
}

/** A maintainer's notification of a project event (docs/notifications.md): never a report's body or reporter. */
export function maintainerNotification(i: MaintainerNotificationInput): MailText {
  const e = i.event;
  const r = 'report' in e ? e.report : null;
  const prefix = r ? `${tag(r.tracking_id)} ` : '';
  const subject = `${prefix}${NOTIFICATION_SUBJECTS[e.type]}${e.type === 'scan.finding' && e.highest_severity ? ` (${e.highest_severity})` : ''}`;
  const lines = [`${eventSummary(e, { name: i.projectName })}.`];
  if (i.title) lines.push('', `Title: ${i.title}`);
  if (r) lines.push('', `State: ${stateWords(r.state)}${r.severity ? `, severity ${r.severity}` : ''}`);
  lines.push('', `Open: ${i.link}`, '');
  lines.push(
    `You receive this because your notifications for ${i.projectName} are set to ${i.level === 'all' ? 'all events' : i.level === 'assigned' ? 'reports assigned to you' : 'high and critical only'}. Change it at ${i.settingsUrl}`,
  );
  return { subject, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

const NOTIFICATION_SUBJECTS: Record<ProjectEvent['type'], string> = {
  'report.created': 'New report',
  'report.state_changed': 'Status changed',
  'report.message_created': 'The reporter replied',
  'report.deadline_due': 'Deadline due soon',
  'report.deadline_missed': 'Deadline missed',
  'advisory.published': 'Advisory published',
  'scan.finding': 'Scan found vulnerable packages',
  'mail.quarantined': 'Mail held in quarantine',
  'case.party_status_changed': 'A party changed its status',
  'case.message_created': 'New message in the case',
};

export interface StatusDigestInput {
  projectName: string;
  trackingId: string;
  /** In the order they happened. */
  changes: Array<{ kind: 'state'; from: string; to: string; reason: string | null; at: string } | { kind: 'embargo'; from: string | null; to: string | null; at: string }>;
  replyByMail: boolean;
}

/**
 * What changed on a reporter's report since the last status mail (several changes within ten minutes are one
 * mail). An embargo date change names the old and the new date.
 */
export function statusDigest(i: StatusDigestInput): MailText {
  const lines: string[] = [];
  const states = i.changes.filter((c) => c.kind === 'state');
  const last = states.at(-1);
  if (i.changes.length === 1 && last) return stateChange({ projectName: i.projectName, trackingId: i.trackingId, from: last.from, to: last.to, reason: last.reason, replyByMail: i.replyByMail });
  lines.push(`Your report ${i.trackingId} to ${i.projectName} changed:`, '');
  for (const c of i.changes) {
    if (c.kind === 'state') lines.push(`- ${c.at.slice(0, 16).replace('T', ' ')} UTC: status ${stateWords(c.from)} → ${stateWords(c.to)}${c.to === 'rejected' && c.reason ? ` (reason: ${reasonWords(c.reason)})` : ''}`);
    else lines.push(`- ${c.at.slice(0, 16).replace('T', ' ')} UTC: planned disclosure date ${c.from ?? 'none'} → ${c.to ?? 'none (cleared)'}`);
  }
  if (last?.to === 'rejected' && last.reason === 'wont-fix') lines.push('', WONT_FIX_NOTE);
  lines.push('', 'Open the private link from our acknowledgement mail for details.');
  if (i.replyByMail) lines.push('Reply to this mail to write to us.');
  const subject = last ? `${tag(i.trackingId)} Status: ${stateWords(last.to)}` : `${tag(i.trackingId)} Disclosure date changed`;
  return { subject, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface PartyInvitationInput {
  projectName: string;
  trackingId: string;
  inviterName: string;
  /** The party's role in the case: vendor, upstream, expert or coordinator. */
  role: string;
  /** The single-use link (new account) or the case page (existing account). */
  link: string;
  /** ISO instant the link stops working; null when the address already has an account (no link to expire). */
  expiresAt: string | null;
}

/**
 * To a party invited into a case (issue 19). Never the report's title or the reporter: only the tracking ID, the
 * project and who invited. With or without an account the subject is the same, so the outbox tells no one which.
 */
export function partyInvitation(i: PartyInvitationInput): MailText {
  const lines = [
    `${i.inviterName} of the ${i.projectName} security team invited you into the coordinated disclosure case ${i.trackingId} on Embargo, as ${i.role}.`,
    '',
    i.expiresAt ? 'To join, open this link and choose your name and a password (or sign in, if you have an account):' : 'Sign in with your existing account to see the case:',
    `  ${i.link}`,
    '',
    'The case is under embargo: keep what you read there confidential until it is published.',
    ...(i.expiresAt ? ['', `The link works once and until ${i.expiresAt}. If you did not expect this mail, ignore it: nothing happens.`] : []),
  ];
  return { subject: `${tag(i.trackingId)} Invitation to a coordinated disclosure case`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}

export interface EmbargoMovedInput {
  projectName: string;
  trackingId: string;
  /** ISO instants (UTC), or null for "no date agreed". */
  from: string | null;
  to: string | null;
  link: string;
}

/** To every party of a case when its embargo date moves. */
export function embargoMoved(i: EmbargoMovedInput): MailText {
  const when = (v: string | null) => (v === null ? 'no date set' : `${v.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`);
  const lines = [
    `The embargo of case ${i.trackingId} changed:`,
    `  before: ${when(i.from)}`,
    `  now:    ${when(i.to)}`,
    '',
    'The case page shows it in your own time zone, with a countdown:',
    `  ${i.link}`,
  ];
  return { subject: `${tag(i.trackingId)} Embargo ${i.to === null ? 'cleared' : 'moved'}`, text: lines.join('\n') + SIGNATURE(i.projectName) };
}
