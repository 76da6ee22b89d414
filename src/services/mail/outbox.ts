import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { OutboxTable } from '../../adapters/db/schema-mail.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import type { DbOrTx, ServiceContext } from '../context.ts';

/** One mail to send. `to` is a single address; `text` the plain-text body (templates in src/core/mail). */
export interface OutgoingMail {
  kind: string;
  projectId: string | null;
  reportId?: string | null;
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
  /** Encrypt to the public key the reporter of `reportId` gave (sent in clear when they gave none). */
  encryptToReporter?: boolean;
  /** Encrypt to the OpenPGP key this maintainer registered (sent in clear when they have none at send time). */
  encryptToUser?: string | null;
}

/** What is sealed in `outbox.envelope_sealed`: everything that names a person or says something. */
export interface SealedEnvelope {
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export const outboxAad = (id: string): string => `outbox:${id}`;

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** One plain address (no display name, no list): what the outbox sends to. */
export const isMailableAddress = (address: string): boolean => ADDRESS.test(address.trim());
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * Queues a mail. Call it with the transaction of the change the mail announces: the mail then exists iff the
 * change committed, and the outbox job sends it later (retrying with backoff), so a relay that is down never
 * blocks or loses the change. The envelope is sealed at rest.
 */
export async function enqueueMail(db: DbOrTx, ctx: ServiceContext, mail: OutgoingMail): Promise<string> {
  const row = outboxRow(ctx, mail);
  await db.insertInto('outbox').values(row).execute();
  return row.id;
}

/** The outbox row of a mail (checked, sealed), for callers that insert many at once (the intake's group commit). */
export function outboxRow(ctx: Pick<ServiceContext, 'sealer' | 'now'>, mail: OutgoingMail): Insertable<OutboxTable> & { id: string } {
  const to = mail.to.trim();
  if (!ADDRESS.test(to)) throw new Error(`enqueueMail: "${to}" is not a mail address`);
  const headers = mail.headers ?? {};
  for (const [name, value] of Object.entries(headers)) {
    // Header injection guard: names are tokens, values one line.
    if (!HEADER_NAME.test(name) || /[\r\n]/.test(value)) throw new Error(`enqueueMail: bad header ${name}`);
  }
  const subject = mail.subject.replace(/[\r\n]+/g, ' ').trim();
  const id = randomUUID();
  const envelope: SealedEnvelope = { to, subject, text: mail.text, headers };
  const sealed = ctx.sealer.seal(JSON.stringify(envelope), outboxAad(id));
  const now = ctx.now();
  return {
    id,
    kind: mail.kind,
    project_id: mail.projectId,
    report_id: mail.reportId ?? null,
    envelope_sealed: sealed.sealed,
    key_id: sealed.keyId,
    encrypt_to_reporter: mail.encryptToReporter ?? false,
    encrypt_to_user: mail.encryptToUser ?? null,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    claimed_until: null,
    last_error: null,
    created_at: now,
    sent_at: null,
  };
}

export interface OutboxItem {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  to: string;
  subject: string;
  trackingId: string | null;
  encryptToReporter: boolean;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
}

/** The project's outgoing mail, newest first: what was sent, what waits for a retry, what failed for good. */
export async function listOutbox(
  ctx: ServiceContext,
  project: { id: string },
  actor: Actor | null,
  filter: { status?: 'pending' | 'sending' | 'sent' | 'failed'; limit?: number } = {},
): Promise<OutboxItem[]> {
  authorize(actor, 'outbox:read');
  let q = ctx.db
    .selectFrom('outbox')
    .leftJoin('reports', 'reports.id', 'outbox.report_id')
    .select([
      'outbox.id',
      'outbox.kind',
      'outbox.status',
      'outbox.attempts',
      'outbox.envelope_sealed',
      'outbox.key_id',
      'outbox.encrypt_to_reporter',
      'outbox.last_error',
      'outbox.created_at',
      'outbox.next_attempt_at',
      'outbox.sent_at',
      'reports.tracking_id',
    ])
    .where('outbox.project_id', '=', project.id)
    .orderBy('outbox.created_at', 'desc')
    .orderBy('outbox.id')
    .limit(Math.min(filter.limit ?? 200, 500));
  if (filter.status) q = q.where('outbox.status', '=', filter.status);
  const rows = await q.execute();
  return rows.map((r) => {
    const env = JSON.parse(ctx.sealer.open(r.key_id, r.envelope_sealed, outboxAad(r.id)).toString('utf8')) as SealedEnvelope;
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      attempts: Number(r.attempts),
      to: env.to,
      subject: env.subject,
      trackingId: r.tracking_id ?? null,
      encryptToReporter: r.encrypt_to_reporter,
      lastError: r.last_error,
      createdAt: new Date(r.created_at),
      nextAttemptAt: new Date(r.next_attempt_at),
      sentAt: r.sent_at ? new Date(r.sent_at) : null,
    };
  });
}
