import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn, submitReport, type Submitted } from './support/dashboard.ts';
import { examplePolicy } from '../support/fixtures.ts';
import { CRA_YAML } from '../support/cra.ts';

/**
 * CRA Article 14 on the maintainer's report page (docs/cra.md): a triager marks the report actively exploited, sees
 * the 24 h / 72 h clocks, opens the early warning's draft and records its filing; a viewer reads but gets no form.
 */
const SLUG = 'privastream';
let server: E2eServer;
let chromium: E2eBrowser;
let tess: Maintainer;
let vic: Maintainer;
let report: Submitted;

before(async () => {
  server = await startE2eServer([SLUG]);
  await server.api(server.adminToken, 'PUT', `/api/v1/projects/${SLUG}/policy`, { policy_yaml: examplePolicy(SLUG) + CRA_YAML });
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  vic = await server.addMaintainer(SLUG, 'viewer', 'vic@example.org', 'Vic Viewer');
  report = await submitReport(server, SLUG, {
    title: 'Remote code execution in the model loader',
    description: 'A crafted model file runs code on load; we see it used in the wild.',
    steps_to_reproduce: '1. Load the attached model',
    impact: 'Code execution as the service user.',
    accept_terms: 'true',
  });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

async function open(g: GuardedPage, who: Maintainer) {
  g.expectConsole(/status of 401/);
  await g.page.goto('/app');
  await signIn(g.page, who.email);
  await g.page.goto(`/app/p/${SLUG}/reports/${report.tracking_id}`);
}

describe('CRA reporting on the report page, in Chromium', () => {
  test('a triager marks the report actively exploited, sees the clocks, reads the draft and records the filing', async () => {
    await withPage(async (g) => {
      const p = g.page;
      await open(g, tess);
      const section = p.getByRole('region', { name: 'EU Cyber Resilience Act reporting' });
      await section.getByText('Not marked actively exploited').waitFor();
      await section.getByLabel('Actively exploited').check();
      await section.getByRole('button', { name: 'Save marking' }).click();
      await section.getByRole('status').filter({ hasText: 'Marked: the CRA clocks run' }).waitFor();
      const clocks = section.getByRole('list', { name: 'CRA deadlines' });
      await clocks.getByText(/cra early warning/i).waitFor();
      await clocks.getByText(/cra notification/i).waitFor();
      // The page's own deadline list has them too.
      await p.getByRole('complementary', { name: 'Facts and deadlines' }).getByText(/cra early warning/i).waitFor();

      await section.getByText(/^Early warning \(24 h\) — due/).click();
      const draft = section.locator('details', { hasText: 'Early warning (24 h)' });
      await draft.getByText('"member_states"').waitFor();
      assert.match(await draft.locator('pre').innerText(), /"DE",\s*"FR",\s*"NL"/);
      assert.equal(await draft.getByRole('link', { name: 'Text for filing' }).getAttribute('href'), `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/cra/drafts/early-warning?format=text`);
      assert.deepEqual(await checkAtBothWidths(p, 'app-report-cra'), []);

      await draft.getByLabel('Reference').fill('EUVD-EW-42');
      await draft.getByRole('button', { name: 'Record filing' }).click();
      await section.getByText(/Early warning \(24 h\) — filed .* \(reference EUVD-EW-42\)/).waitFor();
    });
  });

  test('a viewer sees the clocks and drafts but no form', async () => {
    await withPage(async (g) => {
      const p = g.page;
      await open(g, vic);
      const section = p.getByRole('region', { name: 'EU Cyber Resilience Act reporting' });
      await section.getByText(/Actively exploited — aware since/).waitFor();
      assert.equal(await section.getByRole('button', { name: 'Save marking' }).count(), 0);
      assert.equal(await section.getByRole('button', { name: 'Record filing' }).count(), 0);
    });
  });
});
