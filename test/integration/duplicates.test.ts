import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { createInternalReport } from '../../src/services/reports/intake.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { signPendingReports } from '../../src/services/triage/signing.ts';
import { createTermHash, triageIndexKey } from '../../src/adapters/crypto/term-hash.ts';
import type { ServiceContext } from '../../src/services/context.ts';

/** Earlier, unrelated reports of the project: what makes "privastream" and "attacker" common words there. */
const BACKGROUND = [
  ['Stored XSS in playlist names', 'A playlist name containing <script> is rendered unescaped on the public profile page of privastream, so any visitor runs the attacker script.'],
  ['Session cookie lacks Secure flag', 'The privastream session cookie is sent without the Secure attribute, so it leaks over plain HTTP on mixed networks.'],
  ['Open redirect after login', 'The next= parameter of /login in privastream redirects to any external site, which helps phishing.'],
  ['SSRF in thumbnail fetcher', 'The thumbnail service of privastream fetches any URL given in the upload form, including http://169.254.169.254/ metadata.'],
  ['Rate limit bypass on password reset', 'Password reset emails can be requested without limit by rotating X-Forwarded-For values; privastream trusts the header.'],
  ['Path traversal in subtitle download', 'GET /subtitles?file=../../etc/passwd returns files outside the subtitle directory of privastream (subtitles.py).'],
];

const ORIGINAL = {
  title: 'Heap buffer overflow in parse_header (rtmp/ingest.c)',
  description:
    'The RTMP ingest of privastream copies the chunk header into a fixed 128-byte buffer in parse_header() without checking the declared length. ' +
    'A crafted chunk with a length field of 4096 overwrites the heap and crashes the ingest worker; with a controlled payload it may allow code execution. ' +
    'Tested on privastream 2.4.1 with the default configuration.',
  steps_to_reproduce: '1. Start privastream 2.4.1.\n2. Send the attached chunk to port 1935.\n3. The ingest worker dies with SIGSEGV in parse_header.',
};

const PARAPHRASE = {
  title: 'Security problem: ingest server crash',
  description:
    'Hello team,\n\nwhile fuzzing the RTMP ingest I got a segfault in parse_header (rtmp/ingest.c). ' +
    'The function trusts the length in the chunk header and copies it into a 128 byte heap buffer, so a length of 4096 writes past the end. ' +
    'I believe remote code execution could be possible.\n\nThanks, Bob',
};

const TERSE = { title: 'crash in ingest', description: 'privastream 2.4.1: parse_header in rtmp/ingest.c overflows its heap buffer on a long chunk header.' };

const OTHER_BUG_SAME_PACKAGE = {
  title: 'Cross-site scripting in the channel description',
  description:
    'The channel description field of privastream 2.4.1 is rendered as raw HTML in channel.tsx, so a streamer can put a script in it that runs for every viewer of the channel page.',
};

for (const engine of ENGINES) {
  describe(`duplicate candidates on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    const url = (slug: string, id: string) => `/api/v1/projects/${slug}/reports/${id}`;
    const post = (slug: string, r: Record<string, unknown>, email = 'someone@example.org') => submit(rt, slug, validReport({ steps_to_reproduce: 'As described above.', impact: 'As described above.', reporter_email: email, ...r }));
    const view = async (slug: string, id: string, as: Parameters<World['as']>[0] = 'triager') => {
      const res = await rt.app.inject({ url: url(slug, id), headers: world.as(as) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { duplicate_candidates: { tracking_id: string; score: number; reasons: string[] }[]; duplicate_of: string | null; state: string };
    };
    let original = '';

    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      for (const [title, description] of BACKGROUND) await post('privastream', { title, description });
      original = (await post('privastream', ORIGINAL, 'ada@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
    });
    after(() => rt.close());

    test('a paraphrased re-submission by another reporter gets the first report as its candidate, with reasons in words', async () => {
      const again = (await post('privastream', PARAPHRASE, 'bob@example.org')).tracking_id;
      assert.deepEqual((await view('privastream', again)).duplicate_candidates, [], 'nothing until the triage job has signed it');
      const ran = await rt.jobs.runAllOnce();
      assert.equal(ran.triage, 1);
      const { duplicate_candidates: found } = await view('privastream', again);
      assert.equal(found.length, 1, JSON.stringify(found));
      const [c] = found;
      assert.equal(c?.tracking_id, original);
      assert.ok((c?.score ?? 0) >= 0.45, JSON.stringify(c));
      assert.ok(c?.reasons.includes('same function name `parse_header`'), JSON.stringify(c?.reasons));
      assert.ok(c?.reasons.includes('same file `rtmp/ingest.c`'), JSON.stringify(c?.reasons));
      assert.ok(!c?.reasons.includes('same file `ingest.c`'), 'the path says it once');
      assert.ok(c?.reasons.some((r) => /^\d+% of the distinctive wording shared$/.test(r)), JSON.stringify(c?.reasons));
      // The earlier report is not changed by a later one.
      assert.deepEqual((await view('privastream', original)).duplicate_candidates, []);
    });

    test('a terse re-write keeping the identifiers is caught too', async () => {
      const terse = (await post('privastream', TERSE, 'carol@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
      const found = (await view('privastream', terse)).duplicate_candidates.map((c) => c.tracking_id);
      assert.ok(found.includes(original), JSON.stringify(found));
    });

    test('a different bug in the same package is not a candidate', async () => {
      const other = (await post('privastream', OTHER_BUG_SAME_PACKAGE, 'dan@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
      assert.deepEqual((await view('privastream', other)).duplicate_candidates, []);
    });

    test("a report is compared only with its own project's reports", async () => {
      const elsewhere = (await post('personal-chatter', ORIGINAL, 'ada@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
      const res = await rt.app.inject({ url: url('personal-chatter', elsewhere), headers: world.as('outsider') });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().duplicate_candidates, [], 'the identical privastream report is never named');
      const rows = await rt.ctx.db
        .selectFrom('report_duplicate_candidates as c')
        .innerJoin('reports as a', 'a.id', 'c.report_id')
        .innerJoin('reports as b', 'b.id', 'c.candidate_id')
        .select(['a.project_id as a', 'b.project_id as b'])
        .execute();
      assert.ok(rows.length > 0);
      assert.ok(rows.every((r) => r.a === r.b), 'no stored candidate crosses projects');
    });

    test('the field is there for every role that reads the report, never for the reporter or a non-member', async () => {
      const again = (await post('privastream', { ...PARAPHRASE, title: 'parse_header overflow again' }, 'erin@example.org'));
      await rt.jobs.runAllOnce();
      for (const role of ['siteAdmin', 'admin', 'triager', 'viewer'] as const) {
        const found = (await view('privastream', again.tracking_id, role)).duplicate_candidates.map((c) => c.tracking_id);
        assert.ok(found.includes(original), `${role}: ${JSON.stringify(found)}`);
      }
      const outsider = await rt.app.inject({ url: url('privastream', again.tracking_id), headers: world.as('outsider') });
      assert.equal(outsider.statusCode, 404);
      const reporter = await rt.app.inject({ url: `/api/v1/reporter/${again.reporter_token}` });
      assert.equal(reporter.statusCode, 200, reporter.body);
      assert.equal(reporter.json().duplicate_candidates, undefined);
      assert.ok(!reporter.body.includes(original), 'the reporter is not told which report theirs resembles');
    });

    test("the project's threshold decides what is shown, at once", async () => {
      const other = (await post('privastream', OTHER_BUG_SAME_PACKAGE, 'frank@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
      assert.equal((await view('privastream', other)).duplicate_candidates.length, 1, 'the same text twice is a candidate');
      await savePolicy(rt.ctx, `${examplePolicy('privastream')}\ntriage:\n  duplicate_threshold: 1\n`, 'test');
      assert.deepEqual((await view('privastream', other)).duplicate_candidates.filter((c) => c.score < 1), []);
      await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
    });

    test('reject as duplicate of a candidate: one transition, audited', async () => {
      const again = (await post('privastream', { ...PARAPHRASE, title: 'Ingest segfault' }, 'gina@example.org')).tracking_id;
      await rt.jobs.runAllOnce();
      const c = (await view('privastream', again)).duplicate_candidates.find((x) => x.tracking_id === original);
      assert.ok(c, 'the original is among the candidates');
      const res = await rt.app.inject({ method: 'POST', url: `${url('privastream', again)}/transitions`, headers: world.as('triager'), payload: { to: 'rejected', reason: 'duplicate', duplicate_of: c.tracking_id } });
      assert.equal(res.statusCode, 200, res.body);
      const after = await view('privastream', again);
      assert.equal(after.state, 'rejected');
      assert.equal(after.duplicate_of, original);
      const audit = await rt.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'report.transition').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((audit.data as { duplicate_of: string }).duplicate_of, original);
    });

    test('reports filed by maintainers (scan findings) are signed by the same job, and the index holds no words', async () => {
      const project = await getProject(rt.ctx.db, 'privastream');
      await createInternalReport(rt.ctx, project, { title: ORIGINAL.title, description: ORIGINAL.description, source: 'scan', actorLabel: 'test' });
      assert.equal(await signPendingReports(rt.ctx), 1);
      assert.equal(await signPendingReports(rt.ctx), 0, 'signed once');
      const pending = await rt.ctx.db.selectFrom('reports').select('id').where('triage_pending', '=', true).execute();
      assert.deepEqual(pending, []);
      const sig = await rt.ctx.db.selectFrom('report_signatures').select('hashes').limit(1).executeTakeFirstOrThrow();
      assert.ok(sig.hashes.every((h) => Number.isInteger(h)), 'integers, not text');
      const candidates = await rt.ctx.db.selectFrom('report_duplicate_candidates').select('reasons_sealed').execute();
      for (const c of candidates) assert.ok(!Buffer.from(c.reasons_sealed).toString('latin1').includes('parse_header'), 'reasons are sealed');
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'report.triage-aids').execute();
      assert.ok(audit.length > 0);
      assert.ok(audit.every((a) => !JSON.stringify(a.data).includes('parse_header')), 'the audit names tracking ids and scores only');
    });

    test('after the active encryption key changes, each project is re-indexed under the new key and duplicates are still found', async () => {
      const rotated: ServiceContext = { ...rt.ctx, triageIndex: { keyId: 'rotated', hash: createTermHash(triageIndexKey(Buffer.alloc(32, 42))) } };
      const before = await rt.ctx.db.selectFrom('reports').select('id').where('triage_pending', '=', false).execute();
      let queued = 0;
      for (let i = 0; i < 200 && (await rt.ctx.db.selectFrom('triage_corpus').select('project_id').where('key_id', '<>', 'rotated').execute()).length; i++) queued += await signPendingReports(rotated);
      while ((await signPendingReports(rotated)) > 0);
      assert.ok(queued >= before.length, `${queued} handled`);
      const keys = await rt.ctx.db.selectFrom('report_signatures').select('key_id').distinct().execute();
      assert.deepEqual(keys.map((k) => k.key_id), ['rotated'], 'every signature is under the new key');
      const again = (await post('privastream', { ...PARAPHRASE, title: 'After the rotation' }, 'hal@example.org')).tracking_id;
      while ((await signPendingReports(rotated)) > 0);
      const found = (await view('privastream', again)).duplicate_candidates.map((c) => c.tracking_id);
      assert.ok(found.includes(original), JSON.stringify(found));
      const audit = await rt.ctx.db.selectFrom('audit_log').select('data').where('action', '=', 'triage.reindexed').execute();
      assert.equal(audit.length, 2, 'one entry per project re-indexed');
    });
  });
}
