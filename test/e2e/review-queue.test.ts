import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * The review queue and blocked senders in the maintainer's UI (issue 18), against the real server: a blocked
 * sender's submission is counted above the queue, read and released on the review page (a report from then on);
 * "block this sender" on a report puts the sender in the settings' list without showing their address.
 */
const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let tess: Maintainer;
let held: Submitted;
let junk: Submitted;

before(async () => {
  server = await startE2eServer([SLUG]);
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  await server.api(tess.token, 'POST', `/api/v1/projects/${SLUG}/blocks`, { kind: 'email', value: 'blocked@example.org', note: 'sent junk before' });
  held = await submitReport(server, SLUG, chatterReport('Held: XSS in the emoji picker', { reporter_email: 'blocked@example.org', reporter_name: 'Blocked Sender' }));
  junk = await submitReport(server, SLUG, chatterReport('Cheap watches, best prices', { description: 'Visit our shop for the best watches.', reporter_email: 'shop@example.org' }));
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

describe('review queue in Chromium', () => {
  test('the held submission is counted above the queue, read and released on the review page', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, tess.email);
      const link = p.getByRole('link', { name: /1 held submission to review in/ });
      await link.waitFor();
      // The queue has loaded (its count is announced) and the held submission is not in it.
      await p.getByRole('status').filter({ hasText: /\d+ reports?,/ }).waitFor();
      assert.equal(await p.getByText(held.tracking_id).count(), 0, 'not in the queue');
      await link.click();
      await p.getByRole('heading', { name: /Review queue of/ }).waitFor();
      const card = p.getByRole('listitem').filter({ hasText: held.tracking_id });
      assert.match(await card.innerText(), /blocked sender/);
      await card.getByRole('button', { name: `Read report ${held.tracking_id}` }).click();
      await card.getByText('The chat renders display names unescaped').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-review-queue'), []);
      await card.getByRole('button', { name: `Release ${held.tracking_id}` }).click();
      await p.getByRole('status').filter({ hasText: `${held.tracking_id} was released` }).waitFor();
      await p.getByText('Nothing is waiting for review.').waitFor();
    });
    const view = await server.api<{ state: string }>(tess.token, 'GET', `/api/v1/projects/${SLUG}/reports/${held.tracking_id}`);
    assert.equal(view.state, 'new', 'a report now');
  });

  test('"block this sender" on a report lists the block in settings by the report, not the address', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/reports/${junk.tracking_id}`);
      await signIn(p, tess.email);
      await p.getByRole('button', { name: 'Block this sender' }).click();
      await p.getByRole('button', { name: 'Block sender' }).click();
      await p.getByText(`The sender of ${junk.tracking_id} is blocked`).waitFor();
      await p.goto(`/app/p/${SLUG}/settings`);
      const list = p.getByRole('list', { name: 'Blocked senders' });
      await list.getByText(`the sender of ${junk.tracking_id} (email address)`, { exact: true }).waitFor();
      assert.ok(!(await list.innerText()).includes('shop@example.org'), 'the address is not shown');
      assert.ok((await list.innerText()).includes('blocked@example.org'), 'a block typed by hand shows its value');
      assert.deepEqual(await checkAtBothWidths(p, 'app-settings-blocked-senders'), []);
    });
  });

  test('past 50 held submissions, "Show more" loads the next page of the review queue', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 51; i++) sent.push((await submitReport(server, SLUG, chatterReport(`Held batch ${i}`, { reporter_email: 'blocked@example.org' }))).tracking_id);
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/review`);
      await signIn(p, tess.email);
      await p.getByText('51 submissions waiting for review.').waitFor();
      const cards = p.getByRole('list', { name: 'Held submissions' }).locator(':scope > li');
      assert.equal(await cards.count(), 50);
      await p.getByRole('button', { name: 'Show more held submissions' }).click();
      await cards.nth(50).waitFor();
      assert.equal(await cards.count(), 51);
      assert.match(await cards.nth(50).innerText(), /Held batch 50/);
      assert.equal(await p.getByRole('button', { name: 'Show more held submissions' }).count(), 0, 'no more pages');
    });
  });
});
