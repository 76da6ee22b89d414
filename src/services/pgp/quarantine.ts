import { randomUUID } from 'node:crypto';
import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import type { QuarantineChannel } from '../../adapters/db/schema-pgp.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { raiseEvent } from '../events/raise.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';

/**
 * The quarantine: inbound mail or requests Embargo refused (garbage armor, wrong key, malformed MIME, a reply
 * from the wrong sender …). The raw bytes are kept sealed with the reason so nothing a reporter sent is lost;
 * a maintainer reads the item and records a resolution. Releasing may hand the item back to its channel: the
 * caller passes a `release` hook (mail: a held reply lands in the report's thread) that checks everything first
 * and returns a write done in the resolving transaction; without a hook the decision is only recorded.
 */

/** Checks a release is possible (throwing a 409 DomainError if not) and returns the write to run with the resolution. */
export type ReleaseHook = (item: QuarantineItem & { raw: Buffer }) => Promise<((tx: Tx) => Promise<Record<string, unknown>>) | null>;

export const QUARANTINE_CHANNELS = ['email', 'api', 'web'] as const;
export const QUARANTINE_RESOLUTIONS = ['discarded', 'released', 'answered', 'duplicate'] as const;
export type QuarantineResolution = (typeof QUARANTINE_RESOLUTIONS)[number];

export interface QuarantineInput {
  projectId: string | null;
  channel: QuarantineChannel;
  /** Machine-readable, e.g. a `PgpFailure` ('wrong_key', 'bad_armor' …) or 'bad_mime'. */
  reasonCode: string;
  /** What a maintainer reads: why the item was refused. */
  reason: string;
  sender: string | null;
  raw: Buffer;
}

export interface QuarantineItem {
  id: string;
  projectId: string | null;
  channel: QuarantineChannel;
  reasonCode: string;
  reason: string;
  sender: string | null;
  size: number;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
}

const rawAad = (id: string) => `quarantine:${id}:raw`;

const inTx = async <T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  db.isTransaction ? fn(db as Tx) : db.transaction().execute(fn);

/** Keeps a refused item (sealed) with its reason; audited in the same transaction. */
export async function quarantine(db: DbOrTx, ctx: ServiceContext, input: QuarantineInput): Promise<{ id: string }> {
  if (!(QUARANTINE_CHANNELS as readonly string[]).includes(input.channel)) throw new Error(`Unknown quarantine channel ${input.channel}`);
  const id = randomUUID();
  const sealed = ctx.sealer.seal(input.raw, rawAad(id));
  const now = ctx.now();
  await inTx(db, async (tx) => {
    await tx
      .insertInto('quarantine')
      .values({
        id,
        project_id: input.projectId,
        channel: input.channel,
        reason_code: input.reasonCode.slice(0, 100),
        reason: input.reason.slice(0, 2000),
        sender: input.sender?.slice(0, 500) ?? null,
        raw_sealed: sealed.sealed,
        key_id: sealed.keyId,
        size: input.raw.length,
        created_at: now,
      })
      .execute();
    await appendAudit(
      tx,
      { actor: 'system', action: 'quarantine.added', projectId: input.projectId, data: { id, channel: input.channel, reason_code: input.reasonCode, size: input.raw.length } },
      now,
    );
    // Held mail of a project tells its team (the sender is not in the event: it may be the reporter).
    if (input.projectId) await raiseEvent(tx, input.projectId, { type: 'mail.quarantined', quarantine: { id, channel: input.channel, reason_code: input.reasonCode.slice(0, 100) } }, now);
  });
  return { id };
}

type Row = {
  id: string;
  project_id: string | null;
  channel: QuarantineChannel;
  reason_code: string;
  reason: string;
  sender: string | null;
  size: number;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
};

const toItem = (r: Row): QuarantineItem => ({
  id: r.id,
  projectId: r.project_id,
  channel: r.channel,
  reasonCode: r.reason_code,
  reason: r.reason,
  sender: r.sender,
  size: Number(r.size),
  createdAt: new Date(r.created_at),
  resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
});

const COLUMNS = ['id', 'project_id', 'channel', 'reason_code', 'reason', 'sender', 'size', 'created_at', 'resolved_at', 'resolved_by', 'resolution'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The project's quarantine, newest first; `open` (default) hides resolved items. */
export async function listQuarantine(
  ctx: ServiceContext,
  project: ProjectRecord,
  actor: Actor | null,
  filter: { status?: 'open' | 'resolved' | 'all'; limit?: number } = {},
): Promise<QuarantineItem[]> {
  authorize(actor, 'quarantine:read');
  let q = ctx.db.selectFrom('quarantine').select(COLUMNS).where('project_id', '=', project.id).orderBy('created_at', 'desc').orderBy('id').limit(Math.min(filter.limit ?? 200, 500));
  const status = filter.status ?? 'open';
  if (status === 'open') q = q.where('resolved_at', 'is', null);
  if (status === 'resolved') q = q.where('resolved_at', 'is not', null);
  return (await q.execute()).map((r) => toItem(r as Row));
}

async function findItem(db: DbOrTx, project: ProjectRecord, id: string): Promise<Row & { raw_sealed: Uint8Array; key_id: string }> {
  const row = UUID.test(id)
    ? await db.selectFrom('quarantine').select([...COLUMNS, 'raw_sealed', 'key_id']).where('id', '=', id).where('project_id', '=', project.id).executeTakeFirst()
    : undefined;
  if (!row) throw new DomainError('not_found', 'No such quarantined item');
  return row as Row & { raw_sealed: Uint8Array; key_id: string };
}

/** One item with its raw bytes opened; every read is audited (the raw item may hold an unpublished report). */
export async function readQuarantineItem(
  ctx: ServiceContext,
  project: ProjectRecord,
  id: string,
  actor: Actor | null,
  actorLabel: string,
): Promise<QuarantineItem & { raw: Buffer }> {
  authorize(actor, 'quarantine:read');
  const row = await findItem(ctx.db, project, id);
  const raw = ctx.sealer.open(row.key_id, row.raw_sealed, rawAad(row.id));
  await ctx.db.transaction().execute((tx) =>
    appendAudit(tx, { actor: actorLabel, action: 'quarantine.read', projectId: project.id, data: { id: row.id } }, ctx.now()),
  );
  return { ...toItem(row), raw };
}

/** Records a maintainer's decision; an item is resolved once (409 afterwards). */
export async function resolveQuarantineItem(
  ctx: ServiceContext,
  project: ProjectRecord,
  id: string,
  actor: Actor | null,
  actorLabel: string,
  input: {
    resolution: QuarantineResolution;
    /** For `released`: hands the item back to its channel (see ReleaseHook); without it the decision is only recorded. */
    release?: ReleaseHook;
  },
): Promise<QuarantineItem> {
  const { resolution, release } = input;
  authorize(actor, 'quarantine:resolve');
  if (!(QUARANTINE_RESOLUTIONS as readonly string[]).includes(resolution)) {
    throw DomainError.validation([{ field: 'resolution', message: `must be one of: ${QUARANTINE_RESOLUTIONS.join(', ')}` }]);
  }
  let write: ((tx: Tx) => Promise<Record<string, unknown>>) | null = null;
  if (resolution === 'released' && release) {
    // Prepared outside the transaction (PGlite has one connection); the guarded update below keeps it once-only.
    const row = await findItem(ctx.db, project, id);
    if (row.resolved_at) throw new DomainError('conflict', 'This item is already resolved');
    write = await release({ ...toItem(row), raw: ctx.sealer.open(row.key_id, row.raw_sealed, rawAad(row.id)) });
  }
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    await findItem(tx, project, id);
    const updated = await tx
      .updateTable('quarantine')
      .set({ resolved_at: now, resolved_by: actorLabel, resolution })
      .where('id', '=', id)
      .where('project_id', '=', project.id)
      .where('resolved_at', 'is', null)
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!updated) throw new DomainError('conflict', 'This item is already resolved');
    const released = write ? await write(tx) : null;
    await appendAudit(tx, { actor: actorLabel, action: 'quarantine.resolved', projectId: project.id, data: { id, resolution, ...(released ? { released } : {}) } }, now);
    return toItem(updated as Row);
  });
}
