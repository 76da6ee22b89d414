import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { PASSWORD, startEmptyE2eServer, type EmptyE2eServer } from './support/server.ts';
import { examplePolicy } from '../support/fixtures.ts';

/**
 * A new install, in Chromium against the real server started on an empty store (one start for the file): the
 * dashboard's sign-in points to the setup page; the setup page takes the one-time token from the server's output
 * and creates the first admin, who lands signed in on "New project"; a pasted policy with a mistake is refused
 * line by line as it is typed, then created; an uploaded one whose security address another project holds is
 * refused by the server (409) with its field and line, then created. Each page is checked at both widths.
 */

let server: EmptyE2eServer;
let chromium: E2eBrowser;

before(async () => {
  [server, chromium] = await Promise.all([startEmptyE2eServer(), launchBrowser()]);
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const ADMIN = { email: 'first.admin@example.org', name: 'First Admin' };

describe('first run in the browser', () => {
  test('setup with the token from the server output, then the first projects from their policies', async () => {
    assert.ok(server.process.stdout().includes(`${server.setupToken}\nin the browser at ${server.baseUrl}/app/setup`), 'the output names the setup page');
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      // Signed out (401), a refused sign-in (401), a wrong setup token (403), a claimed address (409): all on purpose.
      g.expectConsole(/status of 40[139]/);

      // /app on a new install: the sign-in form, with a pointer to the setup page above it.
      await p.goto('/app');
      await p.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await p.getByRole('heading', { name: 'This server is not set up yet' }).waitFor();
      await p.getByLabel('Email').fill(ADMIN.email);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in', exact: true }).click();
      await p.getByRole('alert').filter({ hasText: 'No account exists on this server yet' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-sign-in'), []);
      await p.getByRole('link', { name: 'Set up Embargo' }).click();

      // The setup page: the passwords must match (checked here), the token must be right (the server's 403).
      await p.getByRole('heading', { name: 'Set up Embargo', level: 1 }).waitFor();
      assert.match(await p.locator('#setup-token-hint').innerText(), /server printed it in its output/);
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-setup'), []);
      await p.getByLabel('Setup token').fill(`${server.setupToken}x`);
      await p.getByLabel('Email').fill(ADMIN.email);
      await p.getByLabel('Your name').fill(ADMIN.name);
      await p.getByLabel('Choose a password').fill(PASSWORD);
      await p.getByLabel('Repeat the password').fill(`${PASSWORD}!`);
      const create = p.getByRole('button', { name: 'Create administrator and sign in' });
      await create.click();
      const summary = p.getByRole('alert').filter({ hasText: 'There is a problem with the setup' });
      await summary.getByRole('link', { name: 'Repeat the password differs from the password' }).waitFor();
      await p.getByLabel('Repeat the password').fill(PASSWORD);
      await create.click();
      await summary.getByRole('link', { name: 'Setup token is invalid or was already used' }).waitFor();
      assert.equal(await p.getByLabel('Setup token').getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-setup-problems'), []);
      await p.getByLabel('Setup token').fill(server.setupToken);
      await create.click();

      // Signed in, on "New project".
      await p.getByRole('heading', { name: 'New project', level: 1 }).waitFor();
      assert.equal(new URL(p.url()).pathname, '/app/projects/new');
      await p.getByText(`Signed in as ${ADMIN.name}`).waitFor();
      await p.getByText('Nothing to check yet').waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-new-project'), []);

      // A pasted policy with a mistake: the core's parser in the page names the line; nothing is sent.
      const privastream = examplePolicy('privastream');
      const line = privastream.split('\n').findIndex((l) => l.includes('within: 48h')) + 1;
      const editor = p.getByLabel('Policy (YAML)');
      await editor.fill(privastream.replace('within: 48h', 'within: two days'));
      const problems = p.getByRole('list', { name: 'Policy problems' });
      assert.match(await problems.innerText(), new RegExp(`^Line ${line}: response\\.acknowledge\\.within `));
      assert.equal(await editor.getAttribute('aria-invalid'), 'true');
      await p.getByRole('button', { name: 'Create project' }).click();
      await p.getByRole('alert').filter({ hasText: 'Fix the 1 problem first.' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-new-project-problems'), []);
      // Fixed: created, and the project's settings open.
      await editor.fill(privastream);
      await p.getByText('The policy is valid.').waitFor();
      await p.getByRole('button', { name: 'Create project' }).click();
      await p.getByRole('heading', { name: 'Settings of PrivaStream', level: 1 }).waitFor();
      await p.getByRole('status').filter({ hasText: 'PrivaStream was created.' }).waitFor();
      assert.match(await p.getByLabel('Policy (YAML)').inputValue(), /slug: privastream/);

      // From the Projects page: a second project, uploaded as a file, whose security address PrivaStream holds.
      const nav = p.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Projects' }).click();
      await p.getByRole('heading', { name: 'Your projects' }).waitFor();
      await p.getByRole('link', { name: 'New project' }).click();
      await p.getByRole('heading', { name: 'New project', level: 1 }).waitFor();
      const chatter = examplePolicy('personal-chatter');
      const claimed = chatter.replace('email: security@personal-chatter.org', 'email: security@privastream.ai');
      const emailLine = claimed.split('\n').findIndex((l) => l.includes('email: security@privastream.ai')) + 1;
      await p.getByLabel('Load a policy file').setInputFiles({ name: 'personal-chatter.yaml', mimeType: 'application/yaml', buffer: Buffer.from(claimed) });
      await p.getByRole('status').filter({ hasText: 'Loaded personal-chatter.yaml' }).waitFor();
      await p.getByText('The policy is valid.').waitFor();
      await p.getByRole('button', { name: 'Create project' }).click();
      await p.getByRole('alert').filter({ hasText: 'already held by another project' }).waitFor();
      assert.equal(
        await problems.innerText(),
        `Line ${emailLine}: contacts.email "security@privastream.ai" is already held by another project on this instance`,
        'the server’s 409 is listed like the parser’s problems',
      );
      // Reusing an existing slug would replace that project's policy: refused in the page, on the slug's line.
      const slugLine = privastream.split('\n').findIndex((l) => l.includes('slug: privastream')) + 1;
      await editor.fill(privastream.replace('tracking_prefix: PRIV', 'tracking_prefix: PRV2'));
      assert.match(await problems.innerText(), new RegExp(`^Line ${slugLine}: project\\.slug "privastream" is already the slug of PrivaStream`));
      await editor.fill(chatter);
      await p.getByText('The policy is valid.').waitFor();
      await p.getByRole('button', { name: 'Create project' }).click();
      await p.getByRole('heading', { name: 'Settings of Personal Chatter', level: 1 }).waitFor();

      // Both projects are listed, and public.
      await nav.getByRole('link', { name: 'Projects' }).click();
      await p.getByRole('heading', { name: 'PrivaStream', level: 2 }).waitFor();
      await p.getByRole('heading', { name: 'Personal Chatter', level: 2 }).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'first-run-projects'), []);
      const listed = (await (await fetch(`${server.baseUrl}/api/v1/projects`)).json()) as { projects: { slug: string }[] };
      assert.deepEqual(listed.projects.map((x) => x.slug).sort(), ['personal-chatter', 'privastream']);

      // The setup page now says it is done, and the token is used up.
      await p.goto('/app/setup');
      await p.getByRole('status').filter({ hasText: 'This server is already set up' }).waitFor();
      await p.getByRole('link', { name: 'Sign in to the dashboard' }).waitFor();
      assert.deepEqual(await (await fetch(`${server.baseUrl}/api/v1/setup`)).json(), { needed: false });
    });
  });
});
