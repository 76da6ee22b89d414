import { sql, type Selectable } from 'kysely';
import { openJson } from '../../adapters/crypto/sealer.ts';
import { buildInnerEntity, buildPgpMimeMessage, buildPlainMessage, newBoundary, type MessageParts } from '../../adapters/email/compose-message.ts';
import { encryptForRecipient, pgpMimeEnvelope } from '../../adapters/pgp/messages.ts';
import type { OutboxTable } from '../../adapters/db/schema-mail.ts';
import type { ServiceContext } from '../context.ts';
import { mailDomain, type MailSettings } from './settings.ts';
import { outboxAad, type SealedEnvelope } from './outbox.ts';
import { maintainerKeyForMail, reporterKeyForMail } from './keys.ts';

/**
 * How long a claimed mail is ours; a process that dies mid-send leaves it to be taken again after this. A send is
 * broken off after `sendTimeoutMs` (at most 2 minutes, src/server/mail-config.ts), so a live one never outlives it.
 */
export const OUTBOX_LEASE_MS = 5 * 60_000;
const LEASE_MS = OUTBOX_LEASE_MS;
const MAX_BACKOFF_MS = 6 * 3600_000;

type Row = Omit<Selectable<OutboxTable>, 'attempts'> & { attempts: number };

/** Exponential backoff after the n-th failed attempt (n ≥ 1): base, 2·base, 4·base … capped at six hours. */
export const retryDelayMs = (attempts: number, baseMs: number): number => Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));

/**
 * Claims up to `limit` due mails in one statement: pending ones whose time has come, and claimed ones whose lease
 * ran out. `FOR UPDATE SKIP LOCKED` lets several instances on one PostgreSQL claim disjoint rows; the attempt is
 * counted at the claim, so a process that crashes mid-send still uses up an attempt.
 *
 * The candidates are a MATERIALIZED CTE (evaluated once) and the UPDATE re-checks that each row is still due,
 * so a row another instance claimed in between is never claimed twice. A lease that ran out is taken over: the
 * instances' clocks must agree to well within LEASE_MS (sends time out long before it).
 */
async function claimDue(ctx: ServiceContext, limit: number): Promise<Row[]> {
  const now = ctx.now();
  const lease = new Date(now.getTime() + LEASE_MS);
  const result = await sql<Row>`
    with due as materialized (
      select id from outbox
      where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and claimed_until < ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update outbox set status = 'sending', claimed_until = ${lease}, attempts = outbox.attempts + 1
    from due
    where outbox.id = due.id
      and ((outbox.status = 'pending' and outbox.next_attempt_at <= ${now}) or (outbox.status = 'sending' and outbox.claimed_until < ${now}))
    returning outbox.*`.execute(ctx.db);
  return result.rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
}

async function projectName(ctx: ServiceContext, projectId: string | null): Promise<string> {
  if (!projectId) return 'Embargo';
  const p = await ctx.db.selectFrom('projects').select('name').where('id', '=', projectId).executeTakeFirst();
  return p?.name ?? 'Embargo';
}

/** Builds the bytes of one outbox row: PGP/MIME when it asks for the reporter's key and the reporter gave one. */
export async function renderOutboxRow(ctx: ServiceContext, settings: Pick<MailSettings, 'from'>, row: Row): Promise<{ raw: Buffer; to: string; encrypted: boolean }> {
  const env = openJson<SealedEnvelope>(ctx.sealer, row.key_id, row.envelope_sealed, outboxAad(row.id));
  const { 'Message-ID': explicitId, ...headers } = env.headers;
  const parts: MessageParts = {
    from: { name: `${await projectName(ctx, row.project_id)} security`, address: settings.from },
    to: env.to,
    subject: env.subject,
    text: env.text,
    messageId: explicitId ?? `<${row.id}@${mailDomain(ctx)}>`,
    date: ctx.now(),
    headers,
  };
  const userKey = row.encrypt_to_user ? await maintainerKeyForMail(ctx, row.encrypt_to_user, row.project_id) : null;
  if (userKey) {
    const inner = await buildInnerEntity(env.text);
    const armored = await encryptForRecipient(inner, { recipientPublicKey: userKey.recipientKey, ...(userKey.signingKey ? { signingKey: userKey.signingKey } : {}), mode: 'binary', now: ctx.now() });
    return { raw: buildPgpMimeMessage(parts, pgpMimeEnvelope(armored, newBoundary())), to: env.to, encrypted: true };
  }
  if (row.encrypt_to_reporter && row.report_id) {
    const keys = await reporterKeyForMail(ctx, row.report_id);
    if (keys) {
      const inner = await buildInnerEntity(env.text);
      const armored = await encryptForRecipient(inner, { recipientPublicKey: keys.reporterKey, ...(keys.signingKey ? { signingKey: keys.signingKey } : {}), mode: 'binary', now: ctx.now() });
      return { raw: buildPgpMimeMessage(parts, pgpMimeEnvelope(armored, newBoundary())), to: env.to, encrypted: true };
    }
  }
  return { raw: await buildPlainMessage(parts), to: env.to, encrypted: false };
}

/**
 * One outbox pass: claim, send, mark. A failed send goes back to pending with exponential backoff, and is marked
 * failed (visible in the outbox view) after the configured number of attempts. Returns how many mails were sent
 * or given up on.
 */
export async function drainOutbox(ctx: ServiceContext, limit = 20): Promise<number> {
  const settings = ctx.mail;
  if (!settings) return 0;
  const rows = await claimDue(ctx, limit);
  let handled = 0;
  for (const row of rows) {
    // A failure is recorded only while the row holds the lease we took (another instance may be sending it now).
    let lease = new Date(row.claimed_until ?? 0);
    try {
      const { raw, to } = await renderOutboxRow(ctx, settings, row);
      // The mails are sent one after another: a slow relay may have used up this row's lease on the rows before it,
      // and another instance may have claimed it since. Take the lease again, from now, or leave it to that instance.
      const renewed = new Date(ctx.now().getTime() + LEASE_MS);
      const kept = await ctx.db
        .updateTable('outbox')
        .set({ claimed_until: renewed })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('claimed_until', '=', lease)
        .where('claimed_until', '>', ctx.now())
        .executeTakeFirst();
      if (!Number(kept.numUpdatedRows)) continue;
      lease = renewed;
      // Bounces go out with the null sender (RFC 5321 §4.5.5) so that a bounce of a bounce is never sent. The send
      // has one time limit, far inside the lease just taken: a relay that answers slowly or trickles bytes (idle
      // timeouts never fire) cannot keep it going until another instance takes the row and sends it again.
      const limitMs = Math.min(settings.sendTimeoutMs, LEASE_MS / 2);
      const limit = AbortSignal.timeout(limitMs);
      try {
        await settings.transport.send({ from: row.kind === 'bounce' ? '' : settings.from, to }, raw, limit);
      } catch (e) {
        if (!limit.aborted) throw e;
        throw new Error(`no answer from the relay within ${Math.round(limitMs / 1000)} s: the send was aborted and is retried`);
      }
      // Sent is sent, lease or not: recorded so that nobody sends it again.
      await ctx.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: ctx.now(), claimed_until: null, last_error: null })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .execute();
      handled += 1;
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      const failed = row.attempts >= settings.maxAttempts;
      await ctx.db
        .updateTable('outbox')
        .set({
          status: failed ? 'failed' : 'pending',
          claimed_until: null,
          last_error: message,
          next_attempt_at: new Date(ctx.now().getTime() + retryDelayMs(row.attempts, settings.retryBaseMs)),
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('claimed_until', '=', lease)
        .execute();
      if (failed) handled += 1;
    }
  }
  return handled;
}
