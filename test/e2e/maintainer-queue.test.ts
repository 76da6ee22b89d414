import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * The maintainer's queue, v2 (issue 17): search across titles, bodies and thread messages, with the server's
 * search-index job running on its own timer as in production (so the test also shows how fresh search is);
 * filters by assignee, flag, source and age; bulk assign and bulk reject from the queue.
 */

const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let tess: Maintainer;
let viewer: Maintainer;
let xss: Submitted;
let redirect: Submitted;

before(async () => {
  server = await startE2eServer([SLUG], { EMBARGO_JOBS: 'on' });
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  viewer = await server.addMaintainer(SLUG, 'viewer', 'vic@example.org', 'Vic Viewer');
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

describe('assignees, filters and bulk actions in Chromium', () => {
  test('bulk assign to a member, filter by assignee, flag and age, bulk reject with a reason', async () => {
    const old = await submitReport(server, SLUG, chatterReport('Unsupported version crash', { affected_version: '0.0.1' }));
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, tess.email);
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      const items = p.getByRole('list', { name: 'Reports' }).getByRole('listitem');
      await p.getByRole('status').filter({ hasText: '3 reports,' }).waitFor();
      // Only one project: its members are offered by name.
      await p.getByLabel('Assignee').locator('option', { hasText: 'Ada Admin' }).waitFor({ state: 'attached' });

      await p.getByRole('checkbox', { name: `Select ${xss.tracking_id}` }).check();
      await p.getByRole('checkbox', { name: `Select ${old.tracking_id}` }).check();
      await p.getByLabel('With the selected reports').selectOption({ label: 'Assign to Ada Admin' });
      const apply = p.getByRole('button', { name: 'Apply to 2 selected' });
      await apply.click();
      await p.locator('#bulk-outcome').filter({ hasText: '2 reports changed.' }).waitFor();
      assert.equal(await p.evaluate('document.activeElement?.textContent'), 'Apply to 0 selected', 'focus stays on the button');
      await p.getByLabel('Assignee').selectOption({ label: 'Ada Admin' });
      await p.getByRole('status').filter({ hasText: '2 reports,' }).waitFor();
      assert.match(await items.first().innerText(), /Assigned to Ada Admin/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-queue-bulk'), []);

      // Flags: the report on an unsupported version.
      await p.getByLabel('Flags').selectOption({ label: 'Version flagged' });
      await p.getByRole('status').filter({ hasText: '1 report,' }).waitFor();
      assert.match(await items.first().innerText(), /Unsupported version crash/);
      await p.getByLabel('Flags').selectOption({ label: 'Flagged or not' });
      await p.getByLabel('Assignee').selectOption({ label: 'Anyone or nobody' });
      await p.getByLabel('Received').selectOption({ label: 'Older than 30 days' });
      await p.getByText('No reports match these filters.').waitFor();
      await p.getByLabel('Received').selectOption({ label: 'In the last day' });
      await p.getByRole('status').filter({ hasText: '3 reports,' }).waitFor();
      await p.getByLabel('Source').selectOption({ label: 'Email' });
      await p.getByText('No reports match these filters.').waitFor();
      await p.getByLabel('Source').selectOption({ label: 'Web form' });
      await p.getByRole('status').filter({ hasText: '3 reports,' }).waitFor();

      // Bulk reject with a reason: the report leaves the open queue.
      await p.getByRole('checkbox', { name: `Select ${old.tracking_id}` }).check();
      await p.getByLabel('With the selected reports').selectOption({ label: 'Reject: Out of scope' });
      await p.getByRole('button', { name: 'Apply to 1 selected' }).click();
      await p.locator('#bulk-outcome').filter({ hasText: '1 report changed.' }).waitFor();
      await p.getByRole('status').filter({ hasText: '2 reports,' }).waitFor();
      const detail = await server.api<{ state: string; rejection_reason: string }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/reports/${old.tracking_id}`);
      assert.deepEqual([detail.state, detail.rejection_reason], ['rejected', 'out-of-scope']);
    });
  });

  test('a viewer gets no checkboxes and no bulk actions', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, viewer.email);
      await p.getByRole('list', { name: 'Reports' }).getByRole('listitem').first().waitFor();
      assert.equal(await p.getByRole('checkbox').count(), 0);
      assert.equal(await p.getByRole('form', { name: 'Act on the selected reports' }).count(), 0);
    });
  });
});
