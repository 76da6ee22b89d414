import { Command } from 'commander';
import { presentHeldItem } from '../../api/present-review.ts';
import type { HeldDecision, HeldList } from '../../api/schemas/review.ts';
import { MAX_PAGE_SIZE } from '../../services/paging.ts';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { out, table } from '../output.ts';

/**
 * `embargo review list|release|discard`: a project's review queue of held submissions (docs/triage.md). Through
 * the API when EMBARGO_URL/EMBARGO_TOKEN are set, else the database; `list --json` prints the API's JSON with every
 * page joined (`next_cursor` null).
 */
const base = (slug: string) => `/api/v1/projects/${encodeURIComponent(slug)}/review`;

async function loadAll(slug: string): Promise<HeldList> {
  const api = apiFromEnv(process.env);
  if (api) {
    let page = await api.request<HeldList>('GET', `${base(slug)}?limit=${MAX_PAGE_SIZE}`);
    const items = [...page.items];
    while (page.next_cursor) {
      page = await api.request<HeldList>('GET', `${base(slug)}?limit=${MAX_PAGE_SIZE}&cursor=${encodeURIComponent(page.next_cursor)}`);
      items.push(...page.items);
    }
    return { total: page.total, items, next_cursor: null };
  }
  return withServices(process.env, { bootstrap: false }, async (ctx) => {
    const [{ getProject }, { listHeld }] = await Promise.all([import('../../services/projects/projects.ts'), import('../../services/reports/review.ts')]);
    const project = await getProject(ctx.db, slug);
    const items: HeldList['items'] = [];
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await listHeld(ctx, project, CLI_ACTOR, { limit: MAX_PAGE_SIZE, cursor });
      items.push(...page.items.map(presentHeldItem));
      total = page.total;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { total, items, next_cursor: null };
  });
}

const listCommand = (): Command =>
  new Command('list')
    .description('the held submissions of a project, oldest first: not reports until released')
    .argument('<slug>', 'project slug')
    .option('--json', 'print the API JSON instead of a table')
    .action(async (slug: string, opts: { json?: boolean }) => {
      const list = await loadAll(slug);
      if (opts.json) return out(JSON.stringify(list, null, 2));
      if (!list.items.length) return out(`Nothing is waiting for review in ${slug}.`);
      out(table(['TRACKING ID', 'REASON', 'SOURCE', 'RECEIVED', 'TITLE'], list.items.map((h) => [h.tracking_id, h.reason, h.source, h.received_at, h.title])));
    });

const decide = (action: 'release' | 'discard') => async (slug: string, trackingId: string) => {
  const api = apiFromEnv(process.env);
  const done = api
    ? await api.request<HeldDecision>('POST', `${base(slug)}/${encodeURIComponent(trackingId)}/${action}`)
    : await withServices(process.env, { bootstrap: false }, async (ctx) => {
        const [{ getProject }, review] = await Promise.all([import('../../services/projects/projects.ts'), import('../../services/reports/review.ts')]);
        const project = await getProject(ctx.db, slug);
        const decided = await (action === 'release' ? review.releaseHeld : review.discardHeld)(ctx, project, trackingId, CLI_ACTOR, CLI_LABEL);
        return { tracking_id: decided.trackingId };
      });
  out(action === 'release' ? `Released ${done.tracking_id}: it is a report in the queue now` : `Discarded ${done.tracking_id}: deleted, its sender's link opens nothing`);
};

export const reviewListCommand = listCommand;

export const reviewReleaseCommand = (): Command =>
  new Command('release')
    .description('release a held submission: it becomes a report (its clocks start, its sender is acknowledged now)')
    .argument('<slug>', 'project slug')
    .argument('<tracking-id>', 'the tracking ID its sender was given')
    .action(decide('release'));

export const reviewDiscardCommand = (): Command =>
  new Command('discard')
    .description("discard a held submission: it is deleted and its sender's link opens nothing")
    .argument('<slug>', 'project slug')
    .argument('<tracking-id>', 'the tracking ID its sender was given')
    .action(decide('discard'));
