/**
 * A project's advisory mailing list: double opt-in subscription, confirmation, one-click unsubscribe and the
 * admins' subscriber list. Callers never learn whether an address is on the list: every subscription attempt
 * with a well-formed address ends the same way.
 */
import { randomUUID } from 'node:crypto';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import {
  CONFIRMATION_TTL_MS,
  confirmationMail,
  normaliseAddress,
  subscribeAction,
  SUBSCRIBER_STATES,
  type SubscriberState,
} from '../../core/recognition/mailing-list.ts';
import { hashToken, newSecretToken, sha256Hex } from '../../adapters/crypto/tokens.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext, Tx } from '../context.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { findProject, type ProjectRecord } from '../projects/projects.ts';

export const subscriberAad = (id: string, part: 'email' | 'unsubscribe') => `subscriber:${id}:${part}`;
/** Addresses are found by this hash; the address itself is sealed. */
const addressHash = (address: string) => sha256Hex(`embargo-subscriber:${address}`);
const ACTOR = 'subscriber';

const pagePath = (slug: string) => `/projects/${encodeURIComponent(slug)}/mailing-list`;
export const confirmPath = (slug: string, token: string) => `${pagePath(slug)}/confirm/${token}`;
export const unsubscribePath = (slug: string, token: string) => `${pagePath(slug)}/unsubscribe/${token}`;

async function publicProject(ctx: ServiceContext, slug: string): Promise<ProjectRecord> {
  const p = await findProject(ctx.db, slug);
  if (!p) throw new DomainError('not_found', `No project "${slug}"`);
  return p;
}

async function sendConfirmation(tx: Tx, ctx: ServiceContext, project: ProjectRecord, id: string, address: string, now: Date): Promise<void> {
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
  await tx
    .updateTable('mailing_list_subscribers')
    .set({ state: 'pending', confirm_token_hash: hashToken(token), confirm_expires_at: expiresAt, confirmation_sent_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
  const mail = confirmationMail({ projectName: project.name, confirmUrl: `${ctx.publicUrl}${confirmPath(project.slug, token)}`, expiresAt: `${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` });
  await enqueueMail(tx, ctx, { kind: 'mailing-list-confirmation', projectId: project.id, to: address, subject: mail.subject, text: mail.text });
}

/**
 * Subscribes an address: a new (or unsubscribed) address gets a confirmation mail and stays `pending` until the
 * link is used; a pending one gets a new link at most every few minutes; a confirmed one gets nothing. Only a
 * malformed address is an error.
 */
export async function subscribe(ctx: ServiceContext, slug: string, input: string): Promise<void> {
  const address = normaliseAddress(input);
  if (!address) throw DomainError.validation([{ field: 'email', message: 'is not an e-mail address' }]);
  const project = await publicProject(ctx, slug);
  const now = ctx.now();
  const hash = addressHash(address);
  await ctx.db.transaction().execute(async (tx) => {
    const id = randomUUID();
    const unsubscribeToken = newSecretToken();
    // Insert-if-absent first: two simultaneous attempts for a new address cannot both create it.
    const created = await tx
      .insertInto('mailing_list_subscribers')
      .values({
        id,
        project_id: project.id,
        email_hash: hash,
        email_sealed: ctx.sealer.seal(address, subscriberAad(id, 'email')).sealed,
        key_id: ctx.sealer.activeKeyId,
        state: 'pending',
        unsubscribe_token_hash: hashToken(unsubscribeToken),
        unsubscribe_token_sealed: ctx.sealer.seal(unsubscribeToken, subscriberAad(id, 'unsubscribe')).sealed,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['project_id', 'email_hash']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const row = created
      ? null
      : await tx.selectFrom('mailing_list_subscribers').select(['id', 'state', 'confirmation_sent_at']).where('project_id', '=', project.id).where('email_hash', '=', hash).forUpdate().executeTakeFirstOrThrow();
    const action = subscribeAction(row ? { state: row.state as SubscriberState, confirmationSentAt: row.confirmation_sent_at } : null, now);
    if (action === 'nothing') return;
    const subscriberId = row?.id ?? id;
    await sendConfirmation(tx, ctx, project, subscriberId, address, now);
    await appendAudit(tx, { actor: ACTOR, action: 'mailing-list.subscribe', projectId: project.id, data: { subscriber: subscriberId, from: row?.state ?? null } }, now);
  });
}

export type LinkOutcome = 'done' | 'invalid' | 'expired';

/** Confirms the subscription the link was mailed for. A used, unknown or other project's link is `invalid`. */
export async function confirmSubscription(ctx: ServiceContext, slug: string, token: string): Promise<{ project: ProjectRecord; outcome: LinkOutcome }> {
  const project = await publicProject(ctx, slug);
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<LinkOutcome> => {
    const row = await tx
      .selectFrom('mailing_list_subscribers')
      .select(['id', 'state', 'confirm_expires_at'])
      .where('project_id', '=', project.id)
      .where('confirm_token_hash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.state !== 'pending') return 'invalid';
    if (!row.confirm_expires_at || row.confirm_expires_at.getTime() <= now.getTime()) return 'expired';
    await tx
      .updateTable('mailing_list_subscribers')
      .set({ state: 'confirmed', confirmed_at: now, confirm_token_hash: null, confirm_expires_at: null, unsubscribed_at: null, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(tx, { actor: ACTOR, action: 'mailing-list.confirm', projectId: project.id, data: { subscriber: row.id } }, now);
    return 'done';
  });
  return { project, outcome };
}

/** One-click unsubscribe (RFC 8058): idempotent; the token is the credential, no session, no CSRF token. */
export async function unsubscribe(ctx: ServiceContext, slug: string, token: string): Promise<{ project: ProjectRecord; outcome: LinkOutcome }> {
  const project = await publicProject(ctx, slug);
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<LinkOutcome> => {
    const row = await tx
      .selectFrom('mailing_list_subscribers')
      .select(['id', 'state'])
      .where('project_id', '=', project.id)
      .where('unsubscribe_token_hash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row) return 'invalid';
    if (row.state === 'unsubscribed') return 'done';
    await tx
      .updateTable('mailing_list_subscribers')
      .set({ state: 'unsubscribed', unsubscribed_at: now, confirm_token_hash: null, confirm_expires_at: null, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(tx, { actor: ACTOR, action: 'mailing-list.unsubscribe', projectId: project.id, data: { subscriber: row.id, from: row.state } }, now);
    return 'done';
  });
  return { project, outcome };
}

/** Whether an unsubscribe link is one (for the GET page; the POST does the work). */
export async function unsubscribeLinkValid(ctx: ServiceContext, slug: string, token: string): Promise<ProjectRecord> {
  const project = await publicProject(ctx, slug);
  const row = await ctx.db.selectFrom('mailing_list_subscribers').select('id').where('project_id', '=', project.id).where('unsubscribe_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'This unsubscribe link is not valid');
  return project;
}

/** Whether a confirmation link is still usable (for the GET page). */
export async function confirmLinkState(ctx: ServiceContext, slug: string, token: string): Promise<{ project: ProjectRecord; outcome: LinkOutcome }> {
  const project = await publicProject(ctx, slug);
  const row = await ctx.db
    .selectFrom('mailing_list_subscribers')
    .select(['state', 'confirm_expires_at'])
    .where('project_id', '=', project.id)
    .where('confirm_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.state !== 'pending') return { project, outcome: 'invalid' };
  if (!row.confirm_expires_at || row.confirm_expires_at.getTime() <= ctx.now().getTime()) return { project, outcome: 'expired' };
  return { project, outcome: 'done' };
}

export interface SubscriberView {
  id: string;
  email: string;
  state: SubscriberState;
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
}

/** The list for admins; opening the addresses is audited like any read of personal data. */
export async function listSubscribers(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string, filter: { state?: SubscriberState[] } = {}): Promise<SubscriberView[]> {
  authorize(actor, 'subscribers:read');
  const states = filter.state?.length ? filter.state : [...SUBSCRIBER_STATES];
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('mailing_list_subscribers')
      .select(['id', 'email_sealed', 'key_id', 'state', 'created_at', 'confirmed_at', 'unsubscribed_at'])
      .where('project_id', '=', project.id)
      .where('state', 'in', states)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    await appendAudit(tx, { actor: actorLabel, action: 'mailing-list.read', projectId: project.id, data: { states, count: rows.length } }, now);
    return rows.map((r) => ({
      id: r.id,
      email: ctx.sealer.open(r.key_id, r.email_sealed, subscriberAad(r.id, 'email')).toString('utf8'),
      state: r.state as SubscriberState,
      createdAt: r.created_at,
      confirmedAt: r.confirmed_at,
      unsubscribedAt: r.unsubscribed_at,
    }));
  });
}
