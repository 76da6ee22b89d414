import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { postWebhook, WebhookRefusedError } from '../../adapters/webhooks/http-post.ts';
import { renderWebhookBody, type WebhookBody, type WebhookFormat } from '../../core/notifications/events.ts';
import type { ServiceContext } from '../context.ts';
import type { StoredPayload } from './fan-out.ts';
import { openWebhookSecrets } from './webhooks.ts';


export const WEBHOOK_MAX_ATTEMPTS = 8;
export const WEBHOOK_RETRY_BASE_MS = 30_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'Embargo-Webhook/1';
const MAX_BACKOFF_MS = 6 * 3600_000;
/** Endpoints (webhooks) a pass sends to at once; each endpoint still gets its deliveries one at a time, in order. */
export const WEBHOOK_CONCURRENCY = 4;

/** Exponential backoff after the n-th failed attempt (n ≥ 1): base, 2·base, 4·base … capped at six hours. */
export const webhookRetryDelayMs = (attempts: number): number => Math.min(MAX_BACKOFF_MS, WEBHOOK_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));

/** `sha256=<hex HMAC-SHA256 of the raw body>`: GitHub's X-Hub-Signature-256 scheme, so its verifiers work. */
export const signBody = (secret: string, raw: Buffer): string => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

interface Claimed {
  id: string;
  webhook_id: string;
  event: string;
  payload: StoredPayload | string;
  attempts: number;
  claimed_until: Date;
  redelivery_of: string | null;
}

/**
 * Claims due deliveries in one statement (as the outbox does, src/services/mail/delivery.ts): pending ones whose
 * time has come and sending ones whose lease ran out; FOR UPDATE SKIP LOCKED gives instances disjoint rows and
 * the UPDATE re-checks that each row is still due. The attempt is counted at the claim.
 */
async function claimDue(ctx: ServiceContext, limit: number, leaseMs: number): Promise<Claimed[]> {
  const now = ctx.now();
  const lease = new Date(now.getTime() + leaseMs);
  const result = await sql<Claimed>`
    with due as materialized (
      select id from webhook_deliveries
      where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and claimed_until < ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update webhook_deliveries d set status = 'sending', claimed_until = ${lease}, attempts = d.attempts + 1
    from due
    where d.id = due.id
      and ((d.status = 'pending' and d.next_attempt_at <= ${now}) or (d.status = 'sending' and d.claimed_until < ${now}))
    returning d.id, d.webhook_id, d.event, d.payload, d.attempts, d.claimed_until, d.redelivery_of`.execute(ctx.db);
  return result.rows.map((r) => ({ ...r, attempts: Number(r.attempts), claimed_until: new Date(r.claimed_until) }));
}

/** The exact bytes and headers of one send of a delivery. */
export function renderDelivery(d: { id: string; redelivery_of: string | null }, payload: StoredPayload, format: WebhookFormat, secret: string, now: Date) {
  const { type: _type, ...data } = payload.event;
  const body: WebhookBody = {
    id: d.id,
    event: payload.event.type,
    timestamp: now.toISOString(),
    occurred_at: payload.occurred_at,
    project: payload.project,
    link: payload.link,
    data,
    ...(d.redelivery_of ? { redelivery_of: d.redelivery_of } : {}),
  };
  const raw = Buffer.from(JSON.stringify(renderWebhookBody(format, body, payload.event)), 'utf8');
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-embargo-event': payload.event.type,
    'x-embargo-delivery': d.id,
    'x-embargo-signature-256': signBody(secret, raw),
  };
  return { raw, headers };
}

/**
 * One delivery pass: claim, POST, record. A 2xx answer delivers; anything else (another status, a redirect, a
 * timeout, a refused address) is an attempt recorded with its status code, response time and error, retried
 * with exponential backoff (30 s, 1 min, 2 min … capped at 6 h) and failed after WEBHOOK_MAX_ATTEMPTS.
 *
 * The record is written only while our lease holds (`claimed_until` unchanged): a process that dies between the
 * POST and the record leaves the row to be claimed again after the lease, so the receiver may see the same
 * delivery twice — with the same X-Embargo-Delivery id, by which it deduplicates (docs/notifications.md).
 *
 * The claimed rows are queued per endpoint (webhook), in claim order, and up to WEBHOOK_CONCURRENCY endpoints are
 * sent to at once: an endpoint that always times out holds up only its own queue, not other projects' webhooks.
 */
export async function deliverDueWebhooks(ctx: ServiceContext, limit = 20): Promise<number> {
  // A POST never outlives its time limit, so a lease of three of them and a margin is never taken over mid-send.
  const leaseMs = ctx.webhooks.timeoutMs * 3 + 5_000;
  const rows = await claimDue(ctx, limit, leaseMs);
  const byEndpoint = new Map<string, Claimed[]>();
  for (const row of rows) byEndpoint.set(row.webhook_id, [...(byEndpoint.get(row.webhook_id) ?? []), row]);
  const queues = [...byEndpoint.values()];
  let handled = 0;
  const worker = async (): Promise<void> => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const row of queue) if (await deliverOne(ctx, row, leaseMs)) handled += 1;
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(WEBHOOK_CONCURRENCY, queues.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return handled;
}

/** Sends one claimed delivery and records the attempt; true when it ended (delivered or failed for good). */
async function deliverOne(ctx: ServiceContext, row: Claimed, leaseMs: number): Promise<boolean> {
  const settings = ctx.webhooks;
  // The rows of an endpoint are sent one after another: a slow receiver before this row may have used up its lease,
  // and another instance may have claimed it since. Take the lease again, from now, or leave the row to whoever holds it.
  const lease = new Date(ctx.now().getTime() + leaseMs);
  const renewed = await ctx.db
    .updateTable('webhook_deliveries')
    .set({ claimed_until: lease })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('claimed_until', '=', row.claimed_until)
    .where('claimed_until', '>', ctx.now())
    .executeTakeFirst();
  if (!Number(renewed.numUpdatedRows)) return false;
  row.claimed_until = lease;
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as StoredPayload;
  const hook = await ctx.db.selectFrom('webhooks').select(['id', 'url_sealed', 'format', 'secret_sealed', 'key_id', 'active']).where('id', '=', row.webhook_id).executeTakeFirst();
  let status: number | null = null;
  let error: string | null = null;
  let durationMs = 0;
  if (!hook?.active) error = 'the webhook was disabled';
  else {
    const { url, secret } = openWebhookSecrets(ctx, hook);
    const { raw, headers } = renderDelivery(row, payload, hook.format, secret, ctx.now());
    const started = performance.now();
    try {
      const res = await postWebhook(url, raw, headers, { timeoutMs: settings.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES, allowHosts: settings.allowHosts });
      status = res.status;
      durationMs = res.durationMs;
      if (status >= 300 && status < 400) error = `redirect (${status}) not followed`;
      else if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      durationMs = Math.round(performance.now() - started);
      error = (e instanceof WebhookRefusedError ? `refused: ${e.message}` : e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
  }
  const ok = error === null;
  const failed = !ok && (row.attempts >= WEBHOOK_MAX_ATTEMPTS || !hook?.active);
  const now = ctx.now();
  const recorded = await ctx.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('webhook_deliveries')
      .set({
        status: ok ? 'delivered' : failed ? 'failed' : 'pending',
        claimed_until: null,
        last_status: status,
        last_error: error,
        last_duration_ms: durationMs,
        ...(ok ? { delivered_at: now } : { next_attempt_at: new Date(now.getTime() + webhookRetryDelayMs(row.attempts)) }),
      })
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('claimed_until', '=', row.claimed_until)
      .executeTakeFirst();
    if (!Number(updated.numUpdatedRows)) return false; // Our lease ran out and another instance took the row.
    await tx.insertInto('webhook_attempts').values({ delivery_id: row.id, attempt: row.attempts, at: now, status_code: status, duration_ms: durationMs, error }).execute();
    return true;
  });
  return recorded && (ok || failed);
}
