/**
 * A big coordinated case (issue 19): 150 parties, 1,000 messages in the party thread, two products per party with
 * a history of status changes — ten times the VINCE case whose page took ~10 s. Everything is seeded through the
 * services (invitations, statuses, messages, read markers), then the case's routes are timed through the real app
 * (fastify inject with API tokens): median and p90 of BENCH_RUNS runs, against GET /healthz as the HTTP floor.
 * Target: the case page and its API ≤ 1,000 ms. Then a correctness check: every party's unread count, from the case
 * page and from its case list, and every maintainer's (BENCH_MAINTAINERS of them, each with its own marker), from the
 * case page and the report's parties list, equals an independent count over the seeded messages and markers. One
 * message in 25 carries an attachment (through the intake's sniffing and sealing).
 *
 *   npx tsx bench/coordination.ts
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5447/postgres npx tsx bench/coordination.ts   (a fresh database)
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/server/config.ts';
import { compose, type Runtime } from '../src/server/compose.ts';
import { savePolicy, getProject } from '../src/services/projects/projects.ts';
import { createUser, setMembership, type UserRecord } from '../src/services/access/users.ts';
import { createApiToken } from '../src/services/access/tokens.ts';
import { createInternalReport } from '../src/services/reports/intake.ts';
import { inviteParty } from '../src/services/coordination/parties.ts';
import { resolveCase, type CaseCaller } from '../src/services/coordination/access.ts';
import { setPartyStatus } from '../src/services/coordination/statuses.ts';
import { markRead, postCaseMessage } from '../src/services/coordination/thread.ts';
import { examplePolicy } from '../test/support/fixtures.ts';
import { rng as mulberry32, tempDir, freshPostgresDatabase } from './support.ts';

const PARTIES = Number(process.env.BENCH_PARTIES ?? 150);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const MAINTAINERS = Number(process.env.BENCH_MAINTAINERS ?? 5);
const WARMUP = 2;
const TARGET_MS = 1000;
const PG_ADMIN = process.env.BENCH_DATABASE_URL;
const SLUG = 'privastream';
const STATUSES = ['under_investigation', 'affected', 'not_affected', 'fixed'] as const;

async function runtime(): Promise<{ rt: Runtime; drop: () => Promise<void> }> {
  const env: Record<string, string> = {
    DATA_DIR: tempDir('embargo-bench-coordination-'),
    EMBARGO_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    EMBARGO_SESSION_SECRET: randomBytes(32).toString('base64'),
    EMBARGO_PUBLIC_URL: 'https://embargo.bench',
  };
  let drop = async () => {};
  if (PG_ADMIN) {
    const fresh = await freshPostgresDatabase(PG_ADMIN, `bench_coordination`, { force: false });
    env.DATABASE_URL = fresh.url;
    drop = fresh.drop;
  }
  return { rt: await compose(loadConfig(env), { logger: false, jobs: false }), drop };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)] as number;

async function time(rt: Runtime, token: string, url: string): Promise<{ ms: number[]; body: unknown; bytes: number }> {
  const headers = { authorization: `Bearer ${token}` };
  const ms: number[] = [];
  let body: unknown;
  let bytes = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const res = await rt.app.inject({ url, headers });
    const elapsed = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (i >= WARMUP) ms.push(elapsed);
    body = String(res.headers['content-type']).startsWith('application/json') ? res.json() : null;
    bytes = res.rawPayload.length;
  }
  return { ms, body, bytes };
}

const { rt, drop } = await runtime();
try {
  const ctx = rt.ctx;
  const random = mulberry32(19);
  console.log(`== a case with ${PARTIES} parties and ${MESSAGES} messages on ${PG_ADMIN ? 'PostgreSQL' : 'PGlite'}, load average ${loadavg()[0]!.toFixed(1)}`);
  const t0 = performance.now();
  await savePolicy(ctx, examplePolicy(SLUG), 'bench');
  const project = await getProject(ctx.db, SLUG);
  const adminUser = await createUser(ctx, { email: 'admin@bench.example', name: 'Bench Admin', password: 'correct horse battery staple', siteAdmin: false }, 'bench');
  await setMembership(ctx, SLUG, adminUser.email, 'admin', 'bench');
  const adminToken = (await createApiToken(ctx, adminUser, 'bench')).token;
  const adminActor = { userId: adminUser.id, siteAdmin: false, role: 'admin' as const };
  const { trackingId } = await createInternalReport(ctx, project, { title: 'Heap overflow in the stream parser', description: 'A crafted manifest overflows the parser heap.', source: 'bench', actorLabel: 'bench' });

  // Parties with accounts (rows as createUser writes them, without 150 password hashes), invited through the service.
  const parties: Array<{ user: UserRecord; token: string; caller: CaseCaller }> = [];
  let caseId = '';
  for (let i = 0; i < PARTIES; i++) {
    const email = `psirt-${i}@vendor-${i}.example`;
    const row = await ctx.db.insertInto('users').values({ email, name: `Vendor ${i}`, password_hash: 'x', site_admin: false }).returning(['id', 'email', 'name', 'site_admin']).executeTakeFirstOrThrow();
    const user: UserRecord = { id: row.id, email: row.email, name: row.name, siteAdmin: false, twoFactor: false };
    await inviteParty(ctx, project, trackingId, adminActor, 'bench', { email, name: `Vendor ${i}`, role: i % 10 === 0 ? 'upstream' : 'vendor' });
    const token = (await createApiToken(ctx, user, 'bench')).token;
    if (!caseId) caseId = (await ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', trackingId).executeTakeFirstOrThrow()).id;
    const caller = await resolveCase(ctx, caseId, { user, tokenProjectIds: null, actorOn: async () => null, label: `user:${user.id}` });
    parties.push({ user, token, caller });
  }
  // Maintainers: the admin and triagers, each with a token and an unread marker of their own.
  const maintainers: Array<{ user: UserRecord; token: string; caller: CaseCaller }> = [
    { user: adminUser, token: adminToken, caller: await resolveCase(ctx, caseId, { user: adminUser, tokenProjectIds: null, actorOn: async () => adminActor, label: 'bench' }) },
  ];
  for (let i = 1; i < MAINTAINERS; i++) {
    const user = await createUser(ctx, { email: `triager-${i}@bench.example`, name: `Triager ${i}`, password: 'correct horse battery staple', siteAdmin: false }, 'bench');
    await setMembership(ctx, SLUG, user.email, 'triager', 'bench');
    const actor = { userId: user.id, siteAdmin: false, role: 'triager' as const };
    maintainers.push({ user, token: (await createApiToken(ctx, user, 'bench')).token, caller: await resolveCase(ctx, caseId, { user, tokenProjectIds: null, actorOn: async () => actor, label: `user:${user.id}` }) });
  }
  // Statuses: two products per party, one to three changes each (the history).
  let changes = 0;
  for (const [i, p] of parties.entries()) {
    for (const product of [`pkg:npm/vendor-${i}`, `Vendor ${i} Appliance`]) {
      const steps = 1 + Math.floor(random() * 3);
      for (let s = 0; s < steps; s++) {
        const status = STATUSES[Math.floor(random() * STATUSES.length)]!;
        await setPartyStatus(ctx, p.caller, {
          vulnerability: trackingId,
          product,
          status,
          justification: status === 'not_affected' ? 'vulnerable_code_not_present' : null,
          fixed_versions: status === 'fixed' ? '2.0.1' : null,
          statement: `Statement ${s} of vendor ${i}.`,
        });
        changes++;
      }
    }
  }
  // The thread: 1,000 messages from the maintainers and random parties; markers (parties' and maintainers') read at
  // random points in between.
  for (let m = 0; m < MESSAGES; m++) {
    const author = random() < 0.2 ? maintainers[Math.floor(random() * maintainers.length)]! : parties[Math.floor(random() * PARTIES)]!;
    const files = m % 25 === 0 ? [{ filename: `trace-${m}.txt`, data: Buffer.from(`stack trace ${m}\n`.repeat(40)) }] : [];
    await postCaseMessage(ctx, author.caller, { body: `Message ${m}: ${'details '.repeat(20)}`, files });
    if (random() < 0.1) {
      const reader = random() < 0.2 ? maintainers[Math.floor(random() * maintainers.length)]! : parties[Math.floor(random() * PARTIES)]!;
      const seq = Number((await ctx.db.selectFrom('case_messages').select((e) => e.fn.max('seq').as('m')).executeTakeFirstOrThrow()).m);
      await markRead(ctx, reader.caller, seq);
    }
  }
  console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${PARTIES} parties, ${changes} status changes, ${MESSAGES} messages`);

  const party = parties[7]!;
  const rows: Array<{ what: string; ms: number[]; bytes: number; targeted: boolean }> = [];
  const add = async (what: string, token: string, url: string, targeted = true) => {
    const r = await time(rt, token, url);
    rows.push({ what, ms: r.ms, bytes: r.bytes, targeted });
    return r.body;
  };
  await add('GET /healthz (HTTP floor)', adminToken, '/healthz', false);
  await add('GET /api/v1/cases/:id (maintainer: all parties, statuses)', adminToken, `/api/v1/cases/${caseId}`);
  await add('GET /api/v1/cases/:id (a party)', party.token, `/api/v1/cases/${caseId}`);
  await add('GET …/reports/:trackingId/parties (maintainer)', adminToken, `/api/v1/projects/${SLUG}/reports/${trackingId}/parties`);
  await add('GET /api/v1/cases (a party: its cases, unread)', party.token, '/api/v1/cases');
  await add('GET /api/v1/cases/:id/messages (latest page)', party.token, `/api/v1/cases/${caseId}/messages`);
  await add('GET /api/v1/cases/:id/messages?before=500', party.token, `/api/v1/cases/${caseId}/messages?before=500`);
  const file = await ctx.db.selectFrom('case_attachments').select('id').where('report_id', '=', caseId).limit(1).executeTakeFirstOrThrow();
  await add('GET /api/v1/cases/:id/attachments/:id (a party)', party.token, `/api/v1/cases/${caseId}/attachments/${file.id}`);

  const floor = median(rows[0]!.ms);
  console.log(`\n  ${'route'.padEnd(58)} ${'median ms'.padStart(10)} ${'p90 ms'.padStart(8)} ${'× floor'.padStart(8)} ${'KB'.padStart(6)}`);
  for (const r of rows) {
    const m = median(r.ms);
    const flag = r.targeted && m > TARGET_MS ? '  OVER TARGET' : '';
    console.log(`  ${r.what.padEnd(58)} ${m.toFixed(1).padStart(10)} ${p90(r.ms).toFixed(1).padStart(8)} ${(m / floor).toFixed(1).padStart(8)} ${(r.bytes / 1024).toFixed(0).padStart(6)}${flag}`);
  }

  // Unread markers: every party's count from the API equals the count over the seeded messages.
  const markers = new Map((await ctx.db.selectFrom('case_parties').select(['user_id', 'last_read_seq']).execute()).map((r) => [r.user_id, Number(r.last_read_seq)]));
  const seqs = (await ctx.db.selectFrom('case_messages').select(['seq', 'party_id']).orderBy('seq').execute()).map((r) => ({ seq: Number(r.seq), party: r.party_id }));
  let wrong = 0;
  for (const p of parties) {
    const marker = markers.get(p.user.id) ?? 0;
    const expected = seqs.filter((m) => m.seq > marker && m.party !== (p.caller.kind === 'party' ? p.caller.party.id : null)).length;
    const page = (await rt.app.inject({ url: `/api/v1/cases/${caseId}`, headers: { authorization: `Bearer ${p.token}` } })).json() as { unread: number };
    const list = (await rt.app.inject({ url: '/api/v1/cases', headers: { authorization: `Bearer ${p.token}` } })).json() as { cases: Array<{ unread: number }> };
    if (page.unread !== expected || list.cases[0]?.unread !== expected) wrong++;
  }
  const distinct = new Set(parties.map((p) => markers.get(p.user.id))).size;
  console.log(`\n  unread markers: ${PARTIES - wrong}/${PARTIES} parties right (case page and case list), ${distinct} distinct markers`);
  // Maintainers: each its own marker; their own messages never unread.
  const own = new Map((await ctx.db.selectFrom('case_read_markers').select(['user_id', 'last_read_seq']).where('report_id', '=', caseId).execute()).map((r) => [r.user_id, Number(r.last_read_seq)]));
  const authored = (await ctx.db.selectFrom('case_messages').select(['seq', 'author_user_id']).where('report_id', '=', caseId).execute()).map((r) => ({ seq: Number(r.seq), author: r.author_user_id }));
  let wrongMaintainers = 0;
  const counts: number[] = [];
  for (const m of maintainers) {
    const marker = own.get(m.user.id) ?? 0;
    const expected = authored.filter((x) => x.seq > marker && x.author !== m.user.id).length;
    const headers = { authorization: `Bearer ${m.token}` };
    const page = (await rt.app.inject({ url: `/api/v1/cases/${caseId}`, headers })).json() as { unread: number };
    const list = (await rt.app.inject({ url: `/api/v1/projects/${SLUG}/reports/${trackingId}/parties`, headers })).json() as { unread: number };
    counts.push(expected);
    if (page.unread !== expected || list.unread !== expected) wrongMaintainers++;
  }
  console.log(`  unread markers: ${MAINTAINERS - wrongMaintainers}/${MAINTAINERS} maintainers right (case page and parties list), unread ${counts.join(', ')}`);
  wrong += wrongMaintainers;
  const over = rows.filter((r) => r.targeted && median(r.ms) > TARGET_MS);
  console.log(over.length === 0 && wrong === 0 ? `  OK: every case route ≤ ${TARGET_MS} ms, every unread count right` : '  FAILED');
  process.exitCode = over.length === 0 && wrong === 0 ? 0 : 1;
} finally {
  await rt.close();
  await drop();
}
