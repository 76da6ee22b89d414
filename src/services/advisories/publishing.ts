/**
 * Scheduled publication and the public side: the publish job's atomic claim, and reads of what is public
 * (published, amended or withdrawn advisories, stored in clear) for pages, feeds and the CSAF provider.
 */
import { transitionAdvisory, type Advisory } from '../../core/advisories/index.ts';
import { DomainError } from '../../core/errors.ts';
import { documentOf } from './store.ts';
import { saveTransition } from './advisories.ts';
import type { ServiceContext } from '../context.ts';
import { findProject, getProject, type ProjectRecord } from '../projects/projects.ts';

export const PUBLISH_JOB_ACTOR = 'job:publish-advisories';

/**
 * How late after its scheduled instant the job may publish and still date the publication at that instant
 * (docs/sla.md, "Scheduled publication"). The job ticks every minute, so it always runs a little after the
 * instant: that is the schedule working, and the agreed disclosure date is met. Five minutes also covers a slow
 * tick or a restart; a publication later than that (the server was down) is dated when it happened, and a
 * missed deadline stays on record.
 */
export const SCHEDULE_GRACE_MS = 5 * 60_000;
const PUBLIC = ['published', 'amended', 'withdrawn'];

/**
 * Publishes scheduled advisories whose date has come, up to `limit`. Each one is claimed by
 * `UPDATE … SET state = 'published' WHERE id = ? AND state = 'scheduled' AND publish_at <= now RETURNING`:
 * on PostgreSQL a second instance's UPDATE waits for the first's row lock, re-checks `state`, and matches
 * nothing, so each advisory is published (revision, audit entry, report effects, mail) exactly once.
 */
export async function publishDueAdvisories(ctx: ServiceContext, limit = 20): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db
    .selectFrom('advisories')
    .select(['id', 'project_id'])
    .where('state', '=', 'scheduled')
    .where('publish_at', '<=', now)
    .orderBy('publish_at')
    .limit(limit)
    .execute();
  let published = 0;
  const failures: unknown[] = [];
  for (const candidate of due) {
    // One advisory that cannot be published (its key gone, say) must not hold back the others behind it.
    const done = await publishOne(ctx, candidate.id, now).catch((e: unknown) => {
      failures.push(e);
      return false;
    });
    if (done) published++;
  }
  if (failures.length) {
    const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
    throw new AggregateError(failures, `published ${published}, ${failures.length} failed: ${first}`);
  }
  return published;
}

/** One advisory: the claim, then everything publication writes, in one transaction (false: someone else had it). */
function publishOne(ctx: ServiceContext, id: string, now: Date): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('advisories')
      .set({ state: 'published' })
      .where('id', '=', id)
      .where('state', '=', 'scheduled')
      .where('publish_at', '<=', now)
      .returningAll()
      .executeTakeFirst();
    if (!claimed) return false;
    const project = await tx.selectFrom('projects').select('slug').where('id', '=', claimed.project_id).executeTakeFirstOrThrow();
    const record = await getProject(tx, project.slug);
    const current = documentOf(ctx, claimed);
    const scheduledFor = claimed.publish_at;
    const datedAt = scheduledFor && now.getTime() - scheduledFor.getTime() <= SCHEDULE_GRACE_MS ? scheduledFor : now;
    // The document still says `scheduled`: the claim only changed the column.
    const next = transitionAdvisory(current, { to: 'published', at: `${datedAt.toISOString().slice(0, 19)}Z` });
    await saveTransition(ctx, tx, record, { row: claimed, from: current, next, actorLabel: PUBLISH_JOB_ACTOR, at: now, datedAt, note: null });
    return true;
  });
}

export interface PublicAdvisory {
  advisory: Advisory;
  project: ProjectRecord;
}

/** The project of a public page; unknown slugs are 404 like unknown advisories. */
export async function publicProject(ctx: ServiceContext, slug: string): Promise<ProjectRecord> {
  const p = await findProject(ctx.db, slug);
  if (!p) throw new DomainError('not_found', `No project "${slug}"`);
  return p;
}

/** Public advisories of a project, newest publication first. */
export async function listPublicAdvisories(ctx: ServiceContext, project: ProjectRecord): Promise<Advisory[]> {
  const rows = await ctx.db
    .selectFrom('advisories')
    .select(['id', 'document', 'document_sealed', 'key_id'])
    .where('project_id', '=', project.id)
    .where('state', 'in', PUBLIC)
    .orderBy('published_at', 'desc')
    .orderBy('public_id', 'desc')
    .execute();
  return rows.map((r) => documentOf(ctx, r));
}

/** One public advisory; drafts, reviews and scheduled ones do not exist for the public (404). */
export async function readPublicAdvisory(ctx: ServiceContext, project: ProjectRecord, publicId: string): Promise<Advisory> {
  const row = await ctx.db
    .selectFrom('advisories')
    .select(['id', 'document', 'document_sealed', 'key_id'])
    .where('project_id', '=', project.id)
    .where('public_id', '=', publicId)
    .where('state', 'in', PUBLIC)
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No published advisory ${publicId} in ${project.slug}`);
  return documentOf(ctx, row);
}

/** Every public advisory of every project (the CSAF provider publishes them all under one publisher URL). */
export async function allPublicAdvisories(ctx: ServiceContext): Promise<PublicAdvisory[]> {
  const rows = await ctx.db
    .selectFrom('advisories')
    .innerJoin('projects', 'projects.id', 'advisories.project_id')
    .select(['advisories.id', 'advisories.document', 'advisories.document_sealed', 'advisories.key_id', 'projects.slug'])
    .where('advisories.state', 'in', PUBLIC)
    .orderBy('advisories.published_at', 'desc')
    .orderBy('advisories.public_id', 'desc')
    .execute();
  const projects = new Map<string, ProjectRecord>();
  const out: PublicAdvisory[] = [];
  for (const r of rows) {
    let p = projects.get(r.slug);
    if (!p) projects.set(r.slug, (p = await getProject(ctx.db, r.slug)));
    out.push({ advisory: documentOf(ctx, r), project: p });
  }
  return out;
}
