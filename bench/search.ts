/**
 * Queue search and the queue's v2 filters at scale (issue 17): the keyed blind index (report_search_terms, migration 0021) against the other
 * way of searching without plaintext at rest, decrypting every report and message of the project in memory.
 *
 *   npx tsx bench/search.ts                         (50,000 reports on PGlite)
 *   BENCH_SIZES=5000,50000 npx tsx bench/search.ts
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/search.ts   (PostgreSQL)
 *
 * Per size, a project is seeded by direct inserts: sealed titles (6 words) and bodies (~120 words, ~900 bytes) and
 * 0–6 sealed thread messages per report (~15 words each), words drawn from a 20,000-word vocabulary with a Zipf
 * distribution (so some words occur in most reports and most in few), plus planted words of known frequency. The
 * index is then filled by the job's own function (its throughput is printed), and every search is timed through
 * the real app (fastify inject, a site admin's token): median and p90 of BENCH_RUNS runs, next to GET /healthz
 * (the HTTP floor) measured in the same run. The peer, decrypt-in-memory, is run BENCH_PEER_RUNS times. Each
 * search's result is checked against the peer's (the same reports, by an independent reading of the plaintext).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../src/server/config.ts';
import { compose, type Runtime } from '../src/server/compose.ts';
import { savePolicy, type ProjectRecord } from '../src/services/projects/projects.ts';
import { createUser } from '../src/services/access/users.ts';
import { createApiToken } from '../src/services/access/tokens.ts';
import { indexOfNewReport } from '../src/services/reports/queue-index.ts';
import { indexPendingSearch, searchHashes } from '../src/services/reports/search-index.ts';
import { queueQuery } from '../src/services/reports/views.ts';
import { aad } from '../src/services/reports/store.ts';
import { termsOf, textOf } from '../src/core/search/terms.ts';
import { OPEN_STATES } from '../src/core/reports/states.ts';
import { sha256Hex } from '../src/adapters/crypto/tokens.ts';
import { rng, tempDir, freshPostgresDatabase } from './support.ts';

const SIZES = (process.env.BENCH_SIZES ?? '50000').split(',').filter(Boolean).map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const PEER_RUNS = Number(process.env.BENCH_PEER_RUNS ?? 1);
const WARMUP = 2;
const TARGET_MS = 300;
const PG_ADMIN = process.env.BENCH_DATABASE_URL;
const SLUG = 'personal-chatter';
const DAY = 86_400_000;
const VOCAB = 20_000;

const policyYaml = readFileSync(join(import.meta.dirname, '..', 'examples', 'policies', `${SLUG}.yaml`), 'utf8');

/** Pronounceable pseudo-words, deterministic. */
function vocabulary(rand: () => number): string[] {
  const c = 'bcdfghjklmnprstvz', v = 'aeiou';
  const words = new Set<string>();
  while (words.size < VOCAB) {
    let w = '';
    for (let k = 2 + Math.floor(rand() * 3); k > 0; k--) w += c[Math.floor(rand() * c.length)]! + v[Math.floor(rand() * v.length)]!;
    words.add(w);
  }
  return [...words];
}

/** Zipf (s = 1) over the vocabulary by inverse CDF on the harmonic numbers. */
function zipf(rand: () => number, n: number): () => number {
  const cdf = new Float64Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) cdf[i] = h += 1 / (i + 1);
  return () => {
    const x = rand() * h;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Planted words and the share of reports holding each (in the body, or for `…msg` only in a message). */
const PLANTED: [string, number][] = [
  ['xylophoneone', 1 / 50_000],
  ['quasarrare', 0.001],
  ['nebulasome', 0.01],
  ['cometoften', 0.1],
  ['orbitmost', 0.5],
  ['pulsarmsg', 0.01],
];

async function runtimeFor(label: string): Promise<{ rt: Runtime; drop: () => Promise<void> }> {
  const env: Record<string, string> = {
    DATA_DIR: tempDir(`embargo-bench-search-${label}-`),
    EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
    EMBARGO_PUBLIC_URL: 'https://embargo.bench',
  };
  let drop = async () => {};
  if (PG_ADMIN) {
    const fresh = await freshPostgresDatabase(PG_ADMIN, `bench_search_${label}`);
    env.DATABASE_URL = fresh.url;
    drop = fresh.drop;
  }
  return { rt: await compose(loadConfig(env), { logger: false, jobs: false }), drop };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function seed(rt: Runtime, n: number): Promise<{ project: ProjectRecord; token: string; userId: string; messages: number; ms: number }> {
  const t0 = performance.now();
  const { ctx } = rt;
  const { project } = await savePolicy(ctx, policyYaml, 'bench');
  const user = await createUser(ctx, { email: 'admin@bench.example', name: 'Bench Admin', password: 'correct horse battery staple', siteAdmin: true }, 'bench');
  const { token } = await createApiToken(ctx, user, 'bench');
  const rand = rng(n);
  const words = vocabulary(rand);
  const pick = zipf(rand, VOCAB);
  const sentence = (k: number) => Array.from({ length: k }, () => words[pick()]).join(' ');
  const now = ctx.now().getTime();
  const year = new Date(now).getUTCFullYear();
  const states = [...OPEN_STATES, 'closed', 'rejected'];
  let messages = 0;
  const CHUNK = 1000;
  for (let from = 0; from < n; from += CHUNK) {
    const r: Record<string, unknown[]> = { id: [], tracking: [], state: [], token: [], title: [], body: [], created: [], rank: [], key: [], assignee: [], source: [], version: [] };
    const m: Record<string, unknown[]> = { id: [], report: [], body: [], at: [] };
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      const id = randomUUID();
      const createdAt = new Date(now - Math.floor(rand() * 120 * DAY));
      const planted = PLANTED.filter(([w, share]) => !w.endsWith('msg') && (share * n < 1 ? i === Math.floor(n / 2) : rand() < share)).map(([w]) => w);
      const body = { description: `${sentence(60)} ${planted.join(' ')}`, steps_to_reproduce: sentence(30), impact: sentence(30), environment: null, reporter_name: 'Ada Researcher', reporter_email: 'ada@example.org' };
      const state = states[Math.floor(rand() * states.length)] as string;
      const index = indexOfNewReport({ state, severity: null, createdAt }, [{ kind: 'submitted', at: createdAt.toISOString() }], project.policy, new Date(now));
      r.id!.push(id);
      r.tracking!.push(`PCHAT-${year}-${String(i + 1).padStart(7, '0')}`);
      r.state!.push(state);
      r.token!.push(sha256Hex(`bench:${id}`));
      r.title!.push(hex(ctx.sealer.seal(sentence(6), aad(id, 'title')).sealed));
      r.body!.push(hex(ctx.sealer.seal(JSON.stringify(body), aad(id, 'body')).sealed));
      r.created!.push(createdAt.toISOString());
      r.rank!.push(index.rank);
      r.key!.push(index.key);
      // 2% assigned to the bench's user; sources 60% web, 30% api, 10% email; 5% on an unsupported version.
      r.assignee!.push(rand() < 0.02 ? user.id : null);
      const src = rand();
      r.source!.push(src < 0.6 ? 'web' : src < 0.9 ? 'api' : 'email');
      r.version!.push(rand() < 0.05 ? 'unsupported' : 'supported');
      for (let k = Math.floor(rand() * 7); k > 0; k--) {
        const mid = randomUUID();
        const extra = rand() < 0.01 / 3 ? ' pulsarmsg' : '';
        m.id!.push(mid);
        m.report!.push(id);
        m.body!.push(hex(ctx.sealer.seal(sentence(15) + extra, aad(id, `message:${mid}`)).sealed));
        m.at!.push(new Date(createdAt.getTime() + k * 3_600_000).toISOString());
      }
    }
    messages += m.id!.length;
    await ctx.db.transaction().execute(async (tx) => {
      await sql`
        insert into reports (id, project_id, tracking_id, state, category, affected_version, version_status, version_matched, scope_status,
                             credit_choice, terms_accepted, source, reporter_token_hash, title_sealed, body_sealed, key_id, created_at, updated_at, queue_rank, queue_key, assignee_user_id)
        select v.id, ${project.id}::uuid, v.tracking, v.state, 'xss', '0.2.1', v.version, '0.2.x', 'in-scope', 'credit', true, v.source, v.token,
               decode(v.title, 'hex'), decode(v.body, 'hex'), ${ctx.sealer.activeKeyId}::text, v.created, v.created, v.rank, v.key, v.assignee
        from unnest(${r.id}::uuid[], ${r.tracking}::text[], ${r.state}::text[], ${r.token}::text[], ${r.title}::text[], ${r.body}::text[],
                    ${r.created}::timestamptz[], ${r.rank}::smallint[], ${r.key}::bigint[], ${r.assignee}::uuid[], ${r.source}::text[], ${r.version}::text[])
          as v(id, tracking, state, token, title, body, created, rank, key, assignee, source, version)`.execute(tx);
      await sql`
        insert into messages (id, report_id, author_kind, internal, body_sealed, key_id, created_at)
        select v.id, v.report, 'reporter', false, decode(v.body, 'hex'), ${ctx.sealer.activeKeyId}::text, v.at
        from unnest(${m.id}::uuid[], ${m.report}::uuid[], ${m.body}::text[], ${m.at}::timestamptz[]) as v(id, report, body, at)`.execute(tx);
    });
  }
  return { project, token, userId: user.id, messages, ms: performance.now() - t0 };
}

type Opened = Map<string, { trackingId: string; words: Set<string> }>;

/** The peer's work for one search: every report and message of the project read and opened, split into words. */
async function openEverything(rt: Runtime, projectId: string): Promise<Opened> {
  const { ctx } = rt;
  const words = new Map<string, Set<string>>();
  const reports = await ctx.db.selectFrom('reports').select(['id', 'tracking_id', 'key_id', 'title_sealed', 'body_sealed']).where('project_id', '=', projectId).execute();
  const tracking = new Map<string, string>();
  for (const r of reports) {
    tracking.set(r.id, r.tracking_id);
    const text = `${ctx.sealer.open(r.key_id, r.title_sealed, aad(r.id, 'title')).toString('utf8')}\n${textOf(JSON.parse(ctx.sealer.open(r.key_id, r.body_sealed, aad(r.id, 'body')).toString('utf8')))}`;
    words.set(r.id, new Set(termsOf(text)));
  }
  const msgs = await ctx.db.selectFrom('messages').innerJoin('reports', 'reports.id', 'messages.report_id').select(['messages.id', 'messages.report_id', 'messages.key_id', 'messages.body_sealed']).where('reports.project_id', '=', projectId).execute();
  for (const m of msgs) for (const t of termsOf(ctx.sealer.open(m.key_id, m.body_sealed, aad(m.report_id, `message:${m.id}`)).toString('utf8'))) words.get(m.report_id)?.add(t);
  return new Map([...words].map(([id, set]) => [id, { trackingId: tracking.get(id) as string, words: set }]));
}

const match = (opened: Opened, q: string): Set<string> => {
  const want = termsOf(q);
  return new Set([...opened.values()].filter((r) => want.every((w) => r.words.has(w))).map((r) => r.trackingId));
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)] as number;

async function time(rt: Runtime, token: string, url: string): Promise<{ ms: number[]; body: { reports: { tracking_id: string }[]; next_cursor: string | null } }> {
  let body: unknown;
  const ms: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const res = await rt.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    const elapsed = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (i >= WARMUP) ms.push(elapsed);
    body = res.json();
  }
  return { ms, body: body as never };
}

/** Every hit of a search, by following its cursors (the correctness check; not timed). */
async function allHits(rt: Runtime, token: string, url: string): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | null = null;
  do {
    const res = await rt.app.inject({ url: `${url}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: { authorization: `Bearer ${token}` } });
    const body = res.json() as { reports: { tracking_id: string }[]; next_cursor: string | null };
    for (const r of body.reports) out.add(r.tracking_id);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

let allOk = true;
for (const n of SIZES) {
  const label = `${n / 1000}k`;
  console.log(`\n== ${n.toLocaleString('en')} reports on ${PG_ADMIN ? 'PostgreSQL' : 'PGlite'}, load average ${loadavg()[0]!.toFixed(1)}`);
  const { rt, drop } = await runtimeFor(label);
  try {
    const seeded = await seed(rt, n);
    console.log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${n.toLocaleString('en')} reports, ${seeded.messages.toLocaleString('en')} messages`);
    const ti = performance.now();
    let indexed = 0;
    for (let k; (k = await indexPendingSearch(rt.ctx, 1000)) > 0; ) indexed += k;
    const indexMs = performance.now() - ti;
    const size = await sql<{ rows: string; bytes: string }>`select coalesce(sum(cardinality(terms)), 0)::text as rows, pg_total_relation_size('report_search')::text as bytes from report_search`.execute(rt.ctx.db);
    await sql`analyze`.execute(rt.ctx.db);
    console.log(
      `  index job: ${indexed.toLocaleString('en')} reports + messages in ${(indexMs / 1000).toFixed(1)} s (${Math.round(indexed / (indexMs / 1000)).toLocaleString('en')} rows/s); ` +
        `${Number(size.rows[0]!.rows).toLocaleString('en')} (report, word) pairs, ${(Number(size.rows[0]!.bytes) / 1e6).toFixed(0)} MB with its indexes`,
    );
    const P = `/api/v1/projects/${SLUG}/reports`;
    const rows: [string, number[]][] = [];
    rows.push(['GET /healthz (HTTP floor)', (await time(rt, seeded.token, '/healthz')).ms]);
    const cases: [string, string][] = [
      ['one report holds the word', 'xylophoneone'],
      ['0.1% of reports', 'quasarrare'],
      ['1% of reports', 'nebulasome'],
      ['10% of reports', 'cometoften'],
      ['50% of reports', 'orbitmost'],
      ['1% (only in thread messages)', 'pulsarmsg'],
      ['two words (10% and 50%)', 'cometoften orbitmost'],
      ['two words (1% and 10%)', 'nebulasome cometoften'],
    ];
    const peer: number[] = [];
    let opened: Opened = new Map();
    for (let i = 0; i < PEER_RUNS; i++) {
      const t0 = performance.now();
      opened = await openEverything(rt, seeded.project.id);
      match(opened, 'nebulasome');
      peer.push(performance.now() - t0);
    }
    for (const [what, q] of cases) {
      const url = `${P}?q=${encodeURIComponent(q)}`;
      rows.push([`search: ${what}`, (await time(rt, seeded.token, url)).ms]);
      const got = await allHits(rt, seeded.token, url);
      const want = match(opened, q);
      const same = got.size === want.size && [...want].every((t) => got.has(t));
      if (!same) allOk = false;
      console.log(`  ${same ? 'same' : 'DIFFERENT'} hits as decrypting in memory for "${q}": ${got.size} (peer ${want.size})`);
    }
    rows.push(['search 50% + open states filter', (await time(rt, seeded.token, `${P}?q=orbitmost&state=${OPEN_STATES.join(',')}`)).ms]);
    const first = await time(rt, seeded.token, `${P}?q=cometoften`);
    if (first.body.next_cursor) rows.push(['search 10%, page 2 (cursor)', (await time(rt, seeded.token, `${P}?q=cometoften&cursor=${encodeURIComponent(first.body.next_cursor)}`)).ms]);
    const open = `state=${OPEN_STATES.join(',')}`;
    const filters: [string, string][] = [
      ['queue: assigned to one user (2%)', `assignee=${seeded.userId}`],
      ['queue: open, assigned to one user', `${open}&assignee=${seeded.userId}`],
      ['queue: open, unassigned', `${open}&assignee=none`],
      ['queue: flagged version (5%)', 'flag=version'],
      ['queue: open, any flag', `${open}&flag=any`],
      ['queue: source email (10%)', 'source=email'],
      ['queue: received within a day (~1%)', 'max_age_days=1'],
      ['queue: open, older than 60 days', `${open}&min_age_days=60`],
      ['queue: open, email, flagged, older than 30 days', `${open}&source=email&flag=version&min_age_days=30`],
      ['queue: search 10% + assigned to one user', `q=cometoften&assignee=${seeded.userId}`],
    ];
    for (const [what, qs] of filters) rows.push([what, (await time(rt, seeded.token, `${P}?${qs}`)).ms]);
    rows.push(['peer: decrypt every report and message in memory', peer]);

    const floor = median(rows[0]![1]);
    console.log(`\n  ${'route'.padEnd(52)} ${'median ms'.padStart(10)} ${'p90 ms'.padStart(8)} ${'× floor'.padStart(8)}`);
    for (const [what, ms] of rows) {
      const m = median(ms);
      const flag = (what.startsWith('search') || what.startsWith('queue')) && m > TARGET_MS ? `  over ${TARGET_MS} ms` : '';
      console.log(`  ${what.padEnd(52)} ${m.toFixed(1).padStart(10)} ${p90(ms).toFixed(1).padStart(8)} ${(m / floor).toFixed(1).padStart(8)}${flag}`);
    }
    const slowest = Math.max(...rows.filter(([w]) => w.startsWith('search') || w.startsWith('queue')).map(([, ms]) => median(ms)));
    console.log(`\n  peer / slowest search or filter: ${(median(peer) / slowest).toFixed(0)}×; target ≤ ${TARGET_MS} ms ${slowest <= TARGET_MS ? 'met' : 'NOT MET'} (slowest ${slowest.toFixed(0)} ms)`);

    const explained: [string, Parameters<typeof queueQuery>[2], string | undefined][] = [
      ['search "orbitmost"', {}, 'orbitmost'],
      ['search "xylophoneone"', {}, 'xylophoneone'],
      ['search "nebulasome cometoften"', {}, 'nebulasome cometoften'],
      ['open, assigned to one user', { state: [...OPEN_STATES], assignee: seeded.userId }, undefined],
      ['open, older than 60 days', { state: [...OPEN_STATES], minAgeDays: 60 }, undefined],
      ['open, any flag', { state: [...OPEN_STATES], flag: 'any' }, undefined],
    ];
    for (const [what, filter, q] of explained) {
      const compiled = queueQuery(rt.ctx.db, seeded.project.id, filter, null, null, 51, searchHashes(rt.ctx, q), new Date()).compile();
      const plan = await rt.ctx.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, costs off, buffers off) ${compiled.sql}`, [...compiled.parameters]));
      console.log(`\n  EXPLAIN ANALYZE ${what}, first page:`);
      for (const l of plan.rows) console.log(`    ${l['QUERY PLAN']}`);
    }
  } finally {
    await rt.close();
    await drop();
  }
}
if (!allOk) process.exitCode = 1;
