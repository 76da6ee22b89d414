import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAtBothWidths, launchBrowser, SCREENSHOT_DIR, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { mailTo, PASSWORD, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * A party's journey (issue 19) in Chromium: invited by mail into one case, it creates its account through the
 * link, lands on that case and sees only it (not the queue, not the other report, not the reporter), reads the
 * embargo in UTC and in its own time zone with a countdown, states its status and writes in the party thread;
 * the maintainer then sees the status on the report page. Screenshots at 375 and 1280 px.
 */

const SLUG = 'personal-chatter';
const VENDOR = 'psirt@vendor.example';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let report: Submitted;
let other: Submitted;
let caseId: string;

before(async () => {
  server = await startE2eServer([SLUG], { EMBARGO_JOBS: 'on' });
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  report = await submitReport(server, SLUG, chatterReport('Stored XSS in display names'));
  other = await submitReport(server, SLUG, chatterReport('Another private report'));
  await server.api(admin.token, 'PUT', `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/embargo`, { until: '2027-06-30T14:00:00Z' });
  await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/parties`, { email: VENDOR, name: 'Vendor PSIRT', role: 'vendor' });
  caseId = (await server.api<{ case_id: string }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/parties`)).case_id;
  await server.api(admin.token, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Welcome: please check whether your appliance ships the chat widget.' });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

describe('a party in the browser', () => {
  test('invited by mail, the party joins, sees only its case, sets its status and writes to the case thread', async () => {
    const mail = await mailTo(server, VENDOR);
    assert.doesNotMatch(mail.text ?? '', /Stored XSS|Ada Researcher|ada@example\.org/, 'neither the flaw nor the reporter');
    const path = (/https?:\/\/\S+(\/app\/case-invitation#token=\S+)/.exec(mail.text ?? '') ?? assert.fail(`no link in ${mail.text}`))[1] ?? '';
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of (401|404)/);
      await p.goto(path);
      await p.getByText(`into the coordinated disclosure case ${report.tracking_id} as vendor`, { exact: false }).waitFor();
      await p.getByLabel('Your name').fill('Pat Vendor');
      await p.getByLabel('Choose a password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Create account and join the case' }).click();

      // The case: title, embargo in UTC and local time with a countdown, one unread message.
      await p.locator('h1').filter({ hasText: 'Stored XSS in display names' }).waitFor();
      assert.match(await p.getByTestId('embargo-utc').innerText(), /30 June 2027.*14:00 UTC/);
      assert.ok((await p.getByTestId('embargo-local').innerText()).length > 0);
      assert.match(await p.getByTestId('embargo-countdown').innerText(), /^in \d+ days$/);
      assert.match(await p.getByTestId('unread').innerText(), /1 unread/);
      await p.getByText('New since your last visit').waitFor();
      const main = await p.locator('main').innerText();
      assert.doesNotMatch(main, /Ada Researcher|ada@example\.org|<script>/, 'no reporter, no report body');
      assert.deepEqual(await checkAtBothWidths(p, 'party-case'), []);

      // Status: not affected needs a justification (offered as a list), saved with a statement.
      await p.getByLabel('Product (purl such as pkg:npm/name, or a product name)').fill('pkg:generic/vendor-appliance');
      await p.getByLabel('Status', { exact: true }).selectOption('not_affected');
      await p.getByLabel('Justification').selectOption('component_not_present');
      await p.getByLabel('Statement (private to the maintainers until the advisory is published)').fill('Our appliance does not ship the chat widget.');
      await p.getByRole('button', { name: 'Save status' }).click();
      await p.getByRole('status').filter({ hasText: 'Saved: pkg:generic/vendor-appliance is not affected.' }).waitFor();
      await p.getByText('component not present').first().waitFor();

      // The case thread.
      await p.getByLabel('Message to every party and the maintainers').fill('Checked: not affected, details in our status.');
      await p.getByRole('button', { name: 'Send to the case' }).click();
      await p.getByText('Checked: not affected, details in our status.').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'party-case-answered'), []);

      // Only this case: the list has one entry; the project's queue and the other report answer 404.
      await p.getByRole('link', { name: 'My cases' }).click();
      await p.getByRole('heading', { name: 'My cases' }).waitFor();
      assert.equal(await p.locator('main li').count(), 1);
      await p.getByRole('link', { name: report.tracking_id }).waitFor();
      const statuses = await p.evaluate(
        async (urls) => Promise.all(urls.map(async (u) => (await fetch(u)).status)),
        [`/api/v1/projects/${SLUG}/reports`, `/api/v1/projects/${SLUG}/reports/${other.tracking_id}`, `/api/v1/projects/${SLUG}/reports/${report.tracking_id}`],
      );
      assert.deepEqual(statuses, [404, 404, 404]);
      assert.deepEqual(await checkAtBothWidths(p, 'party-cases'), []);
    });
  });

  test('the maintainer sees the party and its status on the report page', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/reports/${report.tracking_id}`);
      await signIn(p, 'ada.admin@example.org');
      await p.getByRole('heading', { name: 'Parties' }).waitFor();
      const section = p.locator('section.case-parties');
      await section.getByText('Vendor PSIRT').waitFor();
      await section.getByText('not affected', { exact: false }).first().waitFor();
      await section.getByText('Our appliance does not ship the chat widget.').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'maintainer-case-parties'), []);
      // The section alone, to look at (the whole report page is long at 375 px).
      for (const width of [375, 1280]) {
        await p.setViewportSize({ width, height: 900 });
        await section.screenshot({ path: join(SCREENSHOT_DIR, `maintainer-case-parties-section-${width}.png`) });
      }
    });
  });
});
