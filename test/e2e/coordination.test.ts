import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAtBothWidths, launchBrowser, SCREENSHOT_DIR, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { mailTo, PASSWORD, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * A party's journey (issue 19) in Chromium: invited by mail into one case, it creates its account through the
 * link, lands on that case and sees only it (not the queue, not the other report, not the reporter), reads the
 * embargo in UTC and in its own time zone (Tokyo) with a countdown, states its status and writes in the party
 * thread with a file; the maintainer (in Los Angeles) then sees the status and their own unread count on the report
 * page, the embargo in their zone, and downloads the file. The reporter agrees on their page to be named, and the
 * party then sees who reported. Screenshots at 375 and 1280 px.
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

const withPage = (fn: (g: GuardedPage) => Promise<void>, timezoneId = 'Asia/Tokyo') => withGuardedPage(chromium.browser, server.baseUrl, fn, 1280, { timezoneId });

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
      await p.getByLabel('Repeat the password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Create account and join the case' }).click();

      // The case: title, embargo in UTC and local time with a countdown, one unread message.
      await p.locator('h1').filter({ hasText: 'Stored XSS in display names' }).waitFor();
      assert.match(await p.getByTestId('embargo-utc').innerText(), /30 June 2027.*14:00 UTC/);
      // 14:00 UTC is 23:00 in Tokyo, the party's own zone (its browser's), named beside it.
      assert.match(await p.getByTestId('embargo-local').innerText(), /30 June 2027.*23:00/);
      await p.getByText('Your time (Asia/Tokyo)').waitFor();
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

      // The case thread, with a file.
      await p.getByLabel('Message to every party and the maintainers').fill('Checked: not affected, details in our status.');
      await p.locator('#case-attachments').setInputFiles({ name: 'appliance-scan.txt', mimeType: 'text/plain', buffer: Buffer.from('chat widget: not present\n') });
      await p.getByRole('button', { name: 'Send to the case' }).click();
      await p.getByText('Checked: not affected, details in our status.').waitFor();
      await p.getByRole('link', { name: 'appliance-scan.txt' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'party-case-answered'), []);

      // Only this case: the list has one entry; the project's queue and the other report answer 404.
      await p.getByRole('link', { name: 'My cases' }).click();
      await p.getByRole('heading', { name: 'My cases' }).waitFor();
      // The heading shows before the list loads: wait for the case, then count.
      await p.getByRole('link', { name: report.tracking_id }).waitFor();
      assert.equal(await p.locator('main li').count(), 1);
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
      // The maintainer's own unread marker: the party's message is new to them.
      assert.match(await section.getByTestId('case-unread').innerText(), /1 unread/);
      assert.deepEqual(await checkAtBothWidths(p, 'maintainer-case-parties'), []);
      // The section alone, to look at (the whole report page is long at 375 px).
      for (const width of [375, 1280]) {
        await p.setViewportSize({ width, height: 900 });
        await section.screenshot({ path: join(SCREENSHOT_DIR, `maintainer-case-parties-section-${width}.png`) });
      }
      // The case page in the maintainer's zone; the party's file downloads; then nothing is unread.
      await section.getByRole('link', { name: 'Open the case page (party thread, embargo)' }).click();
      await p.getByTestId('embargo-utc').waitFor();
      assert.match(await p.getByTestId('embargo-local').innerText(), /30 June 2027.*07:00/);
      await p.getByText('Your time (America/Los_Angeles)').waitFor();
      await p.getByText('New since your last visit').waitFor();
      const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'appliance-scan.txt' }).click()]);
      assert.equal(download.suggestedFilename(), 'appliance-scan.txt');
      await p.reload();
      await p.getByTestId('embargo-utc').waitFor();
      assert.equal(await p.getByTestId('unread').count(), 0);
    }, 'America/Los_Angeles');
  });

  test("the reporter agrees on their page to be named to the parties; the party then sees who reported", async () => {
    await withPage(async (g) => {
      const p = g.page;
      await p.goto(`/p/${SLUG}/status#${report.reporter_token}`);
      await p.getByRole('heading', { name: 'Your name and the coordinating parties' }).waitFor();
      assert.match(await p.getByTestId('identity-state').innerText(), /Parties do not see your name or address/);
      await p.getByRole('button', { name: 'Let the parties see my name and address' }).click();
      await p.getByTestId('identity-state').filter({ hasText: 'You agreed: parties will see your name and address.' }).waitFor();
      await p.getByRole('button', { name: 'Withdraw: parties must not see my name and address' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'reporter-identity-consent'), []);
    });
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/cases/${caseId}`);
      await signIn(p, VENDOR);
      await p.getByTestId('case-reporter').waitFor();
      assert.match(await p.getByTestId('case-reporter').innerText(), /Ada Researcher/);
    });
  });
});
