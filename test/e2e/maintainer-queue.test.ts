import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * The maintainer's queue, v2 (issue 17): search across titles, bodies and thread messages, with the server's
 * search-index job running on its own timer as in production (so the test also shows how fresh search is).
 */

const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let xss: Submitted;
let redirect: Submitted;

before(async () => {
  server = await startE2eServer([SLUG], { EMBARGO_JOBS: 'on' });
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  xss = await submitReport(server, SLUG, chatterReport('Stored XSS in display names'));
  redirect = await submitReport(server, SLUG, chatterReport('Open redirect after login', { category: 'other', description: 'The next= parameter of the marmoset login form is followed blindly.' }));
  await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/reports/${redirect.tracking_id}/messages`, { body: 'Looks like the tamarin bug from last year.', internal: true });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

describe('queue search in Chromium', () => {
  test('the search box finds reports by title, body and thread message words', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      const items = p.getByRole('list', { name: 'Reports' }).getByRole('listitem');
      await items.nth(1).waitFor();
      const search = async (q: string) => {
        await p.getByLabel('Search titles, reports and messages').fill(q);
        await p.getByRole('search').getByRole('button', { name: 'Search', exact: true }).click();
      };
      // The index job runs every few seconds: a word is found once it has (how fresh search is).
      const deadline = Date.now() + 30_000;
      for (;;) {
        await search('tamarin');
        const status = await p.getByRole('status').filter({ hasText: /tamarin/ }).innerText();
        if (/^1 report matching/.test(status)) break;
        assert.ok(Date.now() < deadline, `not indexed within 30 s: ${status}`);
        await p.waitForTimeout(1000);
      }
      assert.match(await items.first().innerText(), new RegExp(`${redirect.tracking_id} Open redirect`), 'an internal note');
      await search('MARMOSET');
      await p.getByRole('status').filter({ hasText: '1 report matching “MARMOSET”' }).waitFor();
      assert.match(await items.first().innerText(), /Open redirect/, 'a body word, any case');
      await search('display names');
      await p.getByRole('status').filter({ hasText: '1 report matching “display names”' }).waitFor();
      assert.match(await items.first().innerText(), new RegExp(`${xss.tracking_id} Stored XSS`), 'title words');
      assert.deepEqual(await checkAtBothWidths(p, 'app-queue-search'), []);
      await search('stored marmoset');
      await p.getByText('No reports match “stored marmoset” with these filters.').waitFor();
      await p.getByRole('button', { name: 'Clear search' }).click();
      await p.getByRole('status').filter({ hasText: '2 reports, overdue' }).waitFor({ timeout: 10_000 }).catch(async (e) => assert.fail(`${String(e)}: ${await p.locator('main').innerText()}`));
    });
  });
});
