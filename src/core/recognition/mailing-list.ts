import { isEmail } from '../policy/formats.ts';

/** How long a confirmation link works; after that the address must subscribe again. */
export const CONFIRMATION_TTL_MS = 48 * 3600_000;
/** A new confirmation mail goes to the same address at most this often, however often it is subscribed. */
export const CONFIRMATION_RESEND_MS = 10 * 60_000;

export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

/**
 * The address as stored and compared: trimmed and lower-cased (local parts are case-sensitive in theory, never
 * in practice, and one person must not be on a list twice). Null when it is not an address.
 */
export function normaliseAddress(input: string): string | null {
  const address = input.trim().toLowerCase();
  return address.length <= 254 && isEmail(address) ? address : null;
}

/** What a subscription attempt does, from the address's current state: never visible to the caller. */
export function subscribeAction(
  current: { state: SubscriberState; confirmationSentAt: Date | null } | null,
  now: Date,
): 'create' | 'send-confirmation' | 'nothing' {
  if (!current) return 'create';
  if (current.state === 'confirmed') return 'nothing';
  if (current.state === 'pending' && current.confirmationSentAt && now.getTime() - current.confirmationSentAt.getTime() < CONFIRMATION_RESEND_MS) return 'nothing';
  return 'send-confirmation';
}

export interface MailText {
  subject: string;
  text: string;
}

const SIGNATURE = (projectName: string) => `\n-- \n${projectName} security advisories (sent by Embargo)\n`;

export function confirmationMail(i: { projectName: string; confirmUrl: string; expiresAt: string }): MailText {
  return {
    subject: `Confirm your subscription to ${i.projectName} security advisories`,
    text:
      [
        `Someone, hopefully you, asked to receive the security advisories of ${i.projectName} at this address.`,
        '',
        'To confirm, open this link and press the button:',
        `  ${i.confirmUrl}`,
        '',
        `The link works until ${i.expiresAt}.`,
        'If you did not ask for this, ignore this mail: without confirmation you will get nothing from us.',
      ].join('\n') + SIGNATURE(i.projectName),
  };
}

export interface AnnouncementInput {
  projectName: string;
  advisoryId: string;
  title: string;
  cveId: string | null;
  summary: string;
  advisoryUrl: string;
  /** The changelog entry (Markdown) for release notes. */
  changelog: string;
  unsubscribeUrl: string;
}

export function announcementMail(i: AnnouncementInput): MailText {
  const ids = i.cveId ? `${i.advisoryId} (${i.cveId})` : i.advisoryId;
  return {
    subject: `[${i.projectName} security] ${ids}: ${i.title}`,
    text:
      [
        `${i.projectName} published security advisory ${ids}:`,
        '',
        i.title,
        '',
        ...(i.summary.trim() ? [i.summary.trim(), ''] : []),
        'Details, affected versions and fixes:',
        `  ${i.advisoryUrl}`,
        '',
        'Changelog entry:',
        '',
        i.changelog.trimEnd(),
        '',
        'You receive this because you subscribed to these advisories. To stop, open:',
        `  ${i.unsubscribeUrl}`,
      ].join('\n') + SIGNATURE(i.projectName),
  };
}
