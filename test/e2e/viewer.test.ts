import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { mailTo, PASSWORD, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { chatterReport, signIn, submitReport, type Submitted } from './support/dashboard.ts';

/**
 * A viewer in the dashboard: joins through the invitation mail's link (name and password chosen in the browser),
 * then reads the queue, the report, the thread and the settings, and is offered no action
 * at all; a request forced from the page (with the session's own CSRF token) is refused by the server, and the
 * report is unchanged. Signing out ends the session.
 */

const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
const VIEWER = 'vic@example.org';
let admin: Maintainer;
let report: Submitted;

before(async () => {
  // Jobs on: the outbox delivers the invitation to the development maildir.
  server = await startE2eServer([SLUG], { EMBARGO_JOBS: 'on' });
  admin = await server.addMaintainer(SLUG, 'admin', 'ada.admin@example.org', 'Ada Admin');
  // An address with no account: the admin's answer is the same as for one with an account, and a link is mailed.
  const invited = await server.api(admin.token, 'PUT', `/api/v1/projects/${SLUG}/members`, { email: VIEWER, role: 'viewer' });
  assert.deepEqual(invited, { email: VIEWER, role: 'viewer' });
  report = await submitReport(server, SLUG, chatterReport('Stored XSS in display names'), [{ name: 'poc.txt', type: 'text/plain', content: 'payload\n' }]);
  await server.api(admin.token, 'POST', `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/messages`, { body: 'Internal: looks real.', internal: true });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

describe('viewer in the dashboard', () => {
  test('the invitation link creates the account in the browser and lands on the project; used once, it is refused', async () => {
    const mail = await mailTo(server, VIEWER);
    const link = /https?:\/\/\S+\/app\/invitation#token=\S+/.exec(mail.text ?? '')?.[0] ?? assert.fail(`no link in ${mail.text}`);
    const path = link.replace(/^https?:\/\/[^/]+/, '');
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(path);
      await p.getByText('You are invited to the security team of Personal Chatter as viewer.', { exact: false }).waitFor();
      assert.equal(await p.getByLabel('Email').inputValue(), VIEWER);
      await p.getByLabel('Your name').fill('Vic Viewer');
      await p.getByLabel('Choose a password').fill(PASSWORD);
      await p.getByLabel('Repeat the password').fill(PASSWORD + 'x');
      await p.getByRole('button', { name: 'Create account and join' }).click();
      await p.getByRole('alert').filter({ hasText: 'The two passwords differ.' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-invitation'), []);
      await p.getByLabel('Repeat the password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Create account and join' }).click();
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      await p.getByText('Vic Viewer').first().waitFor();
    });
    await withPage(async (g) => {
      g.expectConsole(/status of (401|404)/);
      await g.page.goto(path);
      await g.page.getByText(/already used, has expired or was withdrawn/).waitFor();
    });
  });

  test('an address that already has an account is a pending invitation too, and joins by signing in on the invitation page', async () => {
    const email = 'olga@example.org';
    await server.api(server.adminToken, 'POST', '/api/v1/users', { email, name: 'Olga Other', password: PASSWORD });
    assert.deepEqual(await server.api(admin.token, 'PUT', `/api/v1/projects/${SLUG}/members`, { email, role: 'triager' }), { email, role: 'triager' });
    // The project admin cannot tell that this address had an account: it is pending, like a new address.
    const listed = await server.api<{ members: Array<{ email: string }>; invitations: Array<{ email: string }> }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/members`);
    assert.ok(!listed.members.some((m) => m.email === email));
    assert.ok(listed.invitations.some((i) => i.email === email));
    const mail = await mailTo(server, email);
    const link = /https?:\/\/\S+\/app\/invitation#token=\S+/.exec(mail.text ?? '')?.[0] ?? assert.fail(`no link in ${mail.text}`);
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of (401|409)/);
      await p.goto(link.replace(/^https?:\/\/[^/]+/, ''));
      await p.getByText('You are invited to the security team of Personal Chatter as triager.', { exact: false }).waitFor();
      // Creating an account for the address is refused with the way in.
      await p.getByLabel('Your name').fill('Olga');
      await p.getByLabel('Choose a password').fill(PASSWORD);
      await p.getByLabel('Repeat the password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Create account and join' }).click();
      await p.getByRole('alert').filter({ hasText: 'already has an account here: sign in with it, then accept the invitation' }).waitFor();
      await p.getByRole('button', { name: 'Sign in to accept' }).click();
      await p.getByText(`Sign in as ${email}, then accept the invitation.`).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-invitation-existing-account'), []);
      await p.locator('#signin-email').fill(email);
      await p.locator('#signin-password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('button', { name: 'Join Personal Chatter' }).click();
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
    });
    const after = await server.api<{ members: Array<{ email: string; role: string }> }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/members`);
    assert.ok(after.members.some((m) => m.email === email && m.role === 'triager'), 'a triager once accepted');
  });

  test('a viewer reads the report but is offered no triage, and a forced call is refused', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, VIEWER);
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      await p.getByRole('link', { name: new RegExp(`${report.tracking_id} Stored XSS`) }).click();
      await p.locator('h1').filter({ hasText: `${report.tracking_id}: Stored XSS in display names` }).waitFor();

      // Everything readable is there: the body, the attachment, the internal note (members see notes).
      const main = p.locator('main');
      await p.getByRole('article', { name: 'Internal note by Ada Admin' }).waitFor();
      assert.equal(await p.getByRole('link', { name: 'poc.txt' }).count(), 1);
      assert.match(await main.innerText(), /can read this report but not change it/);
      // No action of any kind.
      assert.equal(await p.getByRole('button', { name: /^Move to/ }).count(), 0);
      assert.equal(await p.getByRole('button', { name: /Save|Draft advisory|Send reply|Add internal note/ }).count(), 0);
      assert.equal(await p.locator('.cvss').count(), 0, 'no CVSS calculator');
      assert.equal(await p.locator('main textarea, main select, main input').count(), 0, 'no form control at all');
      assert.equal(await p.getByRole('heading', { name: 'Audit trail' }).count(), 0, 'the audit trail is for admins');
      assert.deepEqual(await checkAtBothWidths(p, 'app-report-viewer'), []);

      // Forced: the same call the triage button would make, with the session's CSRF token, is refused.
      g.expectConsole(/status of 403/);
      const forced = await p.evaluate(async (path) => {
        const { csrf_token } = (await (await fetch('/api/v1/session')).json()) as { csrf_token: string };
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf_token }, body: JSON.stringify({ to: 'acknowledged' }) });
        return { status: res.status, body: (await res.json()) as { error: string } };
      }, `/api/v1/projects/${SLUG}/reports/${report.tracking_id}/transitions`);
      assert.equal(forced.status, 403);
      assert.equal(forced.body.error, 'forbidden');
      const after = await server.api<{ state: string }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/reports/${report.tracking_id}`);
      assert.equal(after.state, 'new');

      // Settings: the policy read-only, members listed without controls.
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
      await p.getByRole('link', { name: 'Settings and members of Personal Chatter' }).click();
      await p.getByRole('heading', { name: 'Settings of Personal Chatter' }).waitFor();
      await p.getByText('Only project admins can change the policy; you are a viewer.').waitFor();
      assert.equal(await p.getByLabel('Policy (YAML)').getAttribute('readonly'), '');
      assert.equal(await p.getByRole('button', { name: /Save policy|Invite member|Add member|Remove/ }).count(), 0);
      await p.getByRole('list', { name: 'Members' }).getByText('vic@example.org', { exact: true }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-settings-viewer'), []);

      // Signing out ends the session: the API refuses the cookie afterwards.
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      assert.equal(await p.evaluate(async () => (await fetch('/api/v1/session')).status), 401);
    });
  });
});
