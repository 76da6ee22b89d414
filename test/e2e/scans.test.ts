import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn } from './support/dashboard.ts';
import { buildZip } from '../support/zip.ts';

/**
 * The scans page (docs/scanner.md): a hygiene scan's secret shows only as the API's redacted prefix and hash, a
 * SARIF import's results with file:line, rule and severity, what a re-scan resolved, and "Make a report".
 */
const SLUG = 'personal-chatter';
/** A project with more scans than a page (50): a CI job's uploads. */
const BUSY = 'privastream';
const BUSY_SCANS = 53;
/** Built from parts at test time, so the repository holds no token a secret scanner takes for real. */
const TOKEN = ['gl', 'pat-', 'Qx7Lm2Vb9Rt4Kp1Zs8Wd'].join('');
let server: E2eServer;
let chromium: E2eBrowser;
let tess: Maintainer;
let cora: Maintainer;

/** An npm lockfile (v3) of two packages. */
const LOCKFILE = JSON.stringify({
  name: 'chatter-web',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'chatter-web', version: '1.0.0', dependencies: { lodash: '4.17.20', minimist: '1.2.5' } },
    'node_modules/lodash': { version: '4.17.20', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz', integrity: 'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==' },
    'node_modules/minimist': { version: '1.2.5', resolved: 'https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz', integrity: 'sha512-FM9nNUYrRBAELZQT3xeZQ7fmMOBg6nWNmJKTcgsJeaLstP/UODVpGsr5OhXhhXg6f+qtJ8uiZ+PUxkDWcgIXLw==' },
  },
});

const sarif = (results: { rule: string; file: string; line: number; level: string }[]): string =>
  JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bandit', rules: [{ id: 'B602', properties: { 'security-severity': '8.1' } }, { id: 'B105' }] } },
        results: results.map((r) => ({
          ruleId: r.rule,
          level: r.level,
          message: { text: `${r.rule}: a call that deserves a look` },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line } } }],
        })),
      },
    ],
  });

before(async () => {
  server = await startE2eServer([SLUG, BUSY]);
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  cora = await server.addMaintainer(BUSY, 'triager', 'cora@example.org', 'Cora Triager');
  // One at a time: ci-000 is the oldest, ci-052 the newest.
  for (let i = 0; i < BUSY_SCANS; i++) {
    await server.api(cora.token, 'POST', `/api/v1/projects/${BUSY}/scans`, { filename: `ci-${String(i).padStart(3, '0')}.sarif`, content: sarif([{ rule: 'B602', file: 'app/run.py', line: i + 1, level: 'error' }]) });
  }
  const scans = `/api/v1/projects/${SLUG}/scans`;
  // A lockfile of an ecosystem the server has no OSV data for (the e2e server imports none): every package unchecked.
  await server.api(tess.token, 'POST', scans, { filename: 'package-lock.json', content: LOCKFILE });
  const zip = buildZip([{ name: 'src/settings.py', text: `GITLAB = "${TOKEN}"\n`, deflate: true }], false);
  await server.api(tess.token, 'POST', scans, { filename: 'tree.zip', content: zip.toString('base64'), encoding: 'base64' });
  await server.api(tess.token, 'POST', scans, { filename: 'bandit.sarif', content: sarif([{ rule: 'B602', file: 'app/run.py', line: 12, level: 'error' }, { rule: 'B105', file: 'app/db.py', line: 3, level: 'warning' }]) });
  await server.api(tess.token, 'POST', scans, { filename: 'bandit.sarif', content: sarif([{ rule: 'B602', file: 'app/run.py', line: 12, level: 'error' }]) });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

describe('scans page in Chromium', () => {
  test('SARIF results and hygiene findings are shown, resolved ones listed, and one becomes a report', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/settings`);
      await signIn(p, tess.email);
      await p.getByRole('link', { name: 'Scans and their findings' }).click();
      await p.getByRole('heading', { name: /Scans of/ }).waitFor();
      const cards = p.getByRole('list', { name: 'Scans' }).locator(':scope > li');
      // The heading shows before the list has loaded: wait for the scans, then count them.
      await cards.nth(3).waitFor();
      assert.equal(await cards.count(), 4);
      // Newest first: the second SARIF import.
      const latest = cards.nth(0);
      await latest.getByRole('button', { name: 'Show findings of bandit.sarif' }).click();
      const results = latest.getByRole('list', { name: 'Findings of bandit.sarif' });
      await results.waitFor();
      const text = await results.innerText();
      assert.match(text, /app\/run\.py:12/);
      assert.match(text, /B602/);
      assert.match(text, /high/);
      await latest.getByRole('list', { name: /Resolved since the previous scan/ }).getByText('B105').waitFor();
      // The hygiene scan: the secret only as the API redacts it.
      const tree = cards.nth(2);
      await tree.getByRole('button', { name: 'Show findings of tree.zip' }).click();
      const found = tree.getByRole('list', { name: 'Findings of tree.zip' });
      await found.waitFor();
      const treeText = await found.innerText();
      assert.match(treeText, /src\/settings\.py:1/);
      assert.match(treeText, /secret/);
      assert.ok(!treeText.includes(TOKEN) && !treeText.includes(TOKEN.slice(6)), 'the token is never shown');
      assert.ok(!(await p.content()).includes(TOKEN.slice(6)), 'nor anywhere in the page');
      assert.deepEqual(await checkAtBothWidths(p, 'app-scans'), []);
      await latest.getByRole('button', { name: 'Make a report of B602 at app/run.py:12' }).click();
      const made = p.getByRole('status').filter({ hasText: /Report .* was made/ });
      await made.waitFor();
      const trackingId = /Report (\S+) was made/.exec(await made.innerText())?.[1] ?? '';
      await latest.getByRole('link', { name: trackingId }).waitFor();
      const report = await server.api<{ title: string; source: string }>(tess.token, 'GET', `/api/v1/projects/${SLUG}/reports/${trackingId}`);
      assert.equal(report.title, 'B602 in app/run.py:12');
      assert.equal(report.source, 'scan');
    });
  });

  test('a lockfile of an ecosystem with no OSV data: the page names the ecosystem, says it was not checked, and where OSV data comes from', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/scans`);
      await signIn(p, tess.email);
      const card = p.getByRole('list', { name: 'Scans' }).locator(':scope > li').filter({ hasText: 'package-lock.json' });
      await card.waitFor();
      // The card says so before it is opened: "no finding" is not "clean".
      assert.match(await card.innerText(), /Not checked\s+2/);
      await card.getByRole('button', { name: 'Show findings of package-lock.json' }).click();
      const missing = card.getByRole('region', { name: 'Not checked: no OSV data' });
      await missing.waitFor();
      const text = await missing.innerText();
      assert.match(text, /No OSV data for npm: its 2 dependencies were not checked/);
      assert.match(text, /osv\.dev/);
      assert.match(text, /EMBARGO_OSV_DIR/);
      assert.equal(await missing.getByRole('link', { name: 'npm/all.zip' }).getAttribute('href'), 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip');
      assert.ok(!(await card.innerText()).includes('No finding in this scan'), 'not called clean');
      assert.deepEqual(await checkAtBothWidths(p, 'app-scans-no-osv-data'), []);
    });
  });

  test('more scans than a page: the first 50, then "Show more scans" adds the rest; focus goes to the first added scan', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${BUSY}/scans`);
      await signIn(p, cora.email);
      const cards = p.getByRole('list', { name: 'Scans' }).locator(':scope > li');
      await cards.nth(49).waitFor();
      assert.equal(await cards.count(), 50, 'one page');
      assert.match(await cards.nth(0).innerText(), /ci-052\.sarif/);
      await p.getByRole('status').filter({ hasText: 'The newest 50 scans are shown' }).waitFor();
      const more = p.getByRole('button', { name: 'Show more scans' });
      // From the keyboard, as a screen reader user would.
      await more.focus();
      await p.keyboard.press('Enter');
      await cards.nth(BUSY_SCANS - 1).waitFor();
      assert.equal(await cards.count(), BUSY_SCANS, 'no scan twice, none missing');
      assert.deepEqual(
        await cards.locator('h2').evaluateAll((hs) => hs.map((h) => /ci-\d+/.exec(h.textContent ?? '')?.[0])),
        Array.from({ length: BUSY_SCANS }, (_, i) => `ci-${String(BUSY_SCANS - 1 - i).padStart(3, '0')}`),
        'newest first across the pages',
      );
      await p.getByRole('status').filter({ hasText: `${BUSY_SCANS} scans, newest first.` }).waitFor();
      assert.equal(await more.count(), 0, 'no button once every scan is shown');
      // The button went away with the last page: focus is on the first scan it added, not lost to the page.
      assert.match(String(await p.evaluate('document.activeElement?.textContent')), /ci-002\.sarif/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-scans-more'), []);
    });
  });
});
