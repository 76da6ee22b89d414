import { buildHallOfFame, type HallOfFame } from '../../core/recognition/hall-of-fame.ts';
import { DomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findProject, type ProjectRecord } from '../projects/projects.ts';

/** Published and amended advisories count; withdrawn ones and anything not yet public do not. */
const COUNTED_STATES = ['published', 'amended'];

const utcSeconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/**
 * A project's public Hall of Fame, from the credits its published advisories carry in clear (nothing sealed is
 * opened). A project whose policy keeps no Hall of Fame (`recognition.hall_of_fame: false`) has none: 404.
 */
export async function readHallOfFame(ctx: ServiceContext, slug: string): Promise<{ project: ProjectRecord; hallOfFame: HallOfFame }> {
  const project = await findProject(ctx.db, slug);
  if (!project) throw new DomainError('not_found', `No project "${slug}"`);
  if (!project.policy.recognition.hall_of_fame) throw new DomainError('not_found', `${project.name} keeps no Hall of Fame (recognition.hall_of_fame in its policy)`);
  const rows = await ctx.db
    .selectFrom('advisories')
    .select(['public_id', 'title', 'published_at', 'credits'])
    .where('project_id', '=', project.id)
    .where('state', 'in', COUNTED_STATES)
    .where('published_at', 'is not', null)
    .execute();
  const hallOfFame = buildHallOfFame(
    rows.map((r) => ({
      publicId: r.public_id,
      title: r.title ?? r.public_id,
      publishedAt: utcSeconds(r.published_at as Date),
      credits: (r.credits ?? []).map((c) => ({ name: c.name, type: c.type })),
    })),
  );
  return { project, hallOfFame };
}
