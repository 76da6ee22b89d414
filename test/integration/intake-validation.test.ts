import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { examplePolicy, seedWorld, submit, validReport, type World } from '../support/fixtures.ts';
import { ELF_BYTES, EXE_BYTES, multipartBody, PNG_1X1, type UploadFile } from '../support/multipart.ts';
import { assertNoWrites, rowCounts } from '../support/db-counts.ts';
import { savePolicy } from '../../src/services/projects/projects.ts';
import { sha256Hex } from '../../src/adapters/crypto/tokens.ts';

const PRIV = '/api/v1/projects/privastream/reports';
const PCHAT = '/api/v1/projects/personal-chatter/reports';

interface ErrorJson {
  error: string;
  message: string;
  problems?: Array<{ field: string; message: string }>;
}

const fieldsOf = (res: LightMyRequestResponse): string[] => ((res.json() as ErrorJson).problems ?? []).map((p) => p.field).sort();
const requiredFieldsOf = (name: string): string[] => (parseYaml(examplePolicy(name)) as { intake: { required_fields: string[] } }).intake.required_fields;

/** A valid report minus some fields. */
const without = (...fields: string[]) => {
  const r: Record<string, unknown> = validReport();
  for (const f of fields) delete r[f];
  return r;
};

/** Sends a request that must be refused and checks the refusal wrote nothing at all. */
async function rejected(rt: TestServer, req: InjectOptions, status: number): Promise<LightMyRequestResponse> {
  return assertNoWrites(
    rt,
    async () => {
      const res = await rt.app.inject({ method: 'POST', ...req });
      assert.equal(res.statusCode, status, `${req.method ?? 'POST'} ${req.url}: ${res.body.slice(0, 500)}`);
      return res;
    },
    `${req.url} answered ${status}`,
  );
}

async function multipartSubmit(rt: TestServer, files: UploadFile[], fields: Record<string, unknown> = validReport(), url = PRIV): Promise<InjectOptions> {
  return { method: 'POST', url, ...(await multipartBody(fields, files)) };
}

const text = (name: string, bytes: number | string): UploadFile => ({
  filename: name,
  data: typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.alloc(bytes, 'a'),
  type: 'text/plain',
});

const seqOf = (trackingId: string) => Number(trackingId.split('-')[2]);

for (const engine of ENGINES) {
  describe(`intake validation on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt?.close());

    describe('field validation: 400 naming every bad field, nothing stored', () => {
      test('missing title AND description are both listed', async () => {
        const res = await rejected(rt, { url: PRIV, payload: without('title', 'description') }, 400);
        assert.equal((res.json() as ErrorJson).error, 'validation');
        assert.deepEqual(fieldsOf(res), ['description', 'title']);
      });

      test('blank (whitespace-only) title and description are both listed', async () => {
        const res = await rejected(rt, { url: PRIV, payload: validReport({ title: '   ', description: '\n\t ' }) }, 400);
        assert.deepEqual(fieldsOf(res), ['description', 'title']);
      });

      test('an unknown field is named', async () => {
        const res = await rejected(rt, { url: PRIV, payload: validReport({ severity_guess: 'critical' }) }, 400);
        assert.deepEqual(fieldsOf(res), ['severity_guess']);
        assert.match((res.json() as ErrorJson).problems?.[0]?.message ?? '', /not a known field/);
      });

      test('a bad reporter email is named', async () => {
        const res = await rejected(rt, { url: PRIV, payload: validReport({ reporter_email: 'ada at example' }) }, 400);
        assert.deepEqual(fieldsOf(res), ['reporter_email']);
      });

      test("the policy's required fields (privastream.yaml intake.required_fields) are each named", async () => {
        const required = requiredFieldsOf('privastream');
        assert.ok(required.length >= 2, 'the example policy requires fields');
        const res = await rejected(rt, { url: PRIV, payload: without(...required) }, 400);
        assert.deepEqual(fieldsOf(res), [...required].sort());
        for (const p of (res.json() as ErrorJson).problems ?? []) assert.match(p.message, /required by the PrivaStream security policy/);
      });

      test("personal-chatter's required fields and terms acceptance are each named", async () => {
        const required = requiredFieldsOf('personal-chatter');
        const res = await rejected(rt, { url: PCHAT, payload: without(...required, 'accept_terms') }, 400);
        assert.deepEqual(fieldsOf(res), [...required, 'accept_terms'].sort());
      });

      test('an unknown category is named, with the accepted ids', async () => {
        const res = await rejected(rt, { url: PCHAT, payload: validReport({ category: 'quantum-tunnelling' }) }, 400);
        assert.deepEqual(fieldsOf(res), ['category']);
        assert.match((res.json() as ErrorJson).problems?.[0]?.message ?? '', /rce/);
      });

      test('asking for credit without any name is named', async () => {
        const res = await rejected(rt, { url: PRIV, payload: without('credit_name', 'reporter_name') }, 400);
        assert.deepEqual(fieldsOf(res), ['credit_name']);
      });

      test('several bad fields at once are all listed', async () => {
        const payload = { ...without('credit_name', 'reporter_name', 'steps_to_reproduce'), reporter_email: 'nope', cvss_vector: 'CVSS:9/AV:N' };
        const res = await rejected(rt, { url: PRIV, payload }, 400);
        assert.deepEqual(fieldsOf(res), ['credit_name', 'cvss_vector', 'reporter_email', 'steps_to_reproduce']);
      });

      test('wrong types and over-long values are named', async () => {
        const res = await rejected(rt, { url: PRIV, payload: validReport({ accept_terms: 'maybe', title: 'x'.repeat(201), credit_choice: 'fame' }) }, 400);
        assert.deepEqual(fieldsOf(res), ['accept_terms', 'credit_choice', 'title'], 'each bad field named once');
        const messages = Object.fromEntries(((res.json() as ErrorJson).problems ?? []).map((p) => [p.field, p.message]));
        assert.equal(messages.credit_choice, 'must be one of: credit, anonymous');
        assert.equal(messages.accept_terms, 'must be boolean');
      });

      test('an unknown project is 404', async () => {
        await rejected(rt, { url: '/api/v1/projects/no-such-project/reports', payload: validReport() }, 404);
      });

      test('an oversize JSON body is 413', async () => {
        const res = await rejected(rt, { url: PRIV, payload: validReport({ proof_of_concept: 'A'.repeat(3 * 1024 * 1024) }) }, 413);
        assert.equal((res.json() as ErrorJson).error, 'payload_too_large');
      });

      test('a multipart form is validated like JSON', async () => {
        const res = await rejected(rt, await multipartSubmit(rt, [text('notes.txt', 'hello')], without('title', 'description')), 400);
        assert.deepEqual(fieldsOf(res), ['description', 'title']);
      });

      test('files in any field but "attachments" are refused', async () => {
        const res = await rejected(rt, await multipartSubmit(rt, [{ ...text('notes.txt', 'hello'), field: 'file' }]), 400);
        assert.deepEqual(fieldsOf(res), ['file']);
      });
    });

    describe('attachments', () => {
      test('a multipart submission stores a text file and a PNG; maintainers download the exact bytes, always as a download', async () => {
        const notes = Buffer.from('Steps:\n1. open /models?name=../../etc/passwd\n2. observe root:x:0:0\n');
        const res = await rt.app.inject(await multipartSubmit(rt, [
          { filename: 'notes.txt', data: notes, type: 'text/plain' },
          { filename: 'screenshot.png', data: PNG_1X1, type: 'image/png' },
        ]));
        assert.equal(res.statusCode, 201, res.body);
        const { tracking_id } = res.json() as { tracking_id: string };
        const detail = await rt.app.inject({ url: `${PRIV}/${tracking_id}`, headers: world.as('triager') });
        assert.equal(detail.statusCode, 200, detail.body);
        const report = detail.json() as { source: string; attachments: Array<{ filename: string; content_type: string; size: number; sha256: string; url: string }> };
        assert.equal(report.source, 'web');
        assert.equal(report.attachments.length, 2);
        const byType = Object.fromEntries(report.attachments.map((a) => [a.content_type, a]));
        const cases: Array<[string, Buffer]> = [['text/plain', notes], ['image/png', PNG_1X1]];
        for (const [type, bytes] of cases) {
          const a = byType[type];
          assert.ok(a, `an attachment stored as ${type}`);
          assert.equal(a.size, bytes.length);
          assert.equal(a.sha256, sha256Hex(bytes));
          const dl = await rt.app.inject({ url: a.url, headers: world.as('viewer') });
          assert.equal(dl.statusCode, 200, dl.body);
          assert.match(String(dl.headers['content-disposition']), new RegExp(`^attachment; filename="${a.filename.replace('.', '\\.')}"`));
          assert.equal(dl.headers['content-type'], 'application/octet-stream');
          assert.equal(dl.headers['x-content-type-options'], 'nosniff');
          assert.ok(dl.rawPayload.equals(bytes), `downloaded bytes of ${a.filename} are the uploaded ones`);
        }
        assert.deepEqual(report.attachments.map((a) => a.filename).sort(), ['notes.txt', 'screenshot.png']);
      });

      test('the stored type comes from the bytes, not from what the client claims', async () => {
        const html = Buffer.from('<html><script>alert(1)</script></html>');
        const res = await rt.app.inject(await multipartSubmit(rt, [{ filename: 'x.png', data: html, type: 'image/png' }]));
        assert.equal(res.statusCode, 201, res.body);
        const detail = (await rt.app.inject({ url: `${PRIV}/${(res.json() as { tracking_id: string }).tracking_id}`, headers: world.as('admin') })).json() as {
          attachments: Array<{ content_type: string; url: string }>;
        };
        assert.equal(detail.attachments[0]?.content_type, 'text/plain');
        const dl = await rt.app.inject({ url: detail.attachments[0]?.url ?? '', headers: world.as('admin') });
        assert.equal(dl.headers['content-type'], 'application/octet-stream');
      });

      for (const [kind, bytes] of [['ELF', ELF_BYTES], ['EXE (MZ)', EXE_BYTES]] as const) {
        test(`an ${kind} executable is refused with 415 naming the attachment, and nothing is stored`, async () => {
          const res = await rejected(rt, await multipartSubmit(rt, [text('notes.txt', 'fine'), { filename: 'poc.bin', data: bytes, type: 'text/plain' }]), 415);
          const body = res.json() as ErrorJson;
          assert.equal(body.error, 'unsupported_media_type');
          assert.deepEqual(fieldsOf(res), ['attachments.1']);
        });
      }

      test("executables are refused on the reporter's follow-up messages too", async () => {
        const { reporter_token } = await submit(rt);
        const mp = await multipartBody({ body: 'here is the binary' }, [{ filename: 'poc.exe', data: EXE_BYTES }]);
        const res = await rejected(rt, { url: `/api/v1/reporter/${reporter_token}/messages`, ...mp }, 415);
        assert.deepEqual(fieldsOf(res), ['attachments.0']);
      });
    });

    describe('classification: flagged, stored (201), never dropped', () => {
      const cases = [
        { name: 'out-of-scope category', over: { category: 'dos', affected_version: '0.2.1' }, version: 'supported', scope: 'out-of-scope', flag: /out of scope: Denial of service/ },
        { name: 'limited version', over: { affected_version: '0.1.7' }, version: 'limited', scope: 'not-given', flag: /0\.1\.7 has limited support \(0\.1\.x\)/ },
        { name: 'unsupported version', over: { affected_version: '0.0.9' }, version: 'unsupported', scope: 'not-given', flag: /0\.0\.9 is unsupported/ },
        { name: 'unknown version', over: { affected_version: '7.3.1' }, version: 'unknown', scope: 'not-given', flag: /7\.3\.1 matches no row/ },
      ];
      for (const c of cases) {
        test(`${c.name} (personal-chatter)`, async () => {
          const before = await rowCounts(rt);
          const res = await rt.app.inject({ method: 'POST', url: PCHAT, payload: validReport(c.over) });
          assert.equal(res.statusCode, 201, res.body);
          const body = res.json() as { tracking_id: string; classification: { version_status: string; scope_status: string; flags: string[] } };
          assert.equal(body.classification.version_status, c.version);
          assert.equal(body.classification.scope_status, c.scope);
          assert.equal(body.classification.flags.length, 1, body.classification.flags.join('; '));
          assert.match(body.classification.flags[0] ?? '', c.flag);
          assert.equal((await rowCounts(rt)).reports, before.reports + 1);
          // The maintainer's queue shows it, with the same flags.
          const queue = await rt.app.inject({ url: PCHAT, headers: world.as('outsider') });
          const listed = (queue.json() as { reports: Array<{ tracking_id: string; classification: { flags: string[] } }> }).reports.find((r) => r.tracking_id === body.tracking_id);
          assert.ok(listed, 'the flagged report is in the queue');
          assert.deepEqual(listed.classification.flags, body.classification.flags);
        });
      }

      test('an in-scope category on a supported version carries no flag', async () => {
        const res = await rt.app.inject({ method: 'POST', url: PCHAT, payload: validReport({ category: 'rce', affected_version: '0.2.3' }) });
        assert.equal(res.statusCode, 201, res.body);
        const c = (res.json() as { classification: { version_status: string; scope_status: string; flags: string[] } }).classification;
        assert.deepEqual([c.version_status, c.scope_status, c.flags], ['supported', 'in-scope', []]);
      });
    });

    // Last in this runtime: it moves the clock into the next year.
    test('tracking IDs use the policy prefix and are sequential per project per year, with no gaps from rejected submissions', async () => {
      const p1 = (await submit(rt, 'privastream')).tracking_id;
      const c1 = (await submit(rt, 'personal-chatter')).tracking_id;
      await rejected(rt, { url: PRIV, payload: without('title') }, 400);
      await rejected(rt, await multipartSubmit(rt, [{ filename: 'a.exe', data: EXE_BYTES }]), 415);
      const p2 = (await submit(rt, 'privastream')).tracking_id;
      const c2 = (await submit(rt, 'personal-chatter')).tracking_id;
      const p3 = (await submit(rt, 'privastream')).tracking_id;
      for (const id of [p1, p2, p3]) assert.match(id, /^PRIV-2026-\d{4}$/);
      for (const id of [c1, c2]) assert.match(id, /^PCHAT-2026-\d{4}$/);
      assert.deepEqual([seqOf(p2) - seqOf(p1), seqOf(p3) - seqOf(p2)], [1, 1]);
      assert.equal(seqOf(c2) - seqOf(c1), 1);

      rt.clock.now = new Date('2027-01-01T00:00:01Z');
      assert.equal((await submit(rt, 'privastream')).tracking_id, 'PRIV-2027-0001');
      assert.equal((await submit(rt, 'personal-chatter')).tracking_id, 'PCHAT-2027-0001');
      assert.equal((await submit(rt, 'privastream')).tracking_id, 'PRIV-2027-0002');
    });
  });

  describe(`intake limits on ${engine.name} (EMBARGO_MAX_ATTACHMENT_BYTES=1000, EMBARGO_MAX_ATTACHMENTS=2, EMBARGO_INTAKE_RATE_LIMIT=3)`, () => {
    let rt: TestServer;
    // One runtime for all three limits; the rate limit counts per client, so each size test is its own client.
    let client = 0;
    const fresh = () => ({ remoteAddress: `198.51.100.${++client}` });
    before(async () => {
      rt = await startTestRuntime(engine, { EMBARGO_MAX_ATTACHMENT_BYTES: '1000', EMBARGO_MAX_ATTACHMENTS: '2', EMBARGO_INTAKE_RATE_LIMIT: '3' });
      await savePolicy(rt.ctx, examplePolicy('privastream'), 'test');
    });
    after(() => rt?.close());

    test('a file one byte over the limit is 413, and nothing is stored', async () => {
      const res = await rejected(rt, { ...(await multipartSubmit(rt, [text('small.txt', 10), text('big.txt', 1001)])), ...fresh() }, 413);
      assert.equal((res.json() as ErrorJson).error, 'payload_too_large');
    });

    test('a file of exactly the limit is accepted', async () => {
      const res = await rt.app.inject({ ...(await multipartSubmit(rt, [text('exact.txt', 1000)])), ...fresh() });
      assert.equal(res.statusCode, 201, res.body);
    });

    test('three files when two are allowed is 413, and nothing is stored', async () => {
      const res = await rejected(rt, { ...(await multipartSubmit(rt, [text('1.txt', 'one'), text('2.txt', 'two'), text('3.txt', 'three')])), ...fresh() }, 413);
      assert.equal((res.json() as ErrorJson).error, 'payload_too_large');
    });

    test('two files when two are allowed are both stored', async () => {
      const before = await rowCounts(rt);
      const res = await rt.app.inject({ ...(await multipartSubmit(rt, [text('1.txt', 'one'), text('2.txt', 'two')])), ...fresh() });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal((await rowCounts(rt)).attachments, before.attachments + 2);
    });

    test('the size and count limits apply to reporter follow-ups too', async () => {
      const client = fresh();
      const created = await rt.app.inject({ method: 'POST', url: PRIV, payload: validReport(), ...client });
      assert.equal(created.statusCode, 201, created.body);
      const url = `/api/v1/reporter/${(created.json() as { reporter_token: string }).reporter_token}/messages`;
      await rejected(rt, { url, ...(await multipartBody({ body: 'big' }, [text('big.txt', 1001)])), ...client }, 413);
      await rejected(rt, { url, ...(await multipartBody({ body: 'many' }, [text('1.txt', 'a'), text('2.txt', 'b'), text('3.txt', 'c')])), ...client }, 413);
    });

    test('the fourth submission in the window gets 429 with Retry-After, and is not stored', async () => {
      for (let i = 0; i < 3; i++) await submit(rt);
      const res = await rejected(rt, { url: PRIV, payload: validReport() }, 429);
      assert.equal((res.json() as ErrorJson).error, 'rate_limited');
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(Number.isFinite(retryAfter) && retryAfter > 0, `Retry-After: ${String(res.headers['retry-after'])}`);
      // Another client is not affected.
      const other = await rt.app.inject({ method: 'POST', url: PRIV, payload: validReport(), ...fresh() });
      assert.equal(other.statusCode, 201, other.body);
    });
  });
}
