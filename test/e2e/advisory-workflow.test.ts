import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAtBothWidths, launchBrowser, SCREENSHOT_DIR, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn, submitReport } from './support/dashboard.ts';
import { privastreamPathTraversal } from '../support/privastream-advisory.ts';

/**
 * The two advisory dead ends of issue 17, in Chromium: an advisory drafted from a report that has a disclosure
 * date shows that date, may be given one of its own or follow the report's again, and can be published once the
 * report's date is cleared; a published advisory can be withdrawn from the page, with the summary the server
 * requires.
 */

const SLUG = 'privastream';
const DAY = 86_400_000;
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

const REPORTS = `/api/v1/projects/${SLUG}/reports`;

/** A fixed report with an agreed disclosure date, and an advisory drafted from it (complete, in review). */
async function advisoryFromEmbargoedReport(): Promise<{ trackingId: string; id: string; date: string }> {
  const r = await submitReport(server, SLUG, {
    title: 'Path traversal in the recording download endpoint',
    description: 'GET /recordings/../../etc/passwd returns the file.',
    steps_to_reproduce: 'curl http://host/recordings/..%2f..%2fetc%2fpasswd',
    impact: 'Arbitrary file read.',
    reporter_email: 'ada@example.org',
    accept_terms: 'true',
  });
  for (const to of ['triaged', 'accepted', 'fixed']) await server.api(admin.token, 'POST', `${REPORTS}/${r.tracking_id}/transitions`, { to });
  const date = `${new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10)}T12:00:00Z`;
  await server.api(admin.token, 'PUT', `${REPORTS}/${r.tracking_id}/embargo`, { until: date });
  const created = await server.api<{ advisory: { id: string } }>(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories`, {
    ...privastreamPathTraversal(),
    details: 'The handler joined the requested name without normalising it.',
    references: [{ type: 'fix', url: 'https://github.com/example/privastream/commit/abc123' }],
    report: r.tracking_id,
  });
  return { trackingId: r.tracking_id, id: created.advisory.id, date };
}

describe('advisory embargo and withdrawal in the browser', () => {
  test("the embargo date is shown, editable, follows the report's again on request, and a cleared report date lets it publish", async () => {
    const a = await advisoryFromEmbargoedReport();
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      await p.goto(`/app/p/${SLUG}/advisories/${a.id}`);
      await signIn(p, admin.email);
      await p.locator('h1').filter({ hasText: a.id }).waitFor();
      const field = p.getByLabel('Embargo date (UTC)');
      assert.equal(await field.inputValue(), a.date.slice(0, 16), 'the report’s date is visible in the editor');
      await p.getByText(`Follows the disclosure date of report ${a.trackingId}`).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-embargo'), []);

      // "Saved." shows before the page has read the new revision. The editor keeps what is typed meanwhile (it updates
      // in place: web/src/draft-merge.ts), but the embargo hint below still describes the old revision until then,
      // and a second save would match the first one's "Saved.": wait for the new revision each time.
      const saveDraft = async () => {
        const before = await p.getByText(/^revision \d+$/).innerText();
        await p.getByRole('button', { name: 'Save draft' }).click();
        await p.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        await p.getByText(/^revision \d+$/).filter({ hasNotText: new RegExp(`^${before}$`) }).waitFor();
      };

      // Saving other fields leaves the date following the report's.
      await p.getByLabel('Title', { exact: true }).fill('Path traversal in the recording download endpoint (all versions)');
      await saveDraft();
      await p.getByText(`Follows the disclosure date of report ${a.trackingId}`).waitFor();

      // A date of its own.
      await p.getByLabel('Embargo date (UTC)').fill('2031-01-15T09:30');
      await saveDraft();
      await p.getByText('Set on this advisory').waitFor();
      assert.equal(await p.getByLabel('Embargo date (UTC)').inputValue(), '2031-01-15T09:30');
      // Back to the report's.
      await p.getByRole('button', { name: 'Follow the report’s date' }).click();
      await p.getByText(`Follows the disclosure date of report ${a.trackingId}`).waitFor();
      assert.equal(await p.getByLabel('Embargo date (UTC)').inputValue(), a.date.slice(0, 16));

      // The report's date is cleared: so is the advisory's, and it can be published from review.
      await server.api(admin.token, 'PUT', `${REPORTS}/${a.trackingId}/embargo`, { until: null });
      await p.reload();
      await p.getByLabel('Embargo date (UTC)').waitFor();
      assert.equal(await p.getByLabel('Embargo date (UTC)').inputValue(), '');
      await p.getByRole('button', { name: 'Move to in review' }).click();
      await p.getByRole('status').filter({ hasText: 'Moved to in review.' }).waitFor();
      // No date to wait for: scheduling is not offered (the server wants a future date to schedule).
      assert.equal(await p.getByRole('button', { name: /schedul/i }).count(), 0, 'no scheduling without an embargo date');
      await p.getByRole('button', { name: 'Move to published' }).click();
      await p.getByRole('status').filter({ hasText: 'Moved to published.' }).waitFor();
      await p.locator('.badge.state--published').waitFor();
      // The published advisory links to its public page.
      assert.equal(await p.getByRole('link', { name: 'Public page' }).getAttribute('href'), `/projects/${SLUG}/advisories/${a.id}`);
    });
  });

  test('under embargo the editor offers scheduling at the embargo date, not a "Move to published" the server refuses', async () => {
    const a = await advisoryFromEmbargoedReport();
    await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${a.id}/transitions`, { to: 'in-review' });
    const when = `${a.date.slice(0, 10)} ${a.date.slice(11, 16)} UTC`;
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      await p.goto(`/app/p/${SLUG}/advisories/${a.id}`);
      await signIn(p, admin.email);
      await p.locator('.badge.state--in-review').waitFor();
      const workflow = p.getByRole('list', { name: 'Advisory workflow' });
      await workflow.getByRole('button', { name: 'Move to draft' }).waitFor();
      // The server answers 409 "under embargo" to publishing now: no such button, the reason and the date instead.
      assert.equal(await p.getByRole('button', { name: /published/i }).count(), 0, 'no button that can only fail');
      const why = p.getByText(`Under embargo until ${when}`);
      await why.waitFor();
      assert.match(await why.innerText(), /cannot be published before then/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-under-embargo'), []);
      await workflow.getByRole('button', { name: `Schedule publication for ${when}` }).click();
      await p.getByRole('status').filter({ hasText: `Scheduled: published automatically at ${when}.` }).waitFor();
      await p.locator('.badge.state--scheduled').waitFor();
      // Scheduled, still before the date: unscheduling is offered, publishing now is not.
      await workflow.getByRole('button', { name: 'Move to in review' }).waitFor();
      assert.equal(await p.getByRole('button', { name: /published/i }).count(), 0, 'no "Move to published" while scheduled before the date');
      await p.getByText(`Published automatically at ${when}`).first().waitFor();
    });
    const view = await server.api<{ advisory: { state: string } }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/advisories/${a.id}`);
    assert.equal(view.advisory.state, 'scheduled');
  });

  test('what is typed while a save completes is kept: the editor does not reset to the saved revision', async () => {
    const a = await advisoryFromEmbargoedReport();
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      await p.goto(`/app/p/${SLUG}/advisories/${a.id}`);
      await signIn(p, admin.email);
      await p.locator('h1').filter({ hasText: a.id }).waitFor();
      // The page's reload after "Saved." is held back a moment (the real answer, late), so typing lands between
      // "Saved." and the new revision as a person's typing can on a slow link.
      let hold = false;
      await p.route(`**/api/v1/projects/${SLUG}/advisories/${a.id}`, async (route) => {
        if (hold && route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      });
      const before = await p.getByText(/^revision \d+$/).innerText();
      await p.getByLabel('Title', { exact: true }).fill('Path traversal in the recording download endpoint (saved)');
      hold = true;
      await p.getByRole('button', { name: 'Save draft' }).click();
      // The outcome is beside the button that caused it (the form's end, not the page's top), and the focus stays there.
      const form = p.locator('form', { has: p.getByRole('button', { name: 'Save draft' }) });
      await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(await p.evaluate('document.activeElement && document.activeElement.textContent'), 'Save draft');
      // Typed after "Saved.", before the new revision arrives: one field saved a moment ago, one not touched before.
      await p.getByLabel('Title', { exact: true }).fill('Path traversal in the recording download endpoint (typed on)');
      await p.getByLabel('Details (Markdown)').fill('Typed after the save.');
      await p.getByText(/^revision \d+$/).filter({ hasNotText: new RegExp(`^${before}$`) }).waitFor();
      hold = false;
      assert.equal(await p.getByLabel('Title', { exact: true }).inputValue(), 'Path traversal in the recording download endpoint (typed on)');
      assert.equal(await p.getByLabel('Details (Markdown)').inputValue(), 'Typed after the save.');
      // Fields not typed in show the saved revision; the kept input saves as the next revision.
      assert.equal(await p.getByLabel('Embargo date (UTC)').inputValue(), a.date.slice(0, 16));
      const saved = await p.getByText(/^revision \d+$/).innerText();
      await p.getByRole('button', { name: 'Save draft' }).click();
      await p.getByText(/^revision \d+$/).filter({ hasNotText: new RegExp(`^${saved}$`) }).waitFor();
      await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-saved'), []);
    });
    const view = await server.api<{ advisory: { title: string; details: string } }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/advisories/${a.id}`);
    assert.equal(view.advisory.title, 'Path traversal in the recording download endpoint (typed on)');
    assert.equal(view.advisory.details, 'Typed after the save.');
  });

  test('a scheduled advisory (read as text: it is not edited while it waits) shows its embargo date and what it follows', async () => {
    const a = await advisoryFromEmbargoedReport();
    for (const to of ['in-review', 'scheduled']) await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${a.id}/transitions`, { to });
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      await p.goto(`/app/p/${SLUG}/advisories/${a.id}`);
      await signIn(p, admin.email);
      await p.locator('.badge.state--scheduled').waitFor();
      const read = p.locator('.advisory-read');
      await read.waitFor();
      const text = await read.innerText();
      assert.match(text, new RegExp(`${a.date.slice(0, 10)} ${a.date.slice(11, 16)} UTC`), `the embargo date is shown: ${text}`);
      assert.match(text, new RegExp(`follows the disclosure date of report ${a.trackingId}`, 'i'));
      assert.match(text, /published automatically then/i);
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-scheduled'), []);
    });
  });

  test('a published advisory is withdrawn from the page, with the summary the server requires', async () => {
    const a = await advisoryFromEmbargoedReport();
    await server.api(admin.token, 'PUT', `${REPORTS}/${a.trackingId}/embargo`, { until: null });
    await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${a.id}/transitions`, { to: 'in-review' });
    await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${a.id}/transitions`, { to: 'published' });
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      await p.goto(`/app/p/${SLUG}/advisories/${a.id}`);
      await signIn(p, admin.email);
      await p.locator('h1').filter({ hasText: a.id }).waitFor();
      const summary = p.getByLabel('Why it is withdrawn (public)');
      await summary.waitFor();
      const withdraw = p.getByRole('button', { name: 'Move to withdrawn' });
      assert.equal(await withdraw.isDisabled(), true, 'no withdrawal without its summary');
      await summary.fill('Duplicate of PRIV-SA-2026-0001; the issue was never exploitable in a release.');
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-withdraw'), []);
      await withdraw.click();
      await p.getByRole('status').filter({ hasText: 'Moved to withdrawn.' }).waitFor();
      await p.locator('.badge.state--withdrawn').waitFor();
      await p.screenshot({ path: join(SCREENSHOT_DIR, 'app-advisory-withdrawn-1280.png'), fullPage: true });
    });
    const view = await server.api<{ advisory: { state: string; revisions: { summary: string }[] } }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/advisories/${a.id}`);
    assert.equal(view.advisory.state, 'withdrawn');
    assert.ok(view.advisory.revisions.some((r) => r.summary.startsWith('Duplicate of PRIV-SA-2026-0001')), JSON.stringify(view.advisory.revisions));
  });
});
