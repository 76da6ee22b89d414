import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAtBothWidths, launchBrowser, SCREENSHOT_DIR, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { mailTo, startE2eServer, type E2eServer } from './support/server.ts';
import { freePort } from '../support/server-process.ts';
import { startTestIdp, type TestIdp } from '../support/oidc-provider.ts';

/**
 * Single sign-on in Chromium against the real server and a real OpenID Connect provider (oidc-provider on
 * 127.0.0.1, test/support/oidc-provider.ts; nothing leaves this machine). The sign-in page offers "Sign in with
 * Example IdP"; the provider's own sign-in form is filled in; the browser comes back signed in, with the project
 * its group maps to. An address the provider does not call verified comes back to the sign-in page, which says
 * why in words. An invitation is accepted with SSO from the invitation page. Pages are checked at both widths.
 */

const SLUG = 'personal-chatter';
const IDP_PASSWORD = 'the password at the identity provider';
let server: E2eServer;
let chromium: E2eBrowser;
let idp: TestIdp;

before(async () => {
  // The redirect URI is registered at the provider before the server starts, so the server's port is chosen here.
  const port = await freePort();
  idp = await startTestIdp({ redirectUris: [`http://127.0.0.1:${port}/api/v1/sso/callback`] });
  [server, chromium] = await Promise.all([
    startE2eServer([SLUG], {
      PORT: String(port),
      EMBARGO_JOBS: 'on',
      EMBARGO_LOGIN_RATE_LIMIT: '1000',
      EMBARGO_OIDC_ISSUER: idp.issuer,
      EMBARGO_OIDC_CLIENT_ID: idp.clientId,
      EMBARGO_OIDC_CLIENT_SECRET: idp.clientSecret,
      EMBARGO_OIDC_ALLOWED_DOMAINS: 'example.org',
      EMBARGO_OIDC_ROLE_MAP: `chatter-security=${SLUG}:triager`,
      EMBARGO_OIDC_SCOPES: 'openid email profile groups',
      EMBARGO_OIDC_NAME: 'Example IdP',
    }),
    launchBrowser(),
  ]);
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await idp?.close();
});

const withPage = (fn: Parameters<typeof withGuardedPage>[2]) => withGuardedPage(chromium.browser, server.baseUrl, fn);

/** Fills in the provider's sign-in form (the browser is on it). */
async function atProvider(p: import('playwright-core').Page, email: string, screenshot?: string): Promise<void> {
  await p.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  assert.ok(p.url().startsWith(idp.issuer), `on the provider: ${p.url()}`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(IDP_PASSWORD);
  if (screenshot) await p.screenshot({ path: join(SCREENSHOT_DIR, `${screenshot}.png`) });
  await p.getByRole('button', { name: 'Sign in' }).click();
}

describe('single sign-on in the browser', () => {
  test('"Sign in with Example IdP" signs a new maintainer in through the provider, with the project their group maps to', async () => {
    idp.setAccount('sam@example.org', { sub: 'sam-1', email: 'sam@example.org', email_verified: true, name: 'Sam Single', groups: ['chatter-security'], password: IDP_PASSWORD });
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      const button = p.getByRole('link', { name: 'Sign in with Example IdP' });
      await button.waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-signin-sso'), []);
      await button.click();

      await atProvider(p, 'sam@example.org', 'sso-provider-form');
      await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      assert.equal(new URL(p.url()).pathname, '/app');
      await p.getByText('Signed in as').filter({ hasText: 'Sam Single' }).waitFor();
      // The role map made Sam a triager of personal-chatter: the queue offers its project.
      await p.locator('option', { hasText: 'Personal Chatter' }).waitFor({ state: 'attached' });
      assert.deepEqual(await checkAtBothWidths(p, 'app-sso-signed-in'), []);
    });
    const users = await server.api<{ users: Array<{ email: string; name: string }> }>(server.adminToken, 'GET', '/api/v1/users');
    assert.ok(users.users.some((u) => u.email === 'sam@example.org' && u.name === 'Sam Single'), 'the account was made just in time');
  });

  test('an address the provider does not call verified is refused, and the sign-in page says why in words', async () => {
    idp.setAccount('uma@example.org', { sub: 'uma-1', email: 'uma@example.org', email_verified: false, name: 'Uma Unverified', password: IDP_PASSWORD });
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app');
      await p.getByRole('link', { name: 'Sign in with Example IdP' }).click();
      await atProvider(p, 'uma@example.org');
      const alert = p.getByRole('alert').filter({ hasText: 'Single sign-on refused' });
      await alert.waitFor();
      assert.match(await alert.innerText(), /did not confirm that the email address is verified/);
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      assert.equal(new URL(p.url()).search, '', 'the reason code is taken out of the address once shown');
      assert.deepEqual(await checkAtBothWidths(p, 'app-signin-sso-refused'), []);
    });
    const users = await server.api<{ users: Array<{ email: string }> }>(server.adminToken, 'GET', '/api/v1/users');
    assert.ok(!users.users.some((u) => u.email === 'uma@example.org'), 'no account made');
  });

  test('an invitation is accepted with SSO from the invitation page', async () => {
    const admin = await server.addMaintainer(SLUG, 'admin', 'ada@example.org', 'Ada Admin');
    await server.api(admin.token, 'PUT', `/api/v1/projects/${SLUG}/members`, { email: 'ivy@example.org', role: 'viewer' });
    const mail = await mailTo(server, 'ivy@example.org');
    const link = /https?:\/\/\S+\/app\/invitation#token=\S+/.exec(mail.text ?? '')?.[0] ?? assert.fail(`no link in ${mail.text}`);
    idp.setAccount('ivy@example.org', { sub: 'ivy-1', email: 'ivy@example.org', email_verified: true, name: 'Ivy Invitee', password: IDP_PASSWORD });
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto(link.slice(server.baseUrl.length));
      const accept = p.getByRole('button', { name: 'Accept with Example IdP' });
      await accept.waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-invitation-sso'), []);
      await accept.click();
      await atProvider(p, 'ivy@example.org');
      await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      await p.getByText('Signed in as').filter({ hasText: 'Ivy Invitee' }).waitFor();
      assert.equal(new URL(p.url()).pathname, '/app');
      await p.locator('option', { hasText: 'Personal Chatter' }).waitFor({ state: 'attached' });
    });
    const members = await server.api<{ members: Array<{ email: string; role: string }> }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/members`);
    assert.ok(members.members.some((m) => m.email === 'ivy@example.org' && m.role === 'viewer'), 'a viewer of the project, as invited');
  });
});
