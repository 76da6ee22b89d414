/**
 * Duplicate detection (issue 18): how well it tells re-submissions from other bugs, and what it costs per new report.
 *
 *   npx tsx bench/duplicates.ts                      (PGlite; 50,000 earlier reports)
 *   BENCH_EARLIER=10000 BENCH_NEW=40 npx tsx bench/duplicates.ts
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/duplicates.ts   (PostgreSQL)
 *
 * 1. Quality on the labelled set (test/fixtures/triage/pairs.json): precision, recall and F1 at the default
 *    threshold and across thresholds, with the product's keyed hash; the named peer, measured in the same run, is
 *    plain word-set Jaccard (lower-cased words, no identifiers, weights or synonyms) at its own best threshold.
 * 2. Latency: a project seeded with BENCH_EARLIER earlier reports (real OSV texts from ../shared/data/osv, each
 *    record re-used with its sentences shuffled, one dropped and its package renamed until the count is reached),
 *    signed by the same core function the job uses and written as the job writes them (signatures, postings,
 *    document frequencies). Then BENCH_NEW new reports go through the real intake (submitReport) and the job's
 *    signing (signPendingReports, one report per call, timed): half are paraphrases of seeded reports (each
 *    should name its source as a candidate), half are records never seeded. The floor is the same signing in an
 *    empty project, measured in the same run. Aim: ≤ 20 ms per new report against 50,000.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.ts';
import { compose, type Runtime } from '../src/server/compose.ts';
import { savePolicy, type ProjectRecord } from '../src/services/projects/projects.ts';
import { submitReport } from '../src/services/reports/intake.ts';
import { aad } from '../src/services/reports/store.ts';
import { comparableText, findCandidates, signPendingReports } from '../src/services/triage/signing.ts';
import { signText } from '../src/core/triage/signature.ts';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../src/core/triage/threshold.ts';
import { createTermHash, triageIndexKey } from '../src/adapters/crypto/term-hash.ts';
import { sha256Hex } from '../src/adapters/crypto/tokens.ts';
import { osvFiles } from '../src/adapters/osv/load-osv-records.ts';
import { loadEvalSet, qualityAt, scorePairs, type Scored } from '../test/support/triage-eval.ts';
import { examplePolicy, REPO } from '../test/support/fixtures.ts';
import { rng, tempDir, freshPostgresDatabase } from './support.ts';

const EARLIER = Number(process.env.BENCH_EARLIER ?? 50_000);
const NEW = Number(process.env.BENCH_NEW ?? 60);
const PG_ADMIN = process.env.BENCH_DATABASE_URL;
const OSV = process.env.BENCH_OSV ?? join(REPO, '..', 'shared', 'data', 'osv');
const AIM_MS = 20;

const fmt = (x: number) => x.toFixed(3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

// --- 1. quality ------------------------------------------------------------------------------------------------

function wordJaccardPeer(set: ReturnType<typeof loadEvalSet>): Scored[] {
  const words = new Map(set.docs.map((d) => [d.id, new Set(`${d.title} ${d.text}`.toLowerCase().match(/[a-z0-9_]+/g) ?? [])]));
  return set.pairs.map(([later, earlier, dup, kind]) => {
    const a = words.get(later) as Set<string>;
    const b = words.get(earlier) as Set<string>;
    let n = 0;
    for (const w of a) if (b.has(w)) n++;
    return { later, earlier, duplicate: dup === 1, kind, score: n / (a.size + b.size - n) };
  });
}

const bestF1 = (scored: Scored[]) => {
  let best = qualityAt(scored, 0);
  for (let t = 0.01; t < 1; t += 0.01) {
    const q = qualityAt(scored, t);
    if (q.f1 > best.f1) best = q;
  }
  return best;
};

function quality(): { precision: number; recall: number } {
  const set = loadEvalSet(REPO);
  const ours = scorePairs(set, createTermHash(triageIndexKey(randomBytes(32))));
  const q = qualityAt(ours, DEFAULT_DUPLICATE_THRESHOLD);
  const peer = bestF1(wordJaccardPeer(set));
  const oursBest = bestF1(ours);
  const dups = set.pairs.filter((p) => p[2] === 1).length;
  console.log(`== quality: ${set.pairs.length} labelled pairs (${dups} duplicates, ${set.pairs.length - dups} hard negatives), ${set.docs.length} texts`);
  console.log(`   embargo at the default threshold ${DEFAULT_DUPLICATE_THRESHOLD}: precision ${fmt(q.precision)}  recall ${fmt(q.recall)}  F1 ${fmt(q.f1)}  (${q.fp} false positives, ${q.fn} missed)`);
  console.log(`   embargo at its best threshold ${oursBest.threshold.toFixed(2)}:   precision ${fmt(oursBest.precision)}  recall ${fmt(oursBest.recall)}  F1 ${fmt(oursBest.f1)}`);
  console.log(`   peer: word-set Jaccard at its best ${peer.threshold.toFixed(2)}:   precision ${fmt(peer.precision)}  recall ${fmt(peer.recall)}  F1 ${fmt(peer.f1)}`);
  console.log('   threshold  precision  recall  F1');
  for (const t of [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    const x = qualityAt(ours, t);
    console.log(`   ${t.toFixed(2)}       ${fmt(x.precision)}      ${fmt(x.recall)}   ${fmt(x.f1)}`);
  }
  for (const kind of [...new Set(ours.map((s) => s.kind))]) {
    const of = ours.filter((s) => s.kind === kind);
    const right = of.filter((s) => (s.score >= DEFAULT_DUPLICATE_THRESHOLD) === s.duplicate).length;
    console.log(`   ${kind.padEnd(26)} ${right}/${of.length} right`);
  }
  return q;
}

// --- 2. latency ------------------------------------------------------------------------------------------------

interface Text { title: string; body: string }

function osvTexts(): Text[] {
  const out: Text[] = [];
  for (const f of osvFiles(OSV)) {
    if (f.source.includes('npm-MAL')) continue;
    const r = JSON.parse(f.bytes.toString('utf8')) as { summary?: string; details?: string; affected?: { package?: { name?: string } }[] };
    // Go's "NOTE: The source advisory…" records are a title and a notice, not a description (as in the labelled set).
    if (!r.details || r.details.length < 80 || r.details.includes('NOTE: The source advisory')) continue;
    out.push({ title: r.summary || `${r.affected?.[0]?.package?.name ?? 'package'} issue`, body: r.details.slice(0, 4000) });
  }
  return out;
}

const sentences = (t: string) => t.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z])/);

/** Another reporter's version: sentences shuffled, one dropped, a greeting; `renamed` also renames the package. */
function variant(t: Text, random: () => number, renamed: string | null): Text {
  const ss = sentences(t.body);
  for (let i = ss.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ss[i], ss[j]] = [ss[j] as string, ss[i] as string];
  }
  if (ss.length > 2) ss.splice(Math.floor(random() * ss.length), 1);
  let body = `Hello, ${ss.join(' ')} Thanks.`;
  let title = t.title;
  if (renamed) {
    const name = /[\w.-]+\/[\w.-]+|\b[a-z][\w-]{3,}\b/.exec(t.title)?.[0];
    if (name) {
      body = body.split(name).join(renamed);
      title = title.split(name).join(renamed);
    }
  }
  return { title, body };
}

async function runtimeFor(label: string): Promise<{ rt: Runtime; drop: () => Promise<void> }> {
  const env: Record<string, string> = {
    DATA_DIR: tempDir(`embargo-bench-dup-${label}-`),
    EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
    EMBARGO_PUBLIC_URL: 'https://embargo.bench',
  };
  let drop = async () => {};
  if (PG_ADMIN) {
    const fresh = await freshPostgresDatabase(PG_ADMIN, `bench_dup_${label}`);
    env.DATABASE_URL = fresh.url;
    drop = fresh.drop;
  }
  return { rt: await compose(loadConfig(env), { logger: false, jobs: false }), drop };
}

/** Earlier reports written as intake and the job would have left them, in chunks. */
async function seed(rt: Runtime, project: ProjectRecord, texts: Text[]): Promise<string[]> {
  const ctx = rt.ctx;
  const ids: string[] = [];
  const df = new Map<number, number>();
  const CHUNK = 2000;
  const toInt4 = (h: number) => h | 0;
  for (let from = 0; from < texts.length; from += CHUNK) {
    const chunk = texts.slice(from, from + CHUNK);
    const r = { id: [] as string[], tracking: [] as string[], token: [] as string[], title: [] as string[], body: [] as string[], created: [] as string[] };
    const s = { id: [] as string[], hashes: [] as string[] };
    const p = { term: [] as number[], report: [] as string[] };
    chunk.forEach((t, k) => {
      const i = from + k;
      const id = randomUUID();
      ids.push(id);
      r.id.push(id);
      r.tracking.push(`PRIV-2026-${String(i + 1).padStart(5, '0')}`);
      r.token.push(sha256Hex(`bench:${id}`));
      r.title.push(ctx.sealer.seal(t.title, aad(id, 'title')).sealed.toString('hex'));
      r.body.push(ctx.sealer.seal(JSON.stringify({ description: t.body }), aad(id, 'body')).sealed.toString('hex'));
      r.created.push(new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString());
      const { signature } = signText(`${t.title}\n${t.body}`, ctx.triageIndex.hash);
      s.id.push(id);
      s.hashes.push(`{${[...signature.hashes].map(toInt4).join(',')}}`);
      for (const h of signature.hashes) {
        df.set(h, (df.get(h) ?? 0) + 1);
        if (h >>> 29 !== 7) {
          p.term.push(toInt4(h));
          p.report.push(id);
        }
      }
    });
    await ctx.db.transaction().execute(async (tx) => {
      await sql`
        insert into reports (id, project_id, tracking_id, state, version_status, scope_status, credit_choice, terms_accepted, source, reporter_token_hash,
                             title_sealed, body_sealed, key_id, created_at, updated_at, triage_pending)
        select v.id, ${project.id}::uuid, v.tracking, 'new', 'not-given', 'not-given', 'anonymous', true, 'api', v.token,
               decode(v.title, 'hex'), decode(v.body, 'hex'), ${ctx.sealer.activeKeyId}::text, v.created, v.created, false
        from unnest(${r.id}::uuid[], ${r.tracking}::text[], ${r.token}::text[], ${r.title}::text[], ${r.body}::text[], ${r.created}::timestamptz[])
          as v(id, tracking, token, title, body, created)`.execute(tx);
      await sql`insert into report_signatures (report_id, project_id, key_id, hashes)
        select v.id, ${project.id}::uuid, ${ctx.triageIndex.keyId}::text, v.h::int4[] from unnest(${s.id}::uuid[], ${s.hashes}::text[]) as v(id, h)`.execute(tx);
      await sql`insert into report_terms (project_id, term, report_id)
        select ${project.id}::uuid, v.t, v.r from unnest(${p.term}::int4[], ${p.report}::uuid[]) as v(t, r) on conflict do nothing`.execute(tx);
    });
  }
  const terms = [...df.keys()].map(toInt4);
  const counts = [...df.values()];
  for (let from = 0; from < terms.length; from += 50_000) {
    await sql`insert into report_term_df (project_id, term, n) select ${project.id}::uuid, v.t, v.n from unnest(${terms.slice(from, from + 50_000)}::int4[], ${counts.slice(from, from + 50_000)}::int4[]) as v(t, n)
      on conflict (project_id, term) do update set n = report_term_df.n + excluded.n`.execute(rt.ctx.db);
  }
  await sql`insert into triage_corpus (project_id, reports, key_id) values (${project.id}::uuid, ${texts.length}, ${ctx.triageIndex.keyId})`.execute(rt.ctx.db);
  await sql`insert into report_sequences (project_id, year, last_value) values (${project.id}::uuid, 2026, ${texts.length})
    on conflict (project_id, year) do update set last_value = excluded.last_value`.execute(rt.ctx.db);
  await sql`analyze`.execute(rt.ctx.db);
  return ids;
}

/**
 * Submits each new report through intake, times the comparison alone (terms, HMAC, retrieval and scoring: what
 * grows with the project), then the job's whole signing of it (with its writes and audit entry).
 */
async function signEach(rt: Runtime, news: Text[]): Promise<{ ms: number[]; compareMs: number[]; compareCpuMs: number[]; trackingIds: string[] }> {
  const ms: number[] = [];
  const compareMs: number[] = [];
  const compareCpuMs: number[] = [];
  const trackingIds: string[] = [];
  const project = await rt.ctx.db.selectFrom('projects').select('id').where('slug', '=', 'privastream').executeTakeFirstOrThrow();
  for (const t of news) {
    const r = await submitReport(rt.ctx, {
      slug: 'privastream',
      source: 'api',
      files: [],
      input: { title: t.title.slice(0, 200), description: t.body, steps_to_reproduce: 'As above.', impact: 'As above.', accept_terms: true, reporter_email: 'bench@example.org' },
    });
    trackingIds.push(r.trackingId);
    const c0 = performance.now();
    const cpu0 = process.cpuUsage();
    await rt.ctx.db.transaction().execute(async (tx) => {
      const corpus = await tx.selectFrom('triage_corpus').select('reports').where('project_id', '=', project.id).executeTakeFirst();
      const signed = signText(comparableText(t.title.slice(0, 200), { description: t.body, steps_to_reproduce: 'As above.', impact: 'As above.' } as never), rt.ctx.triageIndex.hash);
      await findCandidates(rt.ctx, tx, project.id, signed, corpus?.reports ?? 0);
    });
    compareMs.push(performance.now() - c0);
    const cpu = process.cpuUsage(cpu0);
    compareCpuMs.push((cpu.user + cpu.system) / 1000);
    const t0 = performance.now();
    const n = await signPendingReports(rt.ctx, 1);
    ms.push(performance.now() - t0);
    if (n !== 1) throw new Error(`signed ${n} reports, not 1`);
  }
  return { ms, compareMs, compareCpuMs, trackingIds };
}

async function latency(): Promise<{ p50: number }> {
  const random = rng(18);
  const all = osvTexts();
  // Records never seeded: the second half of the new reports.
  const fresh = all.splice(0, Math.ceil(NEW / 2));
  const texts: Text[] = [];
  for (let i = 0; i < EARLIER; i++) {
    const base = all[i % all.length] as Text;
    texts.push(i < all.length ? base : variant(base, random, `pkg${Math.floor(i / all.length)}-${i % 97}`));
  }
  const picked = Array.from({ length: Math.floor(NEW / 2) }, () => Math.floor(random() * EARLIER));
  const news = [...picked.map((i) => variant(texts[i] as Text, random, null)), ...fresh];

  const floorRt = await runtimeFor('empty');
  await savePolicy(floorRt.rt.ctx, examplePolicy('privastream'), 'bench');
  const warm = await signEach(floorRt.rt, news.slice(0, 5));
  void warm;
  await floorRt.rt.ctx.db.deleteFrom('report_duplicate_candidates').execute();
  const floor = await signEach(floorRt.rt, news);
  await floorRt.rt.close();
  await floorRt.drop();

  const { rt, drop } = await runtimeFor('full');
  const { project } = await savePolicy(rt.ctx, examplePolicy('privastream'), 'bench');
  const t0 = performance.now();
  const ids = await seed(rt, project, texts);
  const seededIn = (performance.now() - t0) / 1000;
  const postings = await rt.ctx.db.selectFrom('report_terms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await signEach(rt, news.slice(0, 3)); // warm-up (JIT, plans)
  const full = await signEach(rt, news);

  // Correctness: each paraphrase names its source among its candidates (at the default threshold).
  const trackingOf = new Map(ids.map((id, i) => [id, `PRIV-2026-${String(i + 1).padStart(5, '0')}`]));
  let found = 0;
  for (let k = 0; k < picked.length; k++) {
    const id = ids[picked[k] as number] as string;
    const report = await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', full.trackingIds[k] as string).executeTakeFirstOrThrow();
    const hit = await rt.ctx.db
      .selectFrom('report_duplicate_candidates')
      .select('score')
      .where('report_id', '=', report.id)
      .where('candidate_id', '=', id)
      .where('score', '>=', DEFAULT_DUPLICATE_THRESHOLD)
      .executeTakeFirst();
    if (hit) found++;
  }
  const flagged = await rt.ctx.db
    .selectFrom('report_duplicate_candidates as c')
    .innerJoin('reports as r', 'r.id', 'c.report_id')
    .select((eb) => eb.fn.count<number>('c.report_id').distinct().as('n'))
    .where('r.tracking_id', '=', sql<string>`any(${full.trackingIds.slice(picked.length)}::text[])`)
    .where('c.score', '>=', DEFAULT_DUPLICATE_THRESHOLD)
    .executeTakeFirstOrThrow();
  await rt.close();
  await drop();
  void trackingOf;

  const p50 = median(full.ms);
  console.log(`\n== latency on ${PG_ADMIN ? 'PostgreSQL' : 'PGlite'}: signing one new report (decrypt, terms, HMAC, retrieval, scoring, writes, audit), load average ${loadavg()[0]?.toFixed(1)}`);
  console.log(`   seeded ${EARLIER.toLocaleString('en')} earlier reports in ${seededIn.toFixed(0)} s (${Number(postings.n).toLocaleString('en')} postings)`);
  const c50 = median(full.compareMs);
  const row = (what: string, xs: number[], floorXs: number[]) =>
    console.log(`   ${what.padEnd(44)} median ${median(xs).toFixed(2).padStart(6)} ms  p90 ${pct(xs, 0.9).toFixed(2).padStart(6)} ms  max ${Math.max(...xs).toFixed(2).padStart(6)} ms  (${(median(xs) / median(floorXs)).toFixed(2)}x the floor)`);
  row('floor: comparison, project of the new only', floor.compareMs, floor.compareMs);
  row(`comparison against ${EARLIER.toLocaleString('en')} earlier`, full.compareMs, floor.compareMs);
  row('floor: comparison, CPU time of this process', floor.compareCpuMs, floor.compareCpuMs);
  row(`comparison against ${EARLIER.toLocaleString('en')}, CPU time`, full.compareCpuMs, floor.compareCpuMs);
  row('floor: whole signing (writes, audit), empty', floor.ms, floor.ms);
  row(`whole signing against ${EARLIER.toLocaleString('en')} earlier`, full.ms, floor.ms);
  console.log(`   paraphrases of seeded reports naming their source: ${found}/${picked.length}`);
  console.log(`   never-seeded records with a candidate at the threshold: ${flagged.n}/${fresh.length} (mostly short OSV texts, a title and a line, of a package with other seeded advisories: its name weighs a lot among 50,000 texts of many packages, little in a real project where every report names it)`);
  const cpu50 = median(full.compareCpuMs);
  console.log(`   aim <= ${AIM_MS} ms per new report for the comparison (median): ${c50 <= AIM_MS ? 'met' : 'NOT MET'} (${c50.toFixed(2)} ms wall, ${cpu50.toFixed(2)} ms CPU); whole signing ${p50.toFixed(2)} ms`);
  return { p50 };
}

const q = quality();
await latency();
console.log(`\naim precision and recall >= 0.95 on the labelled set: ${q.precision >= 0.95 && q.recall >= 0.95 ? 'met' : 'NOT MET'}`);
process.exit(0);
