import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, endSessionElsewhere, signIn, submitReport, type Submitted } from './support/dashboard.ts';
import { scoreCvss } from '../../src/core/cvss/index.ts';

/**
 * The maintainer's day in the dashboard, in Chromium against the real server: sign in, the queue (filters, most
 * urgent first), a report triaged with the CVSS calculator (score computed live in the page), a reply and an
 * internal note, an advisory drafted from the report with its export preview, the project settings (policy
 * editor with live validation, members), session expiry and sign-out. Every page is checked at both widths
 * (screenshots, no sideways scrolling, axe-core); console errors, uncaught exceptions and CSP violations fail.
 */

const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;
let tess: Maintainer;
let xss: Submitted;
let redirect: Submitted;

before(async () => {
  server = await startE2eServer([SLUG, 'privastream']);
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  tess = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  // A second project, with no reports, where Ada only reads: the queue spans both.
  await server.api(server.adminToken, 'PUT', '/api/v1/projects/privastream/members', { email: admin.email, role: 'viewer' });
  // The older report is acknowledged (its next deadline is days away); the newer one is due within a day.
  redirect = await submitReport(server, SLUG, chatterReport('Open redirect after login', { category: 'other', affected_version: '0.1.4' }));
  await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/reports/${redirect.tracking_id}/transitions`, { to: 'acknowledged' });
  xss = await submitReport(server, SLUG, chatterReport('Stored XSS in display names'), [{ name: 'poc.txt', type: 'text/plain', content: 'GET /api/chat?name=<img src=x onerror=alert(1)>\n' }]);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

const h1 = (g: GuardedPage) => g.page.locator('h1');

describe('maintainer dashboard in Chromium', () => {
  test('sign in, the queue, triage with the CVSS calculator, reply and note, advisory with export preview', async () => {
    await withPage(async (g) => {
      const p = g.page;
      // Signed out, the dashboard asks the server (401) and shows the sign-in form; a wrong password is a 401 too.
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-sign-in'), []);
      await p.getByLabel('Email').fill(admin.email);
      await p.getByLabel('Password').fill('not the password');
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      await signIn(p, admin.email);

      // The queue: both reports, the one due within a day first, each countdown in words.
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      const items = p.getByRole('list', { name: 'Reports' }).getByRole('listitem');
      await items.first().waitFor();
      assert.equal(await items.count(), 2);
      assert.match(await items.nth(0).innerText(), new RegExp(`${xss.tracking_id} Stored XSS[\\s\\S]*Due soon Acknowledge · in \\d+ hours`));
      assert.match(await items.nth(1).innerText(), new RegExp(`${redirect.tracking_id} Open redirect[\\s\\S]*Due Assess · in \\d+ days`));
      assert.equal(await items.nth(0).locator('.countdown--soon').count(), 1, 'urgency is also a class (colour)');
      assert.deepEqual(await checkAtBothWidths(p, 'app-queue'), []);
      // Filters: state, and project (privastream has no reports).
      await p.getByLabel('State').selectOption('new');
      await p.getByRole('status').filter({ hasText: '1 report,' }).waitFor();
      assert.match(await items.first().innerText(), /Stored XSS/);
      await p.getByLabel('State').selectOption('all');
      await p.getByLabel('Project').selectOption('privastream');
      await p.getByText('No reports match these filters.').waitFor();
      await p.getByLabel('Project').selectOption('all');
      await p.getByLabel('Severity').selectOption('critical');
      await p.getByText('No reports match these filters.').waitFor();
      await p.getByLabel('Severity').selectOption('any');

      // The report page.
      await p.getByRole('link', { name: new RegExp(`${xss.tracking_id} Stored XSS`) }).click();
      await h1(g).filter({ hasText: `${xss.tracking_id}: Stored XSS in display names` }).waitFor();
      const main = p.locator('main');
      assert.match(await main.innerText(), /<script>alert\(1\)<\/script> runs for every viewer/, 'user text is shown as text');
      assert.equal(await p.locator('main script').count(), 0);
      const download = p.getByRole('link', { name: 'poc.txt' });
      assert.match((await download.getAttribute('href')) ?? '', new RegExp(`^/api/v1/projects/${SLUG}/reports/${xss.tracking_id}/attachments/[0-9a-f-]{36}$`));
      assert.deepEqual(await checkAtBothWidths(p, 'app-report'), []);

      // Only the transitions the state machine allows are offered.
      const moves = p.getByRole('list', { name: 'Allowed next states' }).getByRole('button');
      assert.deepEqual(await moves.allInnerTexts(), ['Move to Acknowledged', 'Move to Needs info', 'Move to Triaged', 'Move to Rejected']);
      assert.equal(await p.getByRole('button', { name: 'Move to Rejected' }).isDisabled(), true, 'rejecting needs a reason');
      await p.getByRole('button', { name: 'Move to Acknowledged' }).click();
      await p.getByRole('status').filter({ hasText: 'Moved to Acknowledged.' }).waitFor();
      await p.getByRole('button', { name: 'Move to Acknowledged' }).waitFor({ state: 'detached' });
      assert.deepEqual(await moves.allInnerTexts(), ['Move to Needs info', 'Move to Triaged', 'Move to Rejected']);
      await p.getByRole('button', { name: 'Move to Triaged' }).click();
      await p.getByRole('status').filter({ hasText: 'Moved to Triaged.' }).waitFor();

      // The CVSS calculator scores in the page as the metrics are chosen.
      const score = p.locator('.cvss__score');
      assert.match(await score.innerText(), /Choose every base metric/);
      const metrics: [string, string][] = [
        ['Attack Vector (AV)', 'N'],
        ['Attack Complexity (AC)', 'L'],
        ['Privileges Required (PR)', 'L'],
        ['User Interaction (UI)', 'R'],
        ['Scope (S)', 'C'],
        ['Confidentiality (C)', 'H'],
        ['Integrity (I)', 'L'],
        ['Availability (A)', 'N'],
      ];
      for (const [label, value] of metrics) await p.getByLabel(label, { exact: true }).selectOption(value);
      const vector = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N';
      const expected = scoreCvss(vector);
      await score.getByText(vector).waitFor();
      assert.match(await score.innerText(), new RegExp(`^${expected.score.toFixed(1)} ${expected.severity}`, 'i'));
      // One more metric changes the score at once, without a request.
      await p.getByLabel('Availability (A)', { exact: true }).selectOption('H');
      const higher = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:H');
      await score.getByText(higher.score.toFixed(1), { exact: true }).waitFor();
      await p.getByLabel('Availability (A)', { exact: true }).selectOption('N');
      await p.getByRole('button', { name: 'Save CVSS vector' }).click();
      await p.getByRole('status').filter({ hasText: `Saved ${vector}.` }).waitFor();
      await main.getByText(`CVSS v3.1 ${expected.score.toFixed(1)}`).waitFor();
      const report = await server.api<{ severity: string; cvss: { v3: { vector: string } } }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/reports/${xss.tracking_id}`);
      assert.equal(report.cvss.v3.vector, vector);
      assert.equal(report.severity, expected.severity);
      // v4.0 too.
      await p.getByLabel('CVSS v4.0').check();
      assert.match(await score.innerText(), /Choose every base metric/);
      await p.getByLabel('Or paste a vector').fill('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:L/SI:L/SA:N');
      await p.getByRole('button', { name: 'Use vector' }).click();
      const v4 = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:L/SI:L/SA:N');
      await score.getByText(v4.score.toFixed(1), { exact: true }).waitFor();
      assert.equal(await p.getByLabel('User Interaction (UI)', { exact: true }).inputValue(), 'P');

      // A reply to the reporter and an internal note, clearly apart.
      await p.getByLabel('Reply to the reporter').fill('Thanks, confirmed. <b>Fix</b> in progress.');
      await p.getByRole('button', { name: 'Send reply' }).click();
      const reply = p.getByRole('article', { name: 'Message from Ada Admin' });
      await reply.waitFor();
      assert.equal(await reply.locator('.message__body').innerText(), 'Thanks, confirmed. <b>Fix</b> in progress.');
      await p.getByRole('textbox', { name: 'Internal note', exact: true }).fill('Check the other renderers too.');
      await p.getByRole('button', { name: 'Add internal note' }).click();
      const note = p.getByRole('article', { name: 'Internal note by Ada Admin' });
      await note.waitFor();
      assert.match(await note.innerText(), /Internal note — not visible to the reporter/);
      const reporterView = await (await fetch(`${server.baseUrl}/api/v1/reporter/${xss.reporter_token}`)).json() as { messages: { body: string }[] };
      assert.ok(reporterView.messages.some((m) => m.body.startsWith('Thanks, confirmed.')), 'the reporter sees the reply');
      assert.ok(!reporterView.messages.some((m) => m.body.includes('other renderers')), 'the reporter never sees the note');

      // The audit trail (admins): collapsed until opened; then every change above, by name and in words.
      const audit = p.getByRole('list', { name: `Audit trail of ${xss.tracking_id}` });
      assert.equal(await audit.count(), 0, 'collapsed by default (and not loaded)');
      await p.locator('summary', { hasText: 'Audit trail' }).click();
      await audit.getByText('added an internal note').waitFor();
      const auditText = await audit.innerText();
      for (const words of ['submitted the report', 'changed the state', 'set the severity', 'replied to the reporter', 'added an internal note']) assert.ok(auditText.includes(words), `audit shows ${words}`);
      assert.match(auditText, /Ada Admin changed the state/);
      assert.match(auditText, /To\s+Acknowledged/);
      assert.doesNotMatch(auditText, /user:[0-9a-f-]{36}/, 'names, not raw user labels');
      assert.doesNotMatch(auditText, /[{}"]/, 'no raw JSON');
      assert.deepEqual(await checkAtBothWidths(p, 'app-report-triaged'), []);
      // No detail is wrapped a character per line: every line of the trail is wider than a few characters.
      await p.setViewportSize({ width: 375, height: 900 });
      const narrow = (await audit.locator('dd').evaluateAll((els) => els.filter((el) => el.getBoundingClientRect().width < 30 && (el.textContent ?? '').length > 3).length)) as number;
      assert.equal(narrow, 0);
      await p.setViewportSize({ width: 1280, height: 900 });

      // Draft an advisory from the report; edit; the export preview.
      await p.getByRole('button', { name: 'Draft advisory' }).click();
      await h1(g).filter({ hasText: /^PCHAT-SA-\d{4}-\d{4,}: Stored XSS in display names$/ }).waitFor();
      assert.equal(await p.getByLabel('Title', { exact: true }).inputValue(), 'Stored XSS in display names');
      assert.equal(await p.getByLabel('CVSS v3.1 vector').inputValue(), vector, 'the report’s vector is carried over');
      assert.match(await p.locator('#a-v3-score').innerText(), new RegExp(`Score ${expected.score.toFixed(1)}`));
      await p.getByLabel('Details (Markdown)').fill('Display names are **not escaped**.\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))');
      const preview = p.locator('.preview');
      await preview.locator('strong', { hasText: 'not escaped' }).waitFor();
      assert.equal(await preview.locator('script').count(), 0, 'raw HTML is escaped in the preview');
      assert.equal(await preview.locator('a[href^="javascript:"]').count(), 0, 'javascript: links are dropped');
      await p.getByLabel('Summary (one line, up to 160 characters)').fill('Stored XSS via display names in the chat view');
      await p.getByLabel('Package name').fill('personal-chatter');
      await p.getByRole('button', { name: 'Add package' }).click();
      await p.getByRole('table', { name: 'Backport matrix of personal-chatter' }).waitFor();
      await p.getByLabel('Status, personal-chatter 0.2.x').selectOption('fixed');
      await p.getByLabel('Fixed in, personal-chatter 0.2.x').fill('0.2.2');
      await p.getByRole('button', { name: 'Remove branch < 0.1 of personal-chatter' }).click();
      await p.getByRole('button', { name: 'Remove branch 0.1.x of personal-chatter' }).click();
      await p.getByRole('button', { name: 'Add reference' }).click();
      await p.getByLabel('Type of reference 1').selectOption('fix');
      await p.getByLabel('URL of reference 1').fill('https://example.org/personal-chatter/commit/abc123');
      await p.getByRole('button', { name: 'Save draft' }).click();
      await p.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const exportPre = p.getByLabel('OSV export');
      await exportPre.getByText('"fixed": "0.2.2"').waitFor();
      const osv = JSON.parse(await exportPre.innerText()) as { id: string; affected: { package: { name: string } }[] };
      assert.match(osv.id, /PCHAT-SA-\d{4}-\d{4,}$/);
      assert.equal(osv.affected[0]?.package.name, 'personal-chatter');
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisory-editor'), []);
      await p.getByLabel('CSAF 2.0').check();
      await p.getByLabel('CSAF export').getByText('"csaf_version"').waitFor();
      // A CVE record needs a CVE ID and the CNA's organisation: the server says so (400) and the preview shows why.
      g.expectConsole(/status of 400 .*format=cve/);
      await p.getByLabel('CVE JSON 5').check();
      const cveProblem = p.locator('.export').getByRole('alert');
      await cveProblem.getByText('This export is not available yet').waitFor();
      assert.ok((await cveProblem.innerText()).length > 40, 'the server’s reason is shown');

      // The advisory list.
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Advisories' }).click();
      await p.getByRole('heading', { name: 'Advisories', level: 1 }).waitFor();
      await p.getByRole('link', { name: /PCHAT-SA-.*Stored XSS/ }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-advisories'), []);
    });
  });

  test('the dashboard spans exactly the projects a user belongs to, with their role', async () => {
    type Mine = { projects: { slug: string; role: string }[] };
    const of = async (token: string) => (await server.api<Mine>(token, 'GET', '/api/v1/dashboard/projects')).projects.map((p) => `${p.slug}:${p.role}`);
    assert.deepEqual(await of(admin.token), [`${SLUG}:admin`, 'privastream:viewer']);
    assert.deepEqual(await of(tess.token), [`${SLUG}:triager`]);
    // Site admins act as admins of every project.
    assert.deepEqual(await of(server.adminToken), [`${SLUG}:admin`, 'privastream:admin']);
  });

  test('project settings: the policy editor checks as you type; members and roles', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app/projects');
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Your projects' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-projects'), []);
      await p.getByRole('link', { name: 'Settings and members of Personal Chatter' }).click();
      await p.getByRole('heading', { name: 'Settings of Personal Chatter' }).waitFor();
      const editor = p.getByLabel('Policy (YAML)');
      const original = await editor.inputValue();
      assert.match(original, /slug: personal-chatter/);
      await p.getByText('The policy is valid.').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-settings'), []);

      // A bad duration: the core's parser, in the page, names the line at once.
      const line = original.split('\n').findIndex((l) => l.includes('within: 24h')) + 1;
      await editor.fill(original.replace('within: 24h', 'within: soon'));
      const problems = p.getByRole('list', { name: 'Policy problems' });
      await problems.waitFor();
      assert.match(await problems.innerText(), new RegExp(`^Line ${line}: response\\.acknowledge\\.within `));
      assert.equal(await editor.getAttribute('aria-invalid'), 'true');
      // Broken YAML syntax.
      await editor.fill(original + '\n  : : bad');
      await problems.getByText(/^Line \d+:/).first().waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-settings-problems'), []);
      // Fixed, changed and saved.
      await editor.fill(original.replace('Initial acknowledgment of your report', 'First answer to your report'));
      await p.getByText('The policy is valid.').waitFor();
      await p.getByRole('button', { name: 'Save policy' }).click();
      await p.getByRole('status').filter({ hasText: 'Policy saved.' }).waitFor();
      const yaml = await (await fetch(`${server.baseUrl}/api/v1/projects/${SLUG}/policy`)).text();
      assert.match(yaml, /First answer to your report/);

      // Members: change a role, add and remove a member.
      const members = p.getByRole('list', { name: 'Members' });
      await members.getByText('tess@example.org', { exact: true }).waitFor();
      await p.getByLabel('Role of tess@example.org').selectOption('viewer');
      await p.getByRole('status').filter({ hasText: 'tess@example.org is now viewer.' }).waitFor();
      await server.api(server.adminToken, 'POST', '/api/v1/users', { email: 'val@example.org', name: 'Val Viewer', password: 'correct horse battery staple' });
      await p.getByLabel('Email address to invite').fill('val@example.org');
      await p.getByLabel('Role', { exact: true }).selectOption('triager');
      await p.getByRole('button', { name: 'Invite member' }).click();
      await p.getByRole('status').filter({ hasText: 'Invitation sent to val@example.org as triager.' }).waitFor();
      // An existing account is invited like a new address: pending until accepted, so the list tells nothing.
      const pending = p.getByRole('list', { name: 'Pending invitations' });
      await pending.getByText('val@example.org', { exact: true }).waitFor();
      assert.equal(await members.getByText('val@example.org', { exact: true }).count(), 0);
      await p.getByRole('button', { name: 'Withdraw invitation to val@example.org' }).click();
      await p.getByRole('status').filter({ hasText: 'The invitation to val@example.org was withdrawn.' }).waitFor();
      await pending.waitFor({ state: 'detached' });
      const list = await server.api<{ members: { email: string; role: string }[] }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/members`);
      assert.deepEqual(list.members.map((m) => `${m.email}:${m.role}`).sort(), ['ada.admin@example.org:admin', 'tess@example.org:viewer']);
    });
  });

  test('an ended session sends the page back to sign-in with a message; sign-out ends the session', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(`/app/p/${SLUG}/reports/${redirect.tracking_id}`);
      await signIn(p, admin.email);
      await h1(g).filter({ hasText: redirect.tracking_id }).waitFor();

      // The session ends elsewhere; the next call (any, here the queue's) is a 401 and the sign-in form returns.
      await endSessionElsewhere(g.context, server.baseUrl);
      await p.getByRole('link', { name: 'Queue', exact: true }).first().click();
      await p.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again to continue.' }).waitFor();
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();

      // Signing out ends the session on the server, not only in the page.
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
      const status = await p.evaluate(async () => (await fetch('/api/v1/session')).status);
      assert.equal(status, 401);
      await p.reload();
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await p.goto('/app/nowhere');
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Page not found' }).waitFor();
    });
  });
});
