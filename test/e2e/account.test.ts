import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkAtBothWidths, guardedPage, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { mailTo, PASSWORD, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn } from './support/dashboard.ts';

/**
 * Access that can be taken back, in Chromium against the real server (one start for the file, jobs on so the
 * outbox mails the reset link to the development maildir): a maintainer's API token created on the account page,
 * its secret shown once and used against the API, then revoked there (the API answers 401); sessions ended one by
 * one, all at once, and by a password change, each seen by a second browser at its next step; a site admin
 * disabling an account on /app/users (its open page drops to the sign-in form, its token stops working) and
 * re-enabling it, and erasing a reporter's data there on request; a forgotten password reset through the mailed link. Every new page is checked at both widths.
 */

const SLUG = 'personal-chatter';
const NEW_PASSWORD = 'a different, longer passphrase';
const RESET_PASSWORD = 'chosen after forgetting the old one';
const RITA = 'rita@example.org';
let server: E2eServer;
let chromium: E2eBrowser;
let mia: Maintainer;
let dan: Maintainer;

before(async () => {
  // The browser starts while the server does. Sign-ins come from one address: lift the per-client limit.
  const [s, c] = await Promise.all([startE2eServer([SLUG], { EMBARGO_JOBS: 'on', EMBARGO_LOGIN_RATE_LIMIT: '1000' }), launchBrowser()]);
  [server, chromium] = [s, c];
  mia = await server.addMaintainer(SLUG, 'admin', 'mia@example.org', 'Mia Maintainer');
  dan = await server.addMaintainer(SLUG, 'triager', 'dan@example.org', 'Dan Departing');
  // No project: the only mail Rita gets is the reset link.
  await server.api(server.adminToken, 'POST', '/api/v1/users', { email: RITA, name: 'Rita Forgetful', password: PASSWORD });
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, server.baseUrl, fn);

const bearer = (token: string, path: string, init: RequestInit = {}) =>
  fetch(server.baseUrl + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

/** A page's next step that calls the API (the advisories list), after which it shows either the sign-in form or the list. */
async function nextStep(p: Page): Promise<void> {
  const nav = p.getByRole('navigation', { name: 'Main' });
  const to = (await nav.getByRole('link', { name: 'Advisories' }).getAttribute('aria-current')) === 'page' ? 'Queue' : 'Advisories';
  await nav.getByRole('link', { name: to, exact: true }).click();
}

async function expectSignedOut(p: Page): Promise<void> {
  await p.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again to continue.' }).waitFor();
  await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
}

describe('account, tokens, sessions and users in the dashboard', () => {
  test('an API token is created on the account page, shown once, works, and stops working once revoked there', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await signIn(p, mia.email);
      // Not a site admin: no Users link, and the page itself says it is not for them.
      assert.equal(await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(), 0);
      await p.getByRole('link', { name: 'Your account' }).click();
      await p.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
      assert.equal(new URL(p.url()).pathname, '/app/account');

      // The form offers the server's limits: 90 days by default, at most a year; read only, every project.
      const expires = p.getByLabel('Expires on');
      const [value, min, max] = await Promise.all([expires.inputValue(), expires.getAttribute('min'), expires.getAttribute('max')]);
      const day = 86_400_000;
      assert.ok(Math.abs(Date.parse(value) - (Date.now() + 90 * day)) < 2 * day, `default expiry ${value}`);
      assert.ok(Date.parse(max ?? '') < Date.now() + 366 * day && Date.parse(max ?? '') > Date.now() + 364 * day, `max ${max}`);
      assert.ok(Date.parse(min ?? '') > Date.now() - day, `min ${min}`);
      assert.equal(await p.getByLabel(/^read:/).isChecked(), true);
      assert.equal(await p.getByLabel(/^triage:/).isChecked(), false);
      assert.deepEqual(await checkAtBothWidths(p, 'app-account'), []);

      // Nothing named, no scope: refused in the page with the server's wording.
      await p.getByLabel(/^read:/).uncheck();
      await p.getByRole('button', { name: 'Create token' }).click();
      const summary = p.getByRole('alert').filter({ hasText: 'There are 2 problems with the new token' });
      await summary.getByRole('link', { name: 'Name is required' }).waitFor();
      await summary.getByRole('link', { name: 'Scopes must name at least one scope' }).waitFor();

      await p.getByLabel('Name', { exact: true }).fill('CI scanner');
      await p.getByLabel(/^read:/).check();
      await p.getByLabel(/^triage:/).check();
      await p.getByLabel(/^Personal Chatter/).check();
      await p.getByRole('button', { name: 'Create token' }).click();
      const note = p.getByRole('note').filter({ hasText: 'Copy your new token “CI scanner” now' });
      await note.getByText('It is shown only this once.').waitFor();
      const secret = await note.getByLabel('Your new token').inputValue();
      assert.match(secret, /^emb_/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-account-new-token'), []);

      // The secret works, within its limits: the project's reports, but it cannot mint tokens.
      assert.equal((await bearer(secret, `/api/v1/projects/${SLUG}/reports`)).status, 200);
      assert.equal((await bearer(secret, '/api/v1/tokens', { method: 'POST', body: JSON.stringify({ name: 'child' }) })).status, 403);

      // Hidden, it is gone for good: the list never shows a secret.
      await p.getByRole('button', { name: 'I have stored it: hide the token' }).click();
      await p.getByRole('button', { name: 'Create token' }).waitFor();
      assert.equal(await p.getByLabel('Your new token').count(), 0);
      await p.reload();
      const card = p.getByRole('list', { name: 'Active tokens' }).getByRole('listitem').filter({ has: p.getByRole('heading', { name: /CI scanner/ }) });
      await card.waitFor();
      const text = await card.innerText();
      assert.match(text, /Scopes\s+read, triage/);
      assert.match(text, /Projects\s+personal-chatter/);
      assert.doesNotMatch(text, /Last used\s+Never/, 'the API call above was recorded');
      assert.ok(!(await p.locator('main').innerText()).includes(secret), 'the secret is never shown again');

      // Revoked, with a confirmation first.
      await card.getByRole('button', { name: 'Revoke the token “CI scanner”' }).click();
      await card.getByRole('group').filter({ hasText: 'Anything using it is refused (401) from its next request. This cannot be undone.' }).waitFor();
      await card.getByRole('button', { name: 'Revoke “CI scanner”' }).click();
      await p.getByRole('status').filter({ hasText: 'The token “CI scanner” was revoked' }).waitFor();
      const refused = await bearer(secret, `/api/v1/projects/${SLUG}/reports`);
      assert.equal(refused.status, 401);
      assert.match(((await refused.json()) as { message: string }).message, /revoked/);
      await p.getByText('Revoked and expired tokens (1)').click();
      const gone = p.getByRole('list', { name: 'Revoked and expired tokens' }).getByRole('listitem').filter({ hasText: 'CI scanner' });
      assert.match(await gone.innerText(), /Revoked\s+\d{4}-\d\d-\d\d/);

      await p.goto('/app/users');
      await p.getByText('Only site administrators manage the accounts of this server.').waitFor();
    });
  });

  test('sessions end one by one, all at once and with a password change; the other browser notices at its next step', async () => {
    const a = await guardedPage(chromium.browser, server.baseUrl);
    const b = await guardedPage(chromium.browser, server.baseUrl);
    try {
      for (const g of [a, b]) g.expectConsole(/status of 401/);
      a.expectConsole(/status of 400/);
      await a.page.goto('/app/account');
      await signIn(a.page, mia.email);
      await b.page.goto('/app');
      await signIn(b.page, mia.email);
      const sessions = a.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');

      // All others at once (B, and the one the test's setup signed in with).
      await a.page.reload();
      await a.page.getByRole('button', { name: /^Sign out other sessions \(\d+\)$/ }).click();
      await a.page.getByRole('status').filter({ hasText: 'Your other sessions were signed out.' }).waitFor();
      await a.page.getByText('This is your only session.').waitFor();
      await sessions.nth(1).waitFor({ state: 'detached' });
      assert.equal(await sessions.count(), 1);
      assert.match(await sessions.innerText(), /this session/);
      await nextStep(b.page);
      await expectSignedOut(b.page);
      await signIn(b.page, mia.email);

      // One: B's, by its own button.
      await a.page.reload();
      await sessions.nth(1).waitFor();
      assert.equal(await sessions.count(), 2);
      const other = sessions.filter({ hasNotText: 'this session' });
      await other.getByRole('button', { name: /^End session signed in / }).click();
      await a.page.getByRole('status').filter({ hasText: /^The session signed in .* was ended\.$/ }).waitFor();
      // The list reloads after the notice: wait for the ended row to leave it.
      await sessions.nth(1).waitFor({ state: 'detached' });
      assert.equal(await sessions.count(), 1);
      await nextStep(b.page);
      await expectSignedOut(b.page);
      await signIn(b.page, mia.email);
      await a.page.reload();
      await sessions.nth(1).waitFor();
      assert.deepEqual(await checkAtBothWidths(a.page, 'app-account-sessions'), []);

      // A password change: the current one must be right; then B is signed out, A stays.
      await a.page.getByLabel('Current password').fill('not it at all');
      await a.page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await a.page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      await a.page.getByRole('button', { name: 'Change password' }).click();
      await a.page.getByRole('alert').getByRole('link', { name: 'Current password is not your current password' }).waitFor();
      await a.page.getByLabel('Current password').fill(PASSWORD);
      await a.page.getByRole('button', { name: 'Change password' }).click();
      await a.page.getByRole('status').filter({ hasText: 'Your password was changed. Your other sessions were signed out; this one stays signed in.' }).waitFor();
      await a.page.getByText('This is your only session.').waitFor();
      await nextStep(b.page);
      await expectSignedOut(b.page);
      await b.page.getByLabel('Email').fill(mia.email);
      await b.page.getByLabel('Password').fill(PASSWORD);
      await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await b.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      await signIn(b.page, mia.email, NEW_PASSWORD);
      await a.page.reload();
      await a.page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
      for (const g of [a, b]) assert.deepEqual(g.problems(), [], 'console errors, uncaught exceptions or CSP violations');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a site admin disables an account on /app/users: its open page drops to the sign-in form, its token stops working', async () => {
    const admin = await guardedPage(chromium.browser, server.baseUrl);
    const user = await guardedPage(chromium.browser, server.baseUrl);
    try {
      user.expectConsole(/status of 401/);
      admin.expectConsole(/status of (401|409)/);
      await user.page.goto('/app');
      await signIn(user.page, dan.email);
      await admin.page.goto('/app');
      await signIn(admin.page, 'root@example.org');
      await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
      const p = admin.page;
      await p.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      const accounts = p.getByRole('list', { name: 'Accounts' });
      const row = (email: string) => accounts.getByRole('listitem').filter({ hasText: email });
      await row(RITA).waitFor();
      assert.match(await row('root@example.org').innerText(), /you\s*site admin/);

      // Not yourself: the server's 409, in its words.
      await row('root@example.org').getByRole('button', { name: 'Disable root@example.org' }).click();
      await row('root@example.org').getByRole('button', { name: 'Disable root@example.org' }).click();
      await p.getByRole('alert').filter({ hasText: 'You cannot disable your own account; ask another site admin' }).waitFor();

      // Dan: the confirmation says what happens at once.
      await row(dan.email).getByRole('button', { name: `Disable ${dan.email}` }).click();
      await row(dan.email).getByRole('group').filter({ hasText: 'Their sessions end and their API tokens are revoked at once' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-users'), []);
      await row(dan.email).getByRole('button', { name: `Disable ${dan.email}` }).click();
      await p.getByRole('status').filter({ hasText: `Dan Departing (${dan.email}) is disabled: their sessions ended and their API tokens were revoked.` }).waitFor();
      await row(dan.email).getByText('disabled', { exact: true }).waitFor();
      assert.equal((await bearer(dan.token, `/api/v1/projects/${SLUG}/reports`)).status, 401);

      // Dan's open page: the next step asks for a password, which no longer works.
      await nextStep(user.page);
      await expectSignedOut(user.page);
      await user.page.getByLabel('Email').fill(dan.email);
      await user.page.getByLabel('Password').fill(PASSWORD);
      await user.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await user.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

      // Re-enabled: the password works again, the old token does not.
      await row(dan.email).getByRole('button', { name: `Re-enable ${dan.email}` }).click();
      await p.getByRole('status').filter({ hasText: 'can sign in again. Their old API tokens stay revoked.' }).waitFor();
      await signIn(user.page, dan.email);
      assert.equal((await bearer(dan.token, `/api/v1/projects/${SLUG}/reports`)).status, 401);

      // A reporter's erasure on request (docs/retention.md): asked once more, then done, the count said.
      const submitted = await fetch(`${server.baseUrl}/api/v1/projects/${SLUG}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Erase me later', description: 'A report whose reporter will ask to be forgotten.', steps_to_reproduce: '1. x', impact: 'y', reporter_email: 'forget-me@example.net', accept_terms: true }),
      });
      assert.equal(submitted.status, 201, await submitted.clone().text());
      const trackingId = ((await submitted.json()) as { tracking_id: string }).tracking_id;
      await p.getByLabel("Reporter's email address").fill('forget-me@example.net');
      await p.getByRole('button', { name: "Erase this reporter's data" }).click();
      await p.getByRole('button', { name: 'Erase forget-me@example.net' }).click();
      await p.getByRole('status').filter({ hasText: `Erased forget-me@example.net from ${trackingId}` }).waitFor();
      for (const g of [admin, user]) assert.deepEqual(g.problems(), [], 'console errors, uncaught exceptions or CSP violations');
    } finally {
      await admin.close();
      await user.close();
    }
  });

  test("a site admin revokes one leaked token of another user on /app/users; that user's other tokens keep working", async () => {
    // Mia makes a second token, as a person would (a session, then the token route); her password changed above.
    const session = await fetch(`${server.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: mia.email, password: NEW_PASSWORD }) });
    const cookie = String(session.headers.get('set-cookie')).split(';')[0] ?? '';
    const { csrf_token: csrf } = (await session.json()) as { csrf_token: string };
    const made = await fetch(`${server.baseUrl}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Release bot' }) });
    assert.equal(made.status, 201, await made.clone().text());
    const leaked = ((await made.json()) as { token: string }).token;
    assert.equal((await bearer(leaked, `/api/v1/projects/${SLUG}/reports`)).status, 200);

    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app/users');
      await signIn(p, 'root@example.org');
      const row = p.getByRole('list', { name: 'Accounts' }).getByRole('listitem').filter({ hasText: mia.email }).first();
      await row.getByText(`API tokens of ${mia.email}`).click();
      const list = p.getByRole('list', { name: `Active tokens of ${mia.email}` });
      const bot = list.getByRole('listitem').filter({ hasText: 'Release bot' });
      await bot.waitFor();
      assert.match(await bot.innerText(), /All of theirs/);
      await bot.getByRole('button', { name: `Revoke the token “Release bot” of ${mia.email}` }).click();
      await bot.getByRole('group').filter({ hasText: `Revoke the token “Release bot” of ${mia.email}?` }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-users-tokens'), []);
      await bot.getByRole('button', { name: `Revoke “Release bot” of ${mia.email}` }).click();
      await row.getByRole('status').filter({ hasText: `The token “Release bot” of ${mia.email} was revoked` }).waitFor();
      await bot.waitFor({ state: 'detached' });
      await row.getByText(/\d+ revoked or expired tokens?\./).waitFor();
    });
    assert.equal((await bearer(leaked, `/api/v1/projects/${SLUG}/reports`)).status, 401, 'the revoked token is refused');
    assert.equal((await bearer(mia.token, `/api/v1/projects/${SLUG}/reports`)).status, 200, 'her other token still works');
  });

  test('a forgotten password: the sign-in form links to the request, the mailed link sets a new one, once', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of (401|404)/);
      await p.goto('/app');
      await p.getByRole('link', { name: 'Forgot your password?' }).click();
      await p.getByRole('heading', { name: 'Forgot your password?', level: 1 }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-forgot-password'), []);
      await p.getByLabel('Email').fill(RITA);
      await p.getByRole('button', { name: 'Mail me a reset link' }).click();
      // The server's answer, the same for any address.
      await p.getByRole('status').filter({ hasText: 'If the address has an account, a link to reset its password is on its way. It works once, for one hour.' }).waitFor();

      const mail = await mailTo(server, RITA);
      assert.equal(mail.subject, 'Reset your Embargo password');
      const link = /https?:\/\/\S+\/app\/reset-password#token=\S+/.exec(mail.text ?? '')?.[0] ?? assert.fail(`no link in ${mail.text}`);
      const path = link.replace(/^https?:\/\/[^/]+/, '');
      await p.goto(path);
      await p.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
      await p.getByLabel('New password', { exact: true }).fill(RESET_PASSWORD);
      await p.getByLabel('Repeat the new password').fill(`${RESET_PASSWORD}!`);
      await p.getByRole('button', { name: 'Set the new password' }).click();
      await p.getByRole('alert').getByRole('link', { name: 'Repeat the new password differs from the new password' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-reset-password'), []);
      await p.getByLabel('Repeat the new password').fill(RESET_PASSWORD);
      await p.getByRole('button', { name: 'Set the new password' }).click();
      const changed = p.getByRole('status').filter({ hasText: 'Your password was changed, and every session of your account was signed out.' });
      await changed.waitFor();
      // A reset may follow a compromise: tokens are not revoked by it, and the page says where to check them.
      assert.match(await changed.innerText(), /Your API tokens still work: .* revoke any token you do not recognise under Your account, API tokens\./);
      assert.equal(new URL(p.url()).hash, '', 'the used token leaves the address bar');
      const old = await fetch(`${server.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: RITA, password: PASSWORD }) });
      assert.equal(old.status, 401);
      // The sign-in form is right there; signing in lands on the dashboard.
      await p.getByLabel('Email').fill(RITA);
      await p.getByLabel('Password', { exact: true }).fill(RESET_PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('heading', { name: 'Report queue' }).waitFor();
      assert.equal(new URL(p.url()).pathname, '/app');

      // The link works once: the server's words, and a way to ask again.
      await p.goto(path);
      await p.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await p.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      await p.getByRole('button', { name: 'Set the new password' }).click();
      const refused = p.getByRole('alert').filter({ hasText: 'This reset link is not valid: it was already used, has expired or was replaced by a newer one.' });
      await refused.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    });
  });
});
