import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';
import { parseFeed } from '@rowanmanning/feed-parser';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, type World } from '../support/fixtures.ts';
import { advisoryContent, createAdvisory, move, publishedAdvisory } from '../support/advisory-fixtures.ts';
import { validators } from '../unit/formats/schema-validators.ts';
import { runCsafMandatoryTests } from '../../src/core/formats/csaf-mandatory-tests.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const ATOM_RNG = readFileSync(join(FIXTURES, 'golden', 'schemas', 'atom.rng'), 'utf8');
const json = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Record<string, unknown>;

/** CSAF provider metadata and ROLIE feed schemas (OASIS), with the CSAF schema the provider schema `$ref`s. */
function csafAuxValidators() {
  const Ajv = Ajv2020 as unknown as typeof Ajv2020.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  for (const v of ['2.0', '3.0', '3.1']) {
    const { $schema: _s, $id: _i, id: _j, ...schema } = json(`schemas/csaf/cvss-v${v}.json`);
    ajv.addSchema(schema, `https://www.first.org/cvss/cvss-v${v}.json`);
  }
  ajv.addSchema(json('schemas/csaf/csaf_json_schema.json'));
  return { provider: ajv.compile(json('golden/schemas/csaf-provider_json_schema.json')), rolie: ajv.compile(json('golden/schemas/csaf-ROLIE_feed_json_schema.json')) };
}

async function assertValidAtom(xml: string): Promise<void> {
  const result = await validateXML({ xml: { fileName: 'feed.atom', contents: xml }, schema: { fileName: 'atom.rng', contents: ATOM_RNG }, extension: 'relaxng' });
  assert.ok(result.valid, result.rawOutput);
}

/** Payloads a hostile editor (or a compromised account) could put into an advisory. */
const XSS = {
  title: 'Title <script>alert("t")</script>',
  summary: 'Summary "><img src=x onerror=alert(1)>',
  details: [
    '<script>alert("raw html")</script>',
    '<img src=x onerror=alert(2)>',
    '[js](javascript:alert(3)) [JS](JaVaScRiPt:alert(4)) [ent](jav&#x09;ascript:alert(5)) [data](data:text/html;base64,PHNjcmlwdD4=)',
    '[vb](vbscript:msgbox(6)) [proto](//evil.example/x) <javascript:alert(7)>',
    '![pixel](https://tracker.example/p.png)',
    '[fine](https://example.org/fix) and https://example.org/auto',
  ].join('\n\n'),
  credits: [{ name: '<b onmouseover=alert(8)>Mallory</b>', type: 'finder' }],
  references: [{ type: 'web', url: 'https://example.org/?q="><script>alert(9)</script>', name: '<i>ref</i>' }],
};

const xmlText = (s: string): string => s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');

function assertNoActiveContent(html: string): void {
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<(b|i) /i);
  assert.doesNotMatch(html, /<[a-z][^>]*\son\w+\s*=/i, 'no event handler attribute in any tag');
  assert.doesNotMatch(html, /href="(?!https?:|\/(?!\/)|#|mailto:)/i, 'every link is http(s), mailto, a fragment or same-site');
  assert.doesNotMatch(html, /style=/i, 'no inline styles (CSP)');
}

for (const engine of ENGINES) {
  describe(`public advisories on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
    });
    after(() => rt.close());

    test('only published and withdrawn advisories are public; the rest are 404 like unknown ids', async () => {
      const draft = await createAdvisory(rt, world, advisoryContent({ title: 'Secret draft title' }));
      const review = await createAdvisory(rt, world);
      await move(rt, world, review.advisory.id, 'in-review');
      const published = await publishedAdvisory(rt, world, advisoryContent({ title: 'Public title' }));
      for (const id of [draft.advisory.id, review.advisory.id, 'PRIV-SA-2026-9999']) {
        for (const suffix of ['', '/osv.json']) assert.equal((await rt.app.inject({ url: `/projects/privastream/advisories/${id}${suffix}` })).statusCode, 404, `${id}${suffix}`);
      }
      assert.equal((await rt.app.inject({ url: '/projects/no-such-project/advisories' })).statusCode, 404);
      const list = await rt.app.inject({ url: '/projects/privastream/advisories' });
      assert.equal(list.statusCode, 200);
      assert.match(list.headers['content-type'] as string, /^text\/html/);
      assert.match(list.body, /Public title/);
      assert.doesNotMatch(list.body, /Secret draft title/);
      const feed = await rt.app.inject({ url: '/projects/privastream/advisories.atom' });
      assert.doesNotMatch(feed.body, /Secret draft title/);

      const page = await rt.app.inject({ url: `/projects/privastream/advisories/${published.advisory.id}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
      assert.match(page.body, /<link rel="stylesheet" href="\/advisories.css">/);
      const css = await rt.app.inject({ url: '/advisories.css' });
      assert.equal(css.statusCode, 200);
      assert.match(css.headers['content-type'] as string, /^text\/css/);
    });

    test('XSS payloads in every field are escaped; Markdown keeps only safe links and no raw HTML or images', async () => {
      const a = await publishedAdvisory(rt, world, advisoryContent(XSS));
      const page = await rt.app.inject({ url: `/projects/privastream/advisories/${a.advisory.id}` });
      assert.equal(page.statusCode, 200, page.body);
      assertNoActiveContent(page.body);
      assert.match(page.body, /Title &lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt;/);
      assert.match(page.body, /&lt;script&gt;alert\(&quot;raw html&quot;\)&lt;\/script&gt;/, 'raw HTML in Markdown shows as text');
      assert.match(page.body, /<a href="https:\/\/example.org\/fix" rel="nofollow noopener noreferrer">fine<\/a>/);
      assert.match(page.body, /<a href="https:\/\/example.org\/auto" rel="nofollow noopener noreferrer">/, 'bare URLs are linked');
      assert.match(page.body, /&lt;b onmouseover=alert\(8\)&gt;Mallory&lt;\/b&gt;/);

      const list = await rt.app.inject({ url: '/projects/privastream/advisories' });
      assertNoActiveContent(list.body);

      const feed = await rt.app.inject({ url: '/projects/privastream/advisories.atom' });
      await assertValidAtom(feed.body);
      const parsed = parseFeed(feed.body);
      const item = parsed.items.find((i) => i.id?.endsWith(a.advisory.id));
      assert.ok(item, 'the advisory is in the feed');
      assert.equal(item.title, `${a.advisory.id}: ${XSS.title}`);
      // The entry's HTML is what XML parsing gives once (the parser above decodes entities a second time, which
      // a reader rendering the HTML would not).
      assert.doesNotMatch(feed.body, /<script/i);
      const contents = [...feed.body.matchAll(/<content type="html">([^<]*)<\/content>/g)].map((m) => xmlText(m[1] ?? ''));
      assert.ok(contents.length >= 1);
      for (const html of contents) assertNoActiveContent(html);
    });

    test('Atom feed: RFC 4287 (RELAX NG of Appendix B), parsed by a feed reader, withdrawn entries marked', async () => {
      const a = await publishedAdvisory(rt, world, advisoryContent({ title: 'To be withdrawn' }));
      await move(rt, world, a.advisory.id, 'withdrawn', 'Duplicate of an earlier advisory');
      const res = await rt.app.inject({ url: '/projects/privastream/advisories.atom' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/atom\+xml/);
      await assertValidAtom(res.body);
      const feed = parseFeed(res.body);
      assert.equal(feed.title, 'PrivaStream security advisories');
      assert.equal(feed.self, 'https://embargo.test/projects/privastream/advisories.atom');
      assert.equal(feed.url, 'https://embargo.test/projects/privastream/advisories');
      assert.ok(feed.authors.length === 1);
      const item = feed.items.find((i) => i.id === `https://embargo.test/projects/privastream/advisories/${a.advisory.id}`);
      assert.ok(item);
      assert.equal(item.title, `${a.advisory.id}: To be withdrawn (withdrawn)`);
      assert.equal(item.url, `https://embargo.test/projects/privastream/advisories/${a.advisory.id}`);
      assert.ok(item.updated instanceof Date && item.published instanceof Date);
      assert.deepEqual(item.categories.map((c) => c.term), ['CWE-22']);

      const empty = await rt.app.inject({ url: '/projects/personal-chatter/advisories.atom' });
      await assertValidAtom(empty.body);
      assert.equal(parseFeed(empty.body).items.length, 0);
    });

    test('the Atom validation is not a rubber stamp: a feed without an id fails', async () => {
      const res = await rt.app.inject({ url: '/projects/personal-chatter/advisories.atom' });
      await assert.rejects(assertValidAtom(res.body.replace(/<id>[^<]*<\/id>/, '')));
    });

    test('public OSV JSON and the CSAF provider: metadata, ROLIE feed, index.txt, changes.csv, documents', async () => {
      const a = await publishedAdvisory(rt, world);
      const osv = await rt.app.inject({ url: `/projects/privastream/advisories/${a.advisory.id}/osv.json` });
      assert.equal(osv.statusCode, 200);
      assert.match(osv.headers['content-type'] as string, /^application\/json/);
      assert.ok(validators.osv(osv.json()), JSON.stringify(validators.osv.errors));
      assert.equal((await rt.app.inject({ url: `/projects/privastream/advisories/${a.advisory.id}/cve.json` })).statusCode, 404, 'no CNA configured');

      const aux = csafAuxValidators();
      const meta = await rt.app.inject({ url: '/.well-known/csaf/provider-metadata.json' });
      assert.equal(meta.statusCode, 200);
      assert.ok(aux.provider(meta.json()), JSON.stringify(aux.provider.errors));
      const rolie = await rt.app.inject({ url: '/.well-known/csaf/feed-tlp-white.json' });
      assert.ok(aux.rolie(rolie.json()), JSON.stringify(aux.rolie.errors));
      const entries = (rolie.json() as { feed: { entry: { id: string; content: { src: string } }[] } }).feed.entry;
      const entry = entries.find((e) => e.id === a.advisory.id);
      assert.ok(entry);
      const path = new URL(entry.content.src).pathname;
      assert.equal(path, `/.well-known/csaf/2026/${a.advisory.id.toLowerCase()}.json`);

      const index = await rt.app.inject({ url: '/.well-known/csaf/index.txt' });
      assert.ok(index.body.split('\n').includes(path.replace('/.well-known/csaf/', '')));
      const changes = await rt.app.inject({ url: '/.well-known/csaf/changes.csv' });
      assert.match(changes.body, new RegExp(`^"2026/${a.advisory.id.toLowerCase()}\\.json","2026-03-02T09:00:00Z"$`, 'm'));

      const doc = await rt.app.inject({ url: path });
      assert.equal(doc.statusCode, 200);
      assert.ok(validators.csaf(doc.json()), JSON.stringify(validators.csaf.errors));
      assert.deepEqual(runCsafMandatoryTests(doc.json()), []);
      const self = ((doc.json() as { document: { references: { category: string; url: string }[] } }).document.references).find((r) => r.category === 'self');
      assert.equal(self?.url, entry.content.src, 'the document names the URL it is served at');
      assert.equal((await rt.app.inject({ url: '/.well-known/csaf/2026/priv-sa-2026-9999.json' })).statusCode, 404);

      const draft = await createAdvisory(rt, world);
      const after = await rt.app.inject({ url: '/.well-known/csaf/index.txt' });
      assert.ok(!after.body.includes(draft.advisory.id.toLowerCase()), 'drafts are not in the directory');
    });
  });
}

describe('the CSAF provider on a public URL with a port', () => {
  let rt: TestServer;
  let world: World;
  before(async () => {
    rt = await startTestRuntime(ENGINES[0] ?? assert.fail('no engine'), { EMBARGO_PUBLIC_URL: 'https://embargo.test:8443' });
    world = await seedWorld(rt);
  });
  after(() => rt.close());

  test('the ROLIE feed id stays valid against its schema (no colon from the port) and the metadata too', async () => {
    await publishedAdvisory(rt, world);
    const aux = csafAuxValidators();
    const rolie = await rt.app.inject({ url: '/.well-known/csaf/feed-tlp-white.json' });
    assert.ok(aux.rolie(rolie.json()), JSON.stringify(aux.rolie.errors));
    assert.match((rolie.json() as { feed: { id: string } }).feed.id, /8443/, 'two ports of one host are two feeds');
    const meta = await rt.app.inject({ url: '/.well-known/csaf/provider-metadata.json' });
    assert.ok(aux.provider(meta.json()), JSON.stringify(aux.provider.errors));
  });
});
