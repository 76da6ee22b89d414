import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { checkWebhookUrl, WebhookRefusedError } from '../../adapters/webhooks/http-post.ts';
import { DomainError } from '../../core/errors.ts';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { isEventType, WEBHOOK_FORMATS, type EventType, type WebhookFormat } from '../../core/notifications/events.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';

/**
 * A project's webhooks (project admins): endpoints, the event types each wants, their payload format, their
 * deliveries. The secret and the URL are sealed at rest; neither is ever answered after creation (the URL is
 * shown with its path hidden, since a chat webhook's URL is itself a credential).
 */
export interface WebhookInfo {
  id: string;
  urlDisplay: string;
  format: WebhookFormat;
  events: EventType[];
  active: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookInput {
  url: string;
  secret: string;
  events: string[];
  format?: WebhookFormat;
}

const MAX_PER_PROJECT = 20;
const MAX_URL = 2000;
const urlAad = (id: string) => `webhook:${id}:url`;
const secretAad = (id: string) => `webhook:${id}:secret`;

/** The URL as listed: scheme, host and port; the path and query (where tokens live) hidden. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname === '/' && !url.search ? '/' : '/…'}`;
}

function checkUrl(ctx: ServiceContext, raw: string): URL {
  if (raw.length > MAX_URL) throw DomainError.validation([{ field: 'url', message: `must be at most ${MAX_URL} characters` }]);
  try {
    return checkWebhookUrl(raw.trim(), ctx.webhooks.allowHosts);
  } catch (e) {
    if (e instanceof WebhookRefusedError) throw DomainError.validation([{ field: 'url', message: e.message }]);
    throw e;
  }
}

function checkEvents(events: string[]): EventType[] {
  const unique = [...new Set(events)];
  if (!unique.length) throw DomainError.validation([{ field: 'events', message: 'name at least one event type' }]);
  const bad = unique.find((e) => !isEventType(e));
  if (bad !== undefined) throw DomainError.validation([{ field: 'events', message: `${bad} is not an event type` }]);
  return unique as EventType[];
}

function checkSecret(secret: string): string {
  if (secret.length < 16 || secret.length > 256) throw DomainError.validation([{ field: 'secret', message: 'must be 16 to 256 characters' }]);
  return secret;
}

function checkFormat(format: string | undefined): WebhookFormat {
  const f = format ?? 'json';
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(f)) throw DomainError.validation([{ field: 'format', message: `must be one of ${WEBHOOK_FORMATS.join(', ')}` }]);
  return f as WebhookFormat;
}

type Row = { id: string; url_display: string; format: WebhookFormat; events: unknown; active: boolean; created_by: string; created_at: Date; updated_at: Date };
const COLUMNS = ['id', 'url_display', 'format', 'events', 'active', 'created_by', 'created_at', 'updated_at'] as const;
const toInfo = (r: Row): WebhookInfo => ({
  id: r.id,
  urlDisplay: r.url_display,
  format: r.format,
  events: (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as EventType[],
  active: r.active,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** The URL and secret of a webhook, for the delivery job only. */
export function openWebhookSecrets(ctx: ServiceContext, hook: { id: string; url_sealed: Uint8Array; secret_sealed: Uint8Array; key_id: string }): { url: string; secret: string } {
  return {
    url: ctx.sealer.open(hook.key_id, hook.url_sealed, urlAad(hook.id)).toString('utf8'),
    secret: ctx.sealer.open(hook.key_id, hook.secret_sealed, secretAad(hook.id)).toString('utf8'),
  };
}

export async function listWebhooks(ctx: ServiceContext, project: { id: string }, actor: Actor | null): Promise<WebhookInfo[]> {
  authorize(actor, 'webhook:manage');
  const rows = await ctx.db.selectFrom('webhooks').select(COLUMNS).where('project_id', '=', project.id).orderBy('created_at').orderBy('id').execute();
  return rows.map(toInfo);
}

export async function createWebhook(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string, input: WebhookInput): Promise<WebhookInfo> {
  authorize(actor, 'webhook:manage');
  const url = checkUrl(ctx, input.url);
  const events = checkEvents(input.events);
  const secret = checkSecret(input.secret);
  const format = checkFormat(input.format);
  const id = randomUUID();
  const now = ctx.now();
  // Both values sealed with the active key: one key id for the row.
  const sealedUrl = ctx.sealer.seal(url.href, urlAad(id));
  const sealedSecret = ctx.sealer.seal(secret, secretAad(id));
  return ctx.db.transaction().execute(async (tx) => {
    const count = await tx.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', project.id).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_PER_PROJECT) throw DomainError.validation([{ field: 'url', message: `a project has at most ${MAX_PER_PROJECT} webhooks` }]);
    const row = await tx
      .insertInto('webhooks')
      .values({
        id,
        project_id: project.id,
        url_sealed: sealedUrl.sealed,
        url_display: displayUrl(url),
        format,
        events: JSON.stringify(events),
        secret_sealed: sealedSecret.sealed,
        key_id: sealedSecret.keyId,
        active: true,
        created_by: actorLabel,
        created_at: now,
        updated_at: now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await appendAudit(tx, { actor: actorLabel, action: 'webhook.created', projectId: project.id, data: { webhook: id, url: displayUrl(url), events, format } }, now);
    return toInfo(row);
  });
}

export interface WebhookPatch {
  url?: string;
  secret?: string;
  events?: string[];
  format?: WebhookFormat;
  active?: boolean;
}

export async function updateWebhook(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string, id: string, patch: WebhookPatch): Promise<WebhookInfo> {
  authorize(actor, 'webhook:manage');
  const now = ctx.now();
  const url = patch.url !== undefined ? checkUrl(ctx, patch.url) : null;
  const events = patch.events !== undefined ? checkEvents(patch.events) : null;
  const secret = patch.secret !== undefined ? checkSecret(patch.secret) : null;
  const format = patch.format !== undefined ? checkFormat(patch.format) : null;
  return ctx.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('webhooks').select(['id', 'key_id', 'url_sealed', 'secret_sealed']).where('project_id', '=', project.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new DomainError('not_found', 'No such webhook');
    // A new URL or secret re-seals both under the active key, so the row keeps one key id.
    const reseal = url !== null || secret !== null;
    const opened = reseal ? openWebhookSecrets(ctx, current) : null;
    const sealed = opened
      ? { url_sealed: ctx.sealer.seal(url?.href ?? opened.url, urlAad(id)).sealed, secret_sealed: ctx.sealer.seal(secret ?? opened.secret, secretAad(id)).sealed, key_id: ctx.sealer.activeKeyId }
      : {};
    const row = await tx
      .updateTable('webhooks')
      .set({
        ...sealed,
        ...(url ? { url_display: displayUrl(url) } : {}),
        ...(events ? { events: JSON.stringify(events) } : {}),
        ...(format ? { format } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    const changed = { ...(url ? { url: displayUrl(url) } : {}), ...(events ? { events } : {}), ...(format ? { format } : {}), ...(patch.active !== undefined ? { active: patch.active } : {}), ...(secret ? { secret: 'rotated' } : {}) };
    await appendAudit(tx, { actor: actorLabel, action: 'webhook.updated', projectId: project.id, data: { webhook: id, ...changed } }, now);
    return toInfo(row);
  });
}

export async function deleteWebhook(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string, id: string): Promise<void> {
  authorize(actor, 'webhook:manage');
  const now = ctx.now();
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('webhooks').where('project_id', '=', project.id).where('id', '=', id).returning(['url_display']).executeTakeFirst();
    if (!gone) throw new DomainError('not_found', 'No such webhook');
    await appendAudit(tx, { actor: actorLabel, action: 'webhook.deleted', projectId: project.id, data: { webhook: id, url: gone.url_display } }, now);
  });
}

export interface DeliveryAttempt {
  attempt: number;
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryInfo {
  id: string;
  event: string;
  status: string;
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  redeliveryOf: string | null;
}

const MAX_DELIVERIES = 100;

/** The webhook's most recent deliveries (newest first, at most 100), each with its attempts. */
export async function listDeliveries(ctx: ServiceContext, project: { id: string }, actor: Actor | null, webhookId: string, opts: { limit?: number } = {}): Promise<DeliveryInfo[]> {
  authorize(actor, 'webhook:manage');
  const hook = await ctx.db.selectFrom('webhooks').select('id').where('project_id', '=', project.id).where('id', '=', webhookId).executeTakeFirst();
  if (!hook) throw new DomainError('not_found', 'No such webhook');
  const rows = await ctx.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event', 'status', 'next_attempt_at', 'created_at', 'delivered_at', 'redelivery_of'])
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, opts.limit ?? 50), MAX_DELIVERIES))
    .execute();
  const attempts = rows.length
    ? await ctx.db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(sql<boolean>`delivery_id = any(${rows.map((r) => r.id)}::uuid[])`)
        .orderBy('attempt')
        .execute()
    : [];
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({ attempt: Number(a.attempt), at: new Date(a.at), statusCode: a.status_code === null ? null : Number(a.status_code), durationMs: Number(a.duration_ms), error: a.error });
    byDelivery.set(a.delivery_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    event: r.event,
    status: r.status,
    attempts: byDelivery.get(r.id) ?? [],
    nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at) : null,
    createdAt: new Date(r.created_at),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
    redeliveryOf: r.redelivery_of,
  }));
}

/**
 * Sends a delivery's event again, as a new delivery (a new X-Embargo-Delivery id, `redelivery_of` naming the
 * first) queued now: a receiver that deduplicates by delivery id still takes a redelivery someone asked for.
 */
export async function redeliver(ctx: ServiceContext, project: { id: string }, actor: Actor | null, actorLabel: string, webhookId: string, deliveryId: string): Promise<DeliveryInfo> {
  authorize(actor, 'webhook:manage');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    const original = await tx
      .selectFrom('webhook_deliveries')
      .select(['id', 'event', 'payload', 'event_id'])
      .where('project_id', '=', project.id)
      .where('webhook_id', '=', webhookId)
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!original) throw new DomainError('not_found', 'No such delivery');
    const id = randomUUID();
    const payload = typeof original.payload === 'string' ? original.payload : JSON.stringify(original.payload);
    await tx
      .insertInto('webhook_deliveries')
      .values({ id, webhook_id: webhookId, project_id: project.id, event_id: original.event_id, event: original.event, payload, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, redelivery_of: original.id })
      .execute();
    await appendAudit(tx, { actor: actorLabel, action: 'webhook.redelivered', projectId: project.id, data: { webhook: webhookId, delivery: original.id, redelivery: id } }, now);
    return { id, event: original.event, status: 'pending', attempts: [], nextAttemptAt: now, createdAt: now, deliveredAt: null, redeliveryOf: original.id };
  });
}
