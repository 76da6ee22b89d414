import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * Duplicate candidates in the maintainer's report page (issue 18), against the real server with its jobs on: a
 * re-submission of a known bug by another reporter shows the first report with the reasons, and one click rejects
 * it as that report's duplicate.
 */
const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let tess: Maintainer;
let first: Submitted;
let again: Submitted;
let spam: Submitted;

before(async () => {
  server = await startE2eServer([SLUG], { EMBARGO_JOBS: 'on' });
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  await submitReport(server, SLUG, chatterReport('Open redirect after login', { category: 'other', description: 'The next= parameter of /login redirects to any site.', steps_to_reproduce: 'Visit /login?next=https://evil.example', impact: 'Phishing.' }));
  first = await submitReport(server, SLUG, chatterReport('Stored XSS in display names', {
    description: 'renderDisplayName() in src/chat/names.ts inserts the display name as HTML, so <script> in a name runs for every chat member.',
  }));
  again = await submitReport(server, SLUG, chatterReport('Chat names are not escaped', {
    description: 'Hi! If I put a script tag in my display name it executes for everyone in the chat: renderDisplayName (src/chat/names.ts) does not escape it.',
    reporter_email: 'bob@example.org',
    reporter_name: 'Bob',
  }));
  spam = await submitReport(server, SLUG, chatterReport('Cheap watches, best prices', { description: 'Visit our shop for the best watches.', reporter_email: 'shop@example.org' }));
  // The triage job signs new reports every two seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await server.api<{ duplicate_candidates: unknown[] }>(tess.token, 'GET', `/api/v1/projects/${SLUG}/reports/${again.tracking_id}`);
    if (view.duplicate_candidates.length) break;
    if (Date.now() > deadline) throw new Error('the triage job found no candidate within a minute');
    await new Promise((r) => setTimeout(r, 500));
  }
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

describe('duplicate candidates in Chromium', () => {
  test('the report page shows the earlier report with its reasons; one click rejects as its duplicate', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/reports/${again.tracking_id}`);
      await signIn(p, tess.email);
      const box = p.getByRole('region', { name: 'Possible duplicate' });
      await box.waitFor();
      const text = await box.innerText();
      assert.match(text, new RegExp(`${first.tracking_id}\\s+\\d+% alike`));
      assert.match(text, /same function name `renderDisplayName`/);
      assert.match(text, /same file `chat\/names\.ts`/);
      assert.match(text, /% of the distinctive wording shared/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-report-duplicates'), []);
      await box.getByRole('button', { name: `Reject as duplicate of ${first.tracking_id}` }).click();
      await p.locator('.facts').getByText(`(Duplicate of ${first.tracking_id})`).waitFor();
      // Rejected, the report has no more candidates' buttons.
      assert.equal(await p.getByRole('button', { name: /Reject as duplicate/ }).count(), 0);
    });
  });

  test('the queue rejects a selected wave as spam in one click; the reporter reads "invalid"', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, tess.email);
      await p.getByLabel(`Select ${spam.tracking_id}`).check();
      assert.deepEqual(await checkAtBothWidths(p, 'app-queue-spam-selected'), []);
      await p.getByLabel('With the selected reports').selectOption('reject:spam');
      await p.getByRole('button', { name: 'Apply to 1 selected' }).click();
      await p.getByRole('status').filter({ hasText: '1 report changed.' }).waitFor();
      // The outcome is shown as soon as the server answers; the queue reloads just after it.
      await p.getByLabel(`Select ${spam.tracking_id}`).waitFor({ state: 'detached' });
      assert.equal(await p.getByText(spam.tracking_id).count(), 0, 'gone from the open queue');
    });
    const view = await server.api<{ rejection_reason: string }>(tess.token, 'GET', `/api/v1/projects/${SLUG}/reports/${spam.tracking_id}`);
    assert.equal(view.rejection_reason, 'spam');
    const reporter = (await (await fetch(`${server.baseUrl}/api/v1/reporter/${spam.reporter_token}`)).json()) as { rejection_reason: string };
    assert.equal(reporter.rejection_reason, 'invalid');
  });
});
