import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { submitReport } from './support/dashboard.ts';
import { privastreamPathTraversal } from '../support/privastream-advisory.ts';

/**
 * One reporter page (issue 17): the link of the mails and of `reporter_link` is the styled page; the old
 * `/reporter/{token}` link lands there; the page shows what the reporter gave and, after disclosure, links the
 * published advisory; a link that opens nothing says so in words. Checked at 375 and 1280 px.
 */

const SLUG = 'privastream';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;

before(async () => {
  server = await startE2eServer([SLUG]);
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);
const REPORTS = `/api/v1/projects/${SLUG}/reports`;

describe('the reporter page in Chromium', () => {
  test('the old link opens the styled page, which shows what the reporter gave and links the advisory once published', async () => {
    const r = await submitReport(server, SLUG, {
      title: 'Path traversal in the recording download endpoint',
      description: 'GET /recordings/../../etc/passwd returns the file.',
      steps_to_reproduce: 'curl http://host/recordings/..%2f..%2fetc%2fpasswd',
      impact: 'Arbitrary file read.',
      affected_version: '1.0.3',
      cvss_vector: VECTOR,
      reporter_email: 'ada@example.org',
      accept_terms: 'true',
    });
    await withPage(async (g) => {
      await g.page.goto(`/reporter/${r.reporter_token}`);
      await g.page.waitForURL(new RegExp(`/p/${SLUG}/status#${r.reporter_token}$`));
      await g.page.getByRole('heading', { name: new RegExp(`^${r.tracking_id}: Path traversal`) }).waitFor();
      const facts = await g.page.locator('dl.facts').innerText();
      assert.match(facts, /Affected version\s+1\.0\.3/);
      assert.match(facts, /CVSS\s+7\.5 \(High\)/);
      assert.ok(facts.includes(VECTOR), facts);
      assert.equal(await g.page.getByRole('link', { name: /advisory/i }).count(), 0, 'nothing published yet');
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-page-old-link'), []);
    });

    for (const to of ['triaged', 'accepted', 'fixed']) await server.api(admin.token, 'POST', `${REPORTS}/${r.tracking_id}/transitions`, { to });
    const advisory = await server.api<{ advisory: { id: string } }>(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories`, {
      ...privastreamPathTraversal(),
      details: 'The handler joined the requested name without normalising it.',
      references: [{ type: 'fix', url: 'https://github.com/example/privastream/commit/abc123' }],
      report: r.tracking_id,
    });
    const id = advisory.advisory.id;
    await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${id}/transitions`, { to: 'in-review' });
    await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${id}/transitions`, { to: 'published' });

    await withPage(async (g) => {
      await g.page.goto(`/p/${SLUG}/status#${r.reporter_token}`);
      const link = g.page.getByRole('link', { name: new RegExp(`${id}`) });
      await link.waitFor();
      assert.ok((await link.getAttribute('href'))?.endsWith(`/projects/${SLUG}/advisories/${id}`), 'the public advisory page');
      assert.match(await g.page.locator('main').innerText(), /Status\s+Disclosed/);
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-page-disclosed'), []);
    });
  });

  test('a link that opens no report says so in words, old or new, whole or cut short', async () => {
    await withPage(async (g) => {
      g.expectConsole(/status of 404/);
      await g.page.goto('/reporter/not-a-real-token-but-long-enough');
      await g.page.getByRole('heading', { name: 'No report matches this link' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-page-old-link-unknown'), []);
      g.expectConsole(/status of 400/);
      await g.page.goto(`/p/${SLUG}/status#abc`);
      await g.page.getByText('No report matches this link').waitFor();
      assert.equal(await g.page.getByText('Invalid input').count(), 0);
    });
  });
});
