import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import { authorize } from '../../core/access/permissions.ts';
import { aad } from '../reports/store.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { ServiceContext } from '../context.ts';
import type { CaseCaller } from './access.ts';
import { raiseEvent, reportRef } from '../events/raise.ts';

/**
 * The party thread (issue 19): one thread per case, read by every party and the maintainers, apart from the
 * reporter thread and the internal notes (table `messages`, which no case route reads). Each party's unread marker
 * is the last `seq` it read; its own messages never count as unread.
 */

export const PAGE = 50;
const MAX_MESSAGE = 100_000;

export interface CaseMessageView {
  id: string;
  seq: number;
  author_name: string;
  /** The party that wrote it; null for the project's maintainers. */
  party_id: string | null;
  body: string;
  created_at: Date;
}

const messageAad = (reportId: string, id: string) => aad(reportId, `case-message:${id}`);

export async function postCaseMessage(ctx: ServiceContext, caller: CaseCaller, input: { body: string }): Promise<CaseMessageView> {
  if (caller.kind === 'maintainer') authorize(caller.actor, 'report:reply');
  const body = input.body.trim();
  if (!body) throw DomainError.validation([{ field: 'body', message: 'is required' }]);
  if (body.length > MAX_MESSAGE) throw DomainError.validation([{ field: 'body', message: `must be at most ${MAX_MESSAGE} characters` }]);
  const now = ctx.now();
  const id = randomUUID();
  const reportId = caller.report.id;
  const partyId = caller.kind === 'party' ? caller.party.id : null;
  const sealed = ctx.sealer.seal(body, messageAad(reportId, id));
  return ctx.db.transaction().execute(async (tx) => {
    const authorName =
      caller.kind === 'party'
        ? caller.party.name
        : `${(await tx.selectFrom('users').select('name').where('id', '=', caller.actor.userId).executeTakeFirst())?.name ?? 'Maintainer'} (${caller.project.name})`;
    const row = await tx
      .insertInto('case_messages')
      .values({ id, report_id: reportId, party_id: partyId, author_user_id: caller.kind === 'party' ? caller.party.userId : caller.actor.userId, author_name: authorName, body_sealed: sealed.sealed, key_id: sealed.keyId, created_at: now })
      .returning('seq')
      .executeTakeFirstOrThrow();
    // Writing in the thread means having read it up to here.
    if (partyId) await tx.updateTable('case_parties').set({ last_read_seq: sql`greatest(last_read_seq, ${row.seq})` }).where('id', '=', partyId).execute();
    await appendAudit(tx, { actor: caller.label, action: 'case.message', projectId: caller.project.id, reportId, data: { message: id } }, now);
    await raiseEvent(tx, caller.project.id, { type: 'case.message_created', report: await reportRef(tx, reportId), message_id: id, party_id: partyId }, now);
    return { id, seq: Number(row.seq), author_name: authorName, party_id: partyId, body, created_at: now };
  });
}

/** A page of the thread, oldest first: the latest PAGE messages, or those before `before` (a seq). */
export async function caseMessages(ctx: ServiceContext, caller: CaseCaller, opts: { before?: number | undefined; limit?: number | undefined } = {}): Promise<CaseMessageView[]> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE, 1), 200);
  let q = ctx.db
    .selectFrom('case_messages')
    .select(['id', 'seq', 'author_name', 'party_id', 'body_sealed', 'key_id', 'created_at'])
    .where('report_id', '=', caller.report.id);
  if (opts.before !== undefined) q = q.where('seq', '<', String(opts.before));
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse().map((m) => ({
    id: m.id,
    seq: Number(m.seq),
    author_name: m.author_name,
    party_id: m.party_id,
    body: ctx.sealer.open(m.key_id, m.body_sealed, messageAad(caller.report.id, m.id)).toString('utf8'),
    created_at: m.created_at,
  }));
}

/** Unread messages of the calling party: written by others after its marker (0 for maintainers, who have none). */
export async function unreadCount(ctx: ServiceContext, caller: CaseCaller): Promise<number> {
  if (caller.kind !== 'party') return 0;
  const r = await ctx.db
    .selectFrom('case_messages')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('report_id', '=', caller.report.id)
    .where('seq', '>', String(caller.party.lastReadSeq))
    .where((e) => e.or([e('party_id', 'is', null), e('party_id', '!=', caller.party.id)]))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Moves the party's marker forward to `seq` (never back: a stale tab cannot mark read messages unread). */
export async function markRead(ctx: ServiceContext, caller: CaseCaller, seq: number): Promise<{ last_read_seq: number; unread: number }> {
  if (caller.kind !== 'party') throw new DomainError('forbidden', 'Unread markers are kept per party');
  const max = await ctx.db.selectFrom('case_messages').select((e) => e.fn.max('seq').as('m')).where('report_id', '=', caller.report.id).executeTakeFirst();
  const upTo = Math.min(seq, Number(max?.m ?? 0));
  const row = await ctx.db
    .updateTable('case_parties')
    .set({ last_read_seq: sql`greatest(last_read_seq, ${upTo})` })
    .where('id', '=', caller.party.id)
    .returning('last_read_seq')
    .executeTakeFirstOrThrow();
  const marker = Number(row.last_read_seq);
  return { last_read_seq: marker, unread: await unreadCount(ctx, { ...caller, party: { ...caller.party, lastReadSeq: marker } }) };
}
