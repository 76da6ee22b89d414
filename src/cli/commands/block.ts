import { Command, Option } from 'commander';
import { presentBlock } from '../../api/present-review.ts';
import type { SenderBlock, SenderBlockList } from '../../api/schemas/review.ts';
import type { ServiceContext } from '../../services/context.ts';
import type { BlockScope } from '../../services/triage/blocks.ts';
import { apiFromEnv } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { out, table } from '../output.ts';

/**
 * `embargo block add|list|remove`: a project's blocked senders (docs/triage.md; the instance's are in the API and
 * the web UI). Through the API when EMBARGO_URL/EMBARGO_TOKEN are set, else the database; the JSON
 * printed is the API's (`presentBlock` in both modes).
 */
const KINDS = ['email', 'pgp', 'network'] as const;

const scopeOf = (slug: string) => ({ path: `/api/v1/projects/${encodeURIComponent(slug)}/blocks`, label: slug, slug });

/** Opens the database and resolves the scope there (database mode). */
function inDatabase<T>(slug: string, fn: (ctx: ServiceContext, scope: BlockScope, blocks: typeof import('../../services/triage/blocks.ts')) => Promise<T>): Promise<T> {
  return withServices(process.env, { bootstrap: false }, async (ctx) => {
    const [{ getProject }, blocks] = await Promise.all([import('../../services/projects/projects.ts'), import('../../services/triage/blocks.ts')]);
    const scope: BlockScope = { project: await getProject(ctx.db, slug) };
    return fn(ctx, scope, blocks);
  });
}

const describeBlock = (b: SenderBlock): string => (b.value ?? (b.from_report ? `the sender of ${b.from_report}` : '(hidden)'));

const addCommand = (): Command =>
  new Command('add')
    .description('block a sender by email address, OpenPGP fingerprint or network (IP or CIDR): their submissions wait in the review queue')
    .argument('<slug>', 'project slug')
    .argument('<value>', 'the address, fingerprint or network')
    .addOption(new Option('--kind <kind>', 'what the value is').choices(KINDS).default('email'))
    .option('--expires <date-time>', 'when the block ends (ISO 8601); default: indefinitely')
    .option('--note <text>', 'why (shown to maintainers)')
    .option('--json', 'print the API JSON')
    .action(async (slug: string, value: string, opts: { kind: (typeof KINDS)[number]; expires?: string; note?: string; json?: boolean }) => {
      const where = scopeOf(slug);
      const body = { kind: opts.kind, value, expires_at: opts.expires ?? null, note: opts.note ?? null };
      const api = apiFromEnv(process.env);
      const block = api
        ? await api.request<SenderBlock>('POST', where.path, body)
        : await inDatabase(where.slug, async (ctx, scope, { createBlock }) => presentBlock(await createBlock(ctx, scope, CLI_ACTOR, CLI_LABEL, { kind: body.kind, value, expiresAt: body.expires_at, note: body.note })));
      if (opts.json) return out(JSON.stringify(block, null, 2));
      out(`Blocked ${describeBlock(block)} (${block.kind}) for ${where.label}${block.expires_at ? ` until ${block.expires_at}` : ''}: block ${block.id}`);
    });

const listCommand = (): Command =>
  new Command('list')
    .description('the blocked senders, active first (lifted and expired ones too)')
    .argument('<slug>', 'project slug')
    .option('--json', 'print the API JSON instead of a table')
    .action(async (slug: string, opts: { json?: boolean }) => {
      const where = scopeOf(slug);
      const api = apiFromEnv(process.env);
      const list = api
        ? await api.request<SenderBlockList>('GET', where.path)
        : await inDatabase(where.slug, async (ctx, scope, { listBlocks }) => ({ blocks: (await listBlocks(ctx, scope, CLI_ACTOR)).map(presentBlock) }));
      if (opts.json) return out(JSON.stringify(list, null, 2));
      if (!list.blocks.length) return out(`No sender is blocked for ${where.label}.`);
      out(table(['ID', 'KIND', 'SENDER', 'ACTIVE', 'EXPIRES', 'NOTE'], list.blocks.map((b) => [b.id, b.kind, describeBlock(b), b.active ? 'yes' : 'no', b.expires_at ?? '-', b.note ?? ''])));
    });

const removeCommand = (): Command =>
  new Command('remove')
    .description('lift a block (it stays listed, lifted)')
    .argument('<slug>', 'project slug')
    .argument('<id>', 'the block id (embargo block list shows it)')
    .option('--json', 'print the API JSON')
    .action(async (slug: string, id: string, opts: { json?: boolean }) => {
      const where = scopeOf(slug);
      const api = apiFromEnv(process.env);
      const block = api
        ? await api.request<SenderBlock>('DELETE', `${where.path}/${encodeURIComponent(id)}`)
        : await inDatabase(where.slug, async (ctx, scope, { liftBlock }) => presentBlock(await liftBlock(ctx, scope, CLI_ACTOR, CLI_LABEL, id)));
      if (opts.json) return out(JSON.stringify(block, null, 2));
      out(`Lifted the block of ${describeBlock(block)} for ${where.label}`);
    });

export const blockAddCommand = addCommand;
export const blockListCommand = listCommand;
export const blockRemoveCommand = removeCommand;
