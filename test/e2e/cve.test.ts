import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn } from './support/dashboard.ts';
import { privastreamPathTraversal } from '../support/privastream-advisory.ts';
import { startCveServicesContract, type CveServicesContract } from '../support/cve-services-server.ts';

/**
 * CVE Services in Chromium (issue 20): a project admin sets the credentials (the key write-only), reserves an ID
 * on the advisory page, and sees the record's publication fail during an outage — with CVE Services' error and the
 * next try — then retries it and sees it published. CVE Services is the contract server on 127.0.0.1.
 */
const SLUG = 'privastream';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let cve: CveServicesContract;

before(async () => {
  cve = await startCveServicesContract({ recordVersion: '5.2' });
  server = await startE2eServer([SLUG], { EMBARGO_CVE_SERVICES_URL: cve.url, EMBARGO_JOBS: 'on' });
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await cve?.close();
});

describe('CVE Services in the browser', () => {
  test('credentials in settings, reserve on the advisory, an outage shown with its error, retry, published', async () => {
    const created = await server.api<{ advisory: { id: string } }>(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories`, {
      ...privastreamPathTraversal(),
      details: 'The handler joined the requested name without normalising it.',
      references: [{ type: 'fix', url: 'https://github.com/example/privastream/commit/abc123' }],
    });
    const id = created.advisory.id;
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // signed out, the page asks the server first
      g.expectConsole(/status of 409/); // the retry below may race the job that already took the call
      // Not a CNA yet: the advisory offers the request for the CNA of last resort.
      await p.goto(`/app/p/${SLUG}/advisories/${id}`);
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Request an ID from your CNA of last resort' }).waitFor();
      await p.getByText('Suggested description of the vulnerability:').waitFor();
      await p.getByRole('button', { name: 'Mark as requested' }).click();
      await p.getByRole('status').filter({ hasText: 'Marked as requested.' }).waitFor();
      await p.getByText(/^Requested .* by /).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-cve-request'), []);

      await p.goto(`/app/p/${SLUG}/settings`);
      await p.getByRole('heading', { name: 'CVE Services', exact: true }).waitFor();
      await p.getByLabel('CVE Services environment').selectOption(cve.url);
      await p.getByLabel('CNA short name').fill(cve.org);
      await p.getByLabel('CNA organisation UUID').fill(cve.orgId);
      await p.getByLabel('API user').fill(cve.user);
      await p.getByLabel('API key').fill(cve.apiKey);
      await p.getByRole('button', { name: 'Save CVE settings' }).click();
      await p.getByText('A key is set. Leave empty to keep it').waitFor();
      assert.equal(await p.getByLabel('API key').inputValue(), '', 'the key is never shown again');
      assert.ok(!(await p.content()).includes(cve.apiKey));
      await p.getByRole('button', { name: 'Check the quota' }).click();
      await p.getByText(/IDs available/).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-cve-settings'), []);

      await p.goto(`/app/p/${SLUG}/advisories/${id}`);
      await p.getByRole('heading', { name: 'CVE', exact: true }).waitFor();
      await p.getByRole('button', { name: 'Reserve a CVE ID' }).click();
      await p.getByRole('status').filter({ hasText: 'A CVE ID was reserved' }).waitFor();
      const cveId = [...cve.ids.keys()][0] as string;
      await p.locator('.cve-section code').filter({ hasText: cveId }).waitFor();

      cve.outage(1);
      await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${id}/transitions`, { to: 'in-review' });
      await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/advisories/${id}/transitions`, { to: 'published' });
      // The job (every 5 s) tries, CVE Services answers 503: the page shows the error and the next try.
      for (let i = 0; i < 40; i++) {
        await p.reload();
        await p.getByRole('heading', { name: 'CVE', exact: true }).waitFor();
        if (await p.locator('.badge--retrying').count()) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await p.getByText(/503 SERVICE_UNAVAILABLE/).waitFor();
      await p.getByText('Next try').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-cve-retrying'), []);

      await p.getByRole('button', { name: 'Retry now' }).click();
      for (let i = 0; i < 40; i++) {
        await p.reload();
        await p.getByRole('heading', { name: 'CVE', exact: true }).waitFor();
        if (await p.locator('.badge--published').count()) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await p.locator('.badge--published').first().waitFor();
      assert.equal(cve.ids.get(cveId)?.state, 'PUBLISHED');
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-cve-published'), []);
    });
  });
});
