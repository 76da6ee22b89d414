import { Command, InvalidArgumentError, Option } from 'commander';
import { presentSlaEntry } from '../../api/present.ts';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, withServices } from '../database.ts';
import { humanDuration, out, table } from '../output.ts';
import { MAX_PAGE_SIZE } from '../../services/paging.ts';

/**
 * The JSON of GET /api/v1/projects/:slug/sla with every page joined (so `next_cursor` is null); database mode builds
 * the same with the same presenter.
 */
interface SlaJson {
  project: string;
  now: string;
  deadlines: ReturnType<typeof presentSlaEntry>[];
  next_cursor: string | null;
}

const hoursArg = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of hours >= 0');
  return n;
};

/** Pages of the largest size the API gives, followed to the end. */
async function load(slug: string, hours: number | undefined): Promise<SlaJson> {
  const api = apiFromEnv(process.env);
  if (api) {
    const base = `/api/v1/projects/${encodeURIComponent(slug)}/sla?limit=${MAX_PAGE_SIZE}${hours === undefined ? '' : `&due_within_hours=${hours}`}`;
    let page = await api.request<SlaJson>('GET', base);
    const deadlines = [...page.deadlines];
    while (page.next_cursor) {
      page = await api.request<SlaJson>('GET', `${base}&cursor=${encodeURIComponent(page.next_cursor)}`);
      deadlines.push(...page.deadlines);
    }
    return { project: page.project, now: page.now, deadlines, next_cursor: null };
  }
  return withServices(process.env, { bootstrap: false }, async (ctx) => {
    const [{ getProject }, { slaView }] = await Promise.all([import('../../services/projects/projects.ts'), import('../../services/reports/sla.ts')]);
    const project = await getProject(ctx.db, slug);
    const filter = hours === undefined ? {} : { dueWithinMs: hours * 3_600_000 };
    const deadlines: SlaJson['deadlines'] = [];
    let cursor: string | undefined;
    do {
      const page = await slaView(ctx, project, CLI_ACTOR, { ...filter, limit: MAX_PAGE_SIZE, cursor });
      deadlines.push(...page.items.map(presentSlaEntry));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { project: project.slug, now: ctx.now().toISOString(), deadlines, next_cursor: null };
  });
}

export const slaCommand = (): Command =>
  new Command('sla')
    .description('outstanding SLA deadlines of open reports, breached first, then soonest due')
    .argument('<slug>', 'project slug')
    .option('--json', 'print the API JSON instead of a table')
    .addOption(new Option('--due-within-hours <hours>', 'only breached deadlines and those due within this many hours').argParser(hoursArg))
    .action(async (slug: string, opts: { json?: boolean; dueWithinHours?: number }) => {
      const view = await load(slug, opts.dueWithinHours);
      if (opts.json) return out(JSON.stringify(view, null, 2));
      if (!view.deadlines.length) return out(`No outstanding deadlines in ${view.project}.`);
      const rows = view.deadlines.map((d) => [
        d.tracking_id,
        d.state,
        d.severity ?? '-',
        d.clock,
        d.status,
        d.due_at,
        d.remaining_ms === null ? '-' : humanDuration(d.remaining_ms),
      ]);
      out(table(['TRACKING ID', 'STATE', 'SEVERITY', 'CLOCK', 'STATUS', 'DUE', 'REMAINING'], rows));
    });
