import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { mailTo, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, submitReport } from './support/dashboard.ts';
import { advisoryContent } from '../support/advisory-fixtures.ts';

/**
 * The public site reads as one product (issue 17): every public page — home, policy, report form, reporter status,
 * advisories list and page, Hall of Fame, mailing list, a reporter link that opens nothing — has the same frame
 * (header, project navigation, footer) and the UI's style sheet, whether the UI or the server renders it; no page
 * scrolls sideways on a 375 px phone, and no table breaks a word in the middle ("Acknow/ledgem/ent").
 */
const CHATTER = 'personal-chatter';
const PRIVA = 'privastream';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let advisoryId = '';
let chatterToken = '';

before(async () => {
  const [s, c] = await Promise.all([startE2eServer([CHATTER, PRIVA], { EMBARGO_JOBS: 'on' }), launchBrowser()]); // jobs on: the outbox delivers the list's confirmation mail
  [server, chromium] = [s, c];
  admin = await server.addMaintainer(PRIVA, 'admin', 'pat.public@example.org', 'Pat Public');
  const created = await server.api<{ advisory: { id: string } }>(admin.token, 'POST', `/api/v1/projects/${PRIVA}/advisories`, advisoryContent());
  advisoryId = created.advisory.id;
  for (const to of ['in-review', 'published']) await server.api(admin.token, 'POST', `/api/v1/projects/${PRIVA}/advisories/${advisoryId}/transitions`, { to });
  chatterToken = (await submitReport(server, CHATTER, chatterReport('Stored XSS in display names'))).reporter_token;
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

/**
 * Words of table cells that the browser laid out on more than one line (a word broken in the middle), and dates or
 * other runs of digits and hyphens broken at a hyphen ("2026-" / "12-03"): a browser may break after a hyphen, so
 * these need guarding too.
 */
async function brokenWords(p: Page, selector = 'td, th'): Promise<string[]> {
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  return (await p.evaluate(`(() => {
    const broken = [];
    for (const cell of document.querySelectorAll(${JSON.stringify(selector)})) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of (node.textContent || '').matchAll(/[A-Za-z]{6,}|\\d+(?:-\\d+)+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  })()`)) as string[];
}

/**
 * Table cells a reader cannot see whole on the page: cut off by the right edge of the table's region or of the
 * window (a wide table scrolls inside its region, so nothing shows that more columns are there).
 */
async function clippedCells(p: Page): Promise<string[]> {
  return (await p.evaluate(`(() => {
    const clipped = [];
    for (const cell of document.querySelectorAll('td, th')) {
      const box = cell.getBoundingClientRect();
      // A header row kept for screen readers only (a stacked table on a phone) is not seen at all.
      const head = cell.closest('thead');
      if (head && head.getBoundingClientRect().width <= 1) continue;
      const region = cell.closest('.table-wrap');
      const right = Math.min(window.innerWidth, region ? region.getBoundingClientRect().right : Infinity);
      if (box.width > 0 && box.right > right + 1) clipped.push((cell.textContent || '').trim().slice(0, 40));
    }
    return clipped;
  })()`)) as string[];
}

/** The frame every public page shares, and the UI's style sheet applied (the header's colour). */
async function expectFrame(p: Page, nav: string[]): Promise<void> {
  const links = await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  assert.deepEqual(links, nav, `navigation of ${p.url()}`);
  const headerColour = await p.evaluate(`getComputedStyle(document.querySelector('header.site-header')).backgroundColor`);
  assert.equal(headerColour, 'rgb(31, 58, 95)', `UI style sheet on ${p.url()}`);
  await p.getByRole('contentinfo').getByText('Coordinated vulnerability disclosure with').waitFor();
}

const CHATTER_NAV = ['Security policy', 'Report a vulnerability', 'Advisories', 'Atom feed', 'Hall of Fame', 'Advisories by mail'];
const PRIVA_NAV = ['Security policy', 'Report a vulnerability', 'Advisories', 'Atom feed', 'Advisories by mail'];

describe('one design for every public page', () => {
  // `stacked`: tables (by their region's name) that read one block per row on a phone.
  const pages: Array<{ name: string; path: () => string; heading: RegExp; nav: string[]; stacked?: string[] }> = [
    { name: 'public-policy', path: () => `/p/${CHATTER}`, heading: /Personal Chatter/, nav: CHATTER_NAV },
    { name: 'public-report-form', path: () => `/p/${CHATTER}/report`, heading: /Report a vulnerability/, nav: CHATTER_NAV },
    { name: 'public-status', path: () => `/p/${CHATTER}/status#${chatterToken}`, heading: /Stored XSS in display names/, nav: CHATTER_NAV, stacked: ['What the team promised you'] },
    { name: 'public-advisories', path: () => `/projects/${PRIVA}/advisories`, heading: /security advisories/, nav: PRIVA_NAV },
    { name: 'public-advisory', path: () => `/projects/${PRIVA}/advisories/${advisoryId}`, heading: /.+/, nav: PRIVA_NAV },
    { name: 'public-hall-of-fame', path: () => `/projects/${CHATTER}/hall-of-fame`, heading: /Hall of Fame/, nav: CHATTER_NAV },
    { name: 'public-mailing-list', path: () => `/projects/${CHATTER}/mailing-list`, heading: /Security advisories by mail/, nav: CHATTER_NAV },
  ];
  for (const page of pages) {
    test(`${page.name}: the shared frame and navigation, no sideways scroll, whole words in tables`, async () => {
      await withPage(async (g) => {
        const p = g.page;
        await p.goto(page.path());
        await p.getByRole('heading', { level: 1, name: page.heading }).waitFor();
        // The UI's navigation appears once the project is read (the Hall of Fame link depends on its policy).
        if (page.nav.includes('Hall of Fame')) await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hall of Fame' }).waitFor();
        await expectFrame(p, page.nav);
        assert.deepEqual(await checkAtBothWidths(p, page.name), []);
        await p.setViewportSize({ width: 375, height: 900 });
        assert.deepEqual(await brokenWords(p), [], `words broken mid-word in ${page.name} tables at 375 px`);
        assert.deepEqual(await clippedCells(p), [], `table cells cut off in ${page.name} at 375 px`);
        for (const region of page.stacked ?? []) {
          const row = `[role="region"][aria-label="${region}"] tbody tr`;
          assert.ok((await p.locator(row).count()) > 0, `${region}: rows to check`);
          assert.equal(await p.evaluate(`getComputedStyle(document.querySelector('${row}')).display`), 'block', `${region} stacks one block per row at 375 px`);
        }
      });
    });
  }

  test('a Hall of Fame with entries: the shared frame, no sideways scroll, whole words and dates', async () => {
    // Published advisories of personal-chatter crediting reporters: one twice, one with a long name, one anonymous.
    const chatterAdmin = await server.addMaintainer(CHATTER, 'admin', 'hal.fame@example.org', 'Hal Fame');
    const publish = async (title: string, credits: Array<{ name: string | null; type: string }>) => {
      const made = await server.api<{ advisory: { id: string } }>(chatterAdmin.token, 'POST', `/api/v1/projects/${CHATTER}/advisories`, {
        title,
        summary: 'A crafted display name runs script in the browsers of everyone in the room.',
        details: 'Display names were inserted into the room list as HTML.',
        cwe_ids: ['CWE-79'],
        cvss: { v3: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', v4: null },
        affected: [{ ecosystem: 'npm', package: 'personal-chatter', branches: [{ branch: '0.2.x', status: 'fixed', fixed: '0.2.5' }, { branch: '0.1.x', status: 'wont-fix', last_affected: '0.1.9' }] }],
        references: [{ type: 'fix', url: 'https://github.com/example/personal-chatter/commit/def456' }],
        credits,
      });
      for (const to of ['in-review', 'published']) await server.api(chatterAdmin.token, 'POST', `/api/v1/projects/${CHATTER}/advisories/${made.advisory.id}/transitions`, { to });
    };
    await publish('Stored cross-site scripting in display names shown in the room member list', [{ name: 'Ada R.', type: 'finder' }]);
    await publish('Session fixation through the invitation acceptance endpoint', [
      { name: 'Bartholomew Featherstonehaugh-Wrightson', type: 'finder' },
      { name: null, type: 'finder' },
    ]);
    await publish('Message history readable after leaving a private room', [{ name: 'Ada R.', type: 'reporter' }]);
    await withPage(async (g) => {
      const p = g.page;
      await p.goto(`/projects/${CHATTER}/hall-of-fame`);
      await p.getByRole('heading', { level: 1, name: /Hall of Fame/ }).waitFor();
      await p.getByRole('heading', { level: 2, name: 'Ada R.' }).waitFor();
      await p.getByRole('heading', { level: 2, name: 'Bartholomew Featherstonehaugh-Wrightson' }).waitFor();
      await p.getByText('With thanks also to 1 reporter who chose not to be named').waitFor();
      await expectFrame(p, CHATTER_NAV);
      assert.deepEqual(await checkAtBothWidths(p, 'public-hall-of-fame-entries'), []);
      await p.setViewportSize({ width: 375, height: 900 });
      assert.deepEqual(await brokenWords(p, 'main h2, main time'), [], 'words or dates broken in the Hall of Fame at 375 px');
    });
  });

  test('the mailing list\'s other pages (check your inbox, confirm, subscribed, a link not valid) have the same frame', async () => {
    await withPage(async (g) => {
      const p = g.page;
      const address = 'list.reader@example.org';
      await p.goto(`/projects/${CHATTER}/mailing-list`);
      await p.getByLabel('E-mail address').fill(address);
      await p.getByRole('button', { name: 'Subscribe' }).click();
      await p.getByRole('heading', { level: 1, name: 'Check your inbox' }).waitFor();
      await expectFrame(p, CHATTER_NAV);
      assert.deepEqual(await checkAtBothWidths(p, 'public-mailing-list-pending'), []);

      const mail = await mailTo(server, address);
      const link = /https?:\/\/\S+\/mailing-list\/confirm\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
      assert.ok(link, mail.text);
      await p.goto(new URL(link).pathname);
      await p.getByRole('heading', { level: 1, name: 'Confirm your subscription' }).waitFor();
      await expectFrame(p, CHATTER_NAV);
      assert.deepEqual(await checkAtBothWidths(p, 'public-mailing-list-confirm'), []);
      await p.getByRole('button', { name: /^Confirm: send me/ }).click();
      await p.getByRole('heading', { level: 1, name: 'Subscribed' }).waitFor();
      await expectFrame(p, CHATTER_NAV);
      assert.deepEqual(await checkAtBothWidths(p, 'public-mailing-list-subscribed'), []);

      g.expectConsole(/status of 404/);
      await p.goto(`/projects/${CHATTER}/mailing-list/unsubscribe/this-link-was-never-sent-0000`);
      await p.getByRole('heading', { level: 1, name: 'Link not valid' }).waitFor();
      await expectFrame(p, CHATTER_NAV);
      assert.deepEqual(await checkAtBothWidths(p, 'public-mailing-list-link-not-valid'), []);
    });
  });

  test('home, and a reporter link that opens nothing, have the same frame', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 404/);
      await p.goto('/');
      await p.getByRole('heading', { level: 1 }).waitFor();
      await expectFrame(p, ['Projects']);
      assert.deepEqual(await checkAtBothWidths(p, 'public-home'), []);
      await p.goto('/reporter/this-link-was-cut-short-000000');
      await p.getByRole('heading', { level: 1, name: 'No report matches this link' }).waitFor();
      await expectFrame(p, ['Projects']);
      assert.deepEqual(await checkAtBothWidths(p, 'public-no-report'), []);
    });
  });
});
