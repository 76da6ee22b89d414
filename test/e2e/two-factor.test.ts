import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { PASSWORD, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { signIn } from './support/dashboard.ts';
import { totpCode } from '../../src/adapters/crypto/totp.ts';
import { freePort } from '../support/server-process.ts';

/**
 * Two-factor authentication in Chromium against the real server: a maintainer enrols an authenticator app on the
 * account page (QR code and key, confirmed with a code; recovery codes shown once), signs out, and signing in then
 * asks for the code; a recovery code works once; a passkey made with Chromium's virtual authenticator (DevTools
 * protocol) signs in without a password; the site admin requires two-factor of everyone, and a maintainer without
 * it finds every page but the account page closed until they enrol.
 */
const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let tess: Maintainer;
let nora: Maintainer;
let pia: Maintainer;
/** The browser's address: a host name, not 127.0.0.1, since WebAuthn refuses IP addresses as relying party ids. */
let siteUrl = '';

before(async () => {
  const port = await freePort();
  siteUrl = `http://localhost:${port}`;
  const [s, c] = await Promise.all([startE2eServer([SLUG], { PORT: String(port), EMBARGO_PUBLIC_URL: siteUrl, EMBARGO_LOGIN_RATE_LIMIT: '1000' }), launchBrowser()]);
  [server, chromium] = [s, c];
  tess = await server.addMaintainer(SLUG, 'admin', 'tess@example.org', 'Tess Twofactor');
  nora = await server.addMaintainer(SLUG, 'triager', 'nora@example.org', 'Nora Notyet');
  pia = await server.addMaintainer(SLUG, 'triager', 'pia@example.org', 'Pia Passkey');
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>) => withGuardedPage(chromium.browser, siteUrl, fn);
/** The code one step ahead: accepted (±1 step) and never the step just used to confirm. */
const nextCode = (secret: string) => totpCode(secret, new Date(Date.now() + 30_000));

describe('two-factor authentication in the dashboard', () => {
  let secret = '';
  let recoveryCodes: string[] = [];

  test('enrol an authenticator app on the account page; sign-in then asks for its code', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      g.expectConsole(/status of 400/);
      await p.goto('/app/account');
      await signIn(p, tess.email);
      await p.getByRole('heading', { name: 'Two-factor authentication', level: 2 }).waitFor();
      await p.getByRole('button', { name: 'Set up an authenticator app' }).click();
      await p.getByRole('img', { name: 'QR code of the authenticator secret' }).waitFor();
      secret = ((await p.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-account-totp-enrol'), []);

      // A wrong code is refused in words; the right one turns it on and shows the recovery codes once.
      await p.getByLabel('Enter the 6-digit code the app shows now').fill(totpCode(secret, new Date()) === '000000' ? '111111' : '000000');
      await p.getByRole('button', { name: 'Turn on two-factor' }).click();
      await p.getByRole('alert').filter({ hasText: 'is not the current code' }).waitFor();
      await p.getByLabel('Enter the 6-digit code the app shows now').fill(totpCode(secret, new Date()));
      await p.getByRole('button', { name: 'Turn on two-factor' }).click();
      const list = p.getByRole('list', { name: 'Recovery codes' });
      await list.waitFor();
      recoveryCodes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
      assert.equal(recoveryCodes.length, 10);
      assert.deepEqual(await checkAtBothWidths(p, 'app-account-recovery-codes'), []);
      await p.getByRole('button', { name: 'I have saved them' }).click();
      await p.getByText('10 recovery codes left.').waitFor();

      await p.getByRole('button', { name: 'Sign out', exact: true }).click();
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await p.getByLabel('Email').fill(tess.email);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('heading', { name: 'Two-factor authentication', level: 2 }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-signin-code'), []);
      await p.getByLabel('Authentication code').fill('123 456' === nextCode(secret) ? '654321' : '123456');
      await p.getByRole('button', { name: 'Verify' }).click();
      await p.getByRole('alert').filter({ hasText: 'That code is not valid' }).waitFor();
      await p.getByLabel('Authentication code').fill(nextCode(secret));
      await p.getByRole('button', { name: 'Verify' }).click();
      await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    });
  });

  test('a recovery code signs in once', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      const code = recoveryCodes[0] ?? assert.fail('no recovery codes from the first test');
      for (const attempt of ['works', 'used up'] as const) {
        await p.goto('/app');
        if (attempt === 'used up') {
          await p.getByRole('button', { name: 'Sign out', exact: true }).click();
        }
        await p.getByLabel('Email').fill(tess.email);
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByRole('button', { name: 'Sign in', exact: true }).click();
        await p.getByRole('button', { name: 'Use a recovery code instead' }).click();
        await p.getByLabel('Recovery code').fill(code);
        await p.getByRole('button', { name: 'Verify' }).click();
        if (attempt === 'works') await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
        else await p.getByRole('alert').filter({ hasText: 'That code is not valid' }).waitFor();
      }
    });
  });

  test('a passkey added on the account page signs in without a password, and is the second step after one', async () => {
    await withPage(async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      const cdp = await p.context().newCDPSession(p);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await p.goto('/app/account');
      await signIn(p, pia.email);
      await p.getByLabel('Name of the new passkey').fill('Test laptop');
      await p.getByRole('button', { name: 'Add a passkey' }).click();
      await p.getByRole('status').filter({ hasText: 'Passkey “Test laptop” added' }).waitFor();
      await p.getByRole('list', { name: 'Passkeys' }).getByText('Test laptop', { exact: true }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-account-passkeys'), []);

      // Passwordless: no email, no password.
      await p.getByRole('button', { name: 'Sign out', exact: true }).click();
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await p.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      await p.getByText('Signed in as').filter({ hasText: 'Pia Passkey' }).waitFor();

      // With the password, the passkey is the second step (she has no authenticator app: no code field offered).
      await p.getByRole('button', { name: 'Sign out', exact: true }).click();
      await p.getByLabel('Email').fill(pia.email);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('heading', { name: 'Two-factor authentication', level: 2 }).waitFor();
      await p.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    });
  });

  test('required of everyone: a maintainer without a second factor can open only the account page until they enrol', async () => {
    // The site admin must have a second factor to require one: enrol the admin's own app through the API.
    const adminSession = await fetch(`${server.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'root@example.org', password: PASSWORD }) });
    const adminText = await adminSession.text();
    assert.equal(adminSession.status, 200, adminText);
    const cookie = (adminSession.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { cookie, 'x-csrf-token': (JSON.parse(adminText) as { csrf_token: string }).csrf_token, 'content-type': 'application/json' };
    const started = (await (await fetch(`${server.baseUrl}/api/v1/me/totp`, { method: 'POST', headers: { cookie, 'x-csrf-token': headers['x-csrf-token'] } })).json()) as { secret: string };
    assert.equal((await fetch(`${server.baseUrl}/api/v1/me/totp/confirm`, { method: 'POST', headers, body: JSON.stringify({ code: totpCode(started.secret, new Date()) }) })).status, 200);
    assert.equal((await fetch(`${server.baseUrl}/api/v1/site-settings`, { method: 'PUT', headers, body: JSON.stringify({ require_two_factor: true }) })).status, 200);
    try {
      await withPage(async (g) => {
        const p = g.page;
        g.expectConsole(/status of 401/);
        g.expectConsole(/status of 403/);
        await p.goto('/app');
        await signIn(p, nora.email);
        await p.getByRole('heading', { name: 'Two-factor authentication required', level: 1 }).waitFor();
        assert.deepEqual(await checkAtBothWidths(p, 'app-two-factor-required'), []);
        await p.getByRole('link', { name: 'Set up two-factor authentication' }).click();
        await p.getByRole('alert').filter({ hasText: 'This server requires two-factor authentication.' }).waitFor();
        await p.getByRole('button', { name: 'Set up an authenticator app' }).click();
        const key = ((await p.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
        await p.getByLabel('Enter the 6-digit code the app shows now').fill(totpCode(key, new Date()));
        await p.getByRole('button', { name: 'Turn on two-factor' }).click();
        await p.getByRole('button', { name: 'I have saved them' }).click();
        // Enrolled: the rest of the dashboard opens.
        await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
        await p.getByRole('heading', { name: 'Report queue', level: 1 }).waitFor();
      });
    } finally {
      await fetch(`${server.baseUrl}/api/v1/site-settings`, { method: 'PUT', headers, body: JSON.stringify({ require_two_factor: false }) });
    }
  });
});
