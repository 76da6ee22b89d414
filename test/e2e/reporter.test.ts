import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, checkAtBothWidths, guardedPage, launchBrowser, withGuardedPage, type E2eBrowser, type GuardedPage } from './support/browser.ts';
import { MAX_ATTACHMENT_BYTES, startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';

/**
 * The reporter's journey in a real browser against the real server: the policy page, the report form (field
 * errors from the server, attachment size feedback, keyboard only), the confirmation with the private link, and
 * the status page with the maintainer's reply and a follow-up message with a file. Every page is checked at
 * 375 px and 1280 px (screenshots, no sideways scrolling, axe-core) and any console error, uncaught exception or
 * CSP violation fails the test.
 */

const SLUG = 'personal-chatter';
let server: E2eServer;
let chromium: E2eBrowser;
let triager: Maintainer;

before(async () => {
  server = await startE2eServer([SLUG, 'privastream']);
  triager = await server.addMaintainer(SLUG, 'triager', 'tess@example.org', 'Tess Triager');
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

const withPage = (fn: (g: GuardedPage) => Promise<void>, width = 1280) => withGuardedPage(chromium.browser, server.baseUrl, fn, width);

const heading = (g: GuardedPage) => g.page.locator('h1').first();

/** Fills the personal-chatter form's required fields (by label, as a user finds them). */
async function fillRequired(g: GuardedPage, title: string): Promise<void> {
  const p = g.page;
  await p.getByLabel('Title (required)').fill(title);
  await p.getByLabel('Description (required)').fill('The /api/chat endpoint renders user names unescaped.\n<script>alert(1)</script> runs for every viewer.');
  await p.getByLabel('Category').selectOption('xss');
  await p.getByLabel('Affected version').fill('0.2.1');
  await p.getByLabel('Steps to reproduce (required)').fill('1. Set the display name to <img src=x onerror=alert(1)>\n2. Open a chat');
  await p.getByLabel('Impact (required)').fill('Session theft of any user who opens the chat.');
  await p.getByLabel('Your email (required)').fill('ada@example.org');
  await p.getByLabel('Name to credit').fill('Ada R.');
  await p.getByLabel(/I have read and accept/).check();
}

describe('reporter journey in Chromium', () => {
  test('home and policy pages render the policy: versions, scope, response times, bounty, safe harbor', async () => {
    await withPage(async (g) => {
      await g.page.goto('/');
      await g.page.getByRole('heading', { name: 'Report a security vulnerability' }).waitFor();
      await g.page.locator('.card').first().waitFor();
      assert.deepEqual((await g.page.getByRole('heading', { level: 2 }).allInnerTexts()).sort(), ['Personal Chatter', 'PrivaStream']);
      assert.deepEqual(await checkAtBothWidths(g.page, 'home'), []);

      await g.page.getByRole('link', { name: 'Security policy of Personal Chatter' }).click();
      await g.page.getByRole('heading', { name: /security policy$/ }).waitFor();
      assert.equal(new URL(g.page.url()).pathname, `/p/${SLUG}`);
      const text = await g.page.locator('main').innerText();
      for (const expected of ['0.2.x', 'Supported', 'Remote code execution vulnerabilities', 'Response times', 'Bounty', 'USD', 'Safe harbor', 'We commit to', 'security.txt']) {
        assert.ok(text.includes(expected), `policy page shows "${expected}"`);
      }
      assert.match(await g.page.title(), /security policy · Embargo$/);
      assert.deepEqual(await checkAtBothWidths(g.page, 'policy'), []);
    });
  });

  test('the policy page shows the project’s OpenPGP key and the policy’s Markdown sections', async () => {
    const key = await server.api<{ fingerprint: string }>(server.adminToken, 'POST', '/api/v1/projects/privastream/keys/generate', {});
    await withPage(async (g) => {
      await g.page.goto('/p/privastream');
      await g.page.getByRole('heading', { name: 'Encryption (PGP)' }).waitFor();
      assert.equal(await g.page.locator('code.fingerprint').innerText(), key.fingerprint);
      assert.equal(await g.page.getByRole('link', { name: /pgp-key\.asc$/ }).getAttribute('href'), `${server.baseUrl}/projects/privastream/pgp-key.asc`);
      // The policy's Markdown (loaded as its own chunk) renders as markup, with its emphasis.
      await g.page.getByRole('heading', { name: 'Security Best Practices' }).waitFor();
      await g.page.locator('.markdown strong', { hasText: 'Data Privacy' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(g.page, 'policy-with-key'), []);
    });
  });

  test('the form shows the server’s field errors and size feedback against the server’s limit', async () => {
    await withPage(async (g) => {
      // The invalid submission below is refused by the server (400): Chromium logs the failed request.
      g.expectConsole(/status of 400/);
      await g.page.goto(`/p/${SLUG}/report`);
      await heading(g).waitFor();
      assert.match(await heading(g).innerText(), /Report a vulnerability in/);
      assert.deepEqual(await checkAtBothWidths(g.page, 'report-form'), []);

      await g.page.getByRole('button', { name: 'Send report' }).click();
      const summary = g.page.getByRole('alert').filter({ hasText: 'problems with the report' });
      await summary.waitFor();
      const messages = await summary.getByRole('listitem').allInnerTexts();
      // The policy's required fields come back from the server, each named by its label.
      for (const m of ['Title is required', 'Description is required', 'Steps to reproduce is required by the', 'Impact is required by the', 'Your email is required by the', 'Accepting the policy the policy terms must be accepted']) {
        assert.ok(messages.some((x) => x.startsWith(m)), `summary lists "${m}" (got ${JSON.stringify(messages)})`);
      }
      assert.equal(await g.page.evaluate('document.activeElement.getAttribute("role")'), 'alert', 'focus moves to the error summary');
      assert.equal(await g.page.getByLabel('Title (required)').getAttribute('aria-invalid'), 'true');
      // A summary link leads to its field.
      await summary.getByRole('link', { name: 'Title is required' }).click();
      assert.equal(await g.page.evaluate('document.activeElement.id'), 'f-title');
      assert.deepEqual(await checkAtBothWidths(g.page, 'report-form-errors'), []);

      // What only the server can judge comes back from its 400, field by field, under the same labels.
      await fillRequired(g, 'Reflected XSS');
      await g.page.getByLabel('Your email (required)').fill('not-an-email');
      await g.page.getByLabel('CVSS vector').fill('CVSS:3.1/AV:X');
      await g.page.getByRole('button', { name: 'Send report' }).click();
      await summary.getByRole('link', { name: 'Your email is not an email address' }).waitFor();
      const serverMessages = await summary.getByRole('listitem').allInnerTexts();
      assert.ok(serverMessages.some((m) => m.startsWith('CVSS vector')), `the CVSS problem is listed (got ${JSON.stringify(serverMessages)})`);
      assert.match(await g.page.locator('#f-reporter_email-error').innerText(), /Your email is not an email address/);
      assert.equal(await g.page.getByLabel('Title (required)').getAttribute('aria-invalid'), null, 'fixed fields are no longer marked');

      // Over the server's limit (EMBARGO_MAX_ATTACHMENT_BYTES): flagged before anything is sent.
      await g.page.getByLabel('Attachments (optional)').setInputFiles([
        { name: 'capture.pcap', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 1) },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('small\n') },
      ]);
      const files = g.page.getByRole('list', { name: 'Chosen files' });
      assert.match(await files.innerText(), /capture\.pcap[\s\S]*over the 195 KB limit/);
      assert.match(await g.page.locator('#f-attachments-error').innerText(), /capture\.pcap is larger than 195 KB/);
      await g.page.getByRole('button', { name: 'Remove capture.pcap' }).click();
      assert.equal(await g.page.locator('#f-attachments-error').count(), 0);
      assert.match(await files.innerText(), /notes\.txt/);
    });
  });

  test('a reporter submits with an attachment, keeps the private link, reads the reply and answers with a file', async () => {
    let link = '';
    let trackingId = '';
    await withPage(async (g) => {
      await g.page.goto(`/p/${SLUG}/report`);
      await fillRequired(g, 'Stored XSS in display names');
      await g.page.getByLabel('Attachments (optional)').setInputFiles({ name: 'poc.txt', mimeType: 'text/plain', buffer: Buffer.from('GET /api/chat?name=<img src=x onerror=alert(1)>\n') });
      await g.page.getByRole('button', { name: 'Send report' }).click();
      await g.page.getByRole('heading', { name: 'Report received' }).waitFor();
      trackingId = await g.page.locator('.tracking-id').innerText();
      assert.match(trackingId, /^PCHAT-\d{4}-\d{4,}$/);
      assert.match(await g.page.getByRole('note').innerText(), /Keep your private link now[\s\S]*only way to follow your report/);
      link = await g.page.getByLabel('Your private link', { exact: true }).inputValue();
      assert.match(link, new RegExp(`^${server.baseUrl}/p/${SLUG}/status#[A-Za-z0-9_-]{20,}$`));
      assert.deepEqual(await checkAtBothWidths(g.page, 'report-confirmation'), []);
    });

    // The maintainer sees the attachment and answers through the API.
    const report = await server.api<{ attachments: { filename: string; size: number }[]; body: { description: string } }>(triager.token, 'GET', `/api/v1/projects/${SLUG}/reports/${trackingId}`);
    assert.deepEqual(report.attachments.map((a) => a.filename), ['poc.txt']);
    assert.match(report.body.description, /<script>alert\(1\)<\/script>/);
    await server.api(triager.token, 'POST', `/api/v1/projects/${SLUG}/reports/${trackingId}/transitions`, { to: 'acknowledged' });
    await server.api(triager.token, 'POST', `/api/v1/projects/${SLUG}/reports/${trackingId}/messages`, { body: 'Thanks, confirmed. <b>Fix</b> in progress.' });
    await server.api(triager.token, 'POST', `/api/v1/projects/${SLUG}/reports/${trackingId}/messages`, { body: 'Internal: check the other renderers too', internal: true });

    await withPage(async (g) => {
      await g.page.goto(link);
      await g.page.getByRole('heading', { name: new RegExp(`^${trackingId}: Stored XSS in display names$`) }).waitFor();
      const main = await g.page.locator('main').innerText();
      assert.match(main, /Status\s+Acknowledged/);
      assert.match(main, /What the team promised you/);
      const thread = g.page.getByRole('list').filter({ has: g.page.locator('.message') });
      const reply = thread.getByRole('article', { name: 'Message from Tess Triager' });
      // User text is shown as text, never as markup.
      assert.equal(await reply.locator('.message__body').innerText(), 'Thanks, confirmed. <b>Fix</b> in progress.');
      assert.equal(await g.page.locator('main b').count(), 0);
      assert.ok(!main.includes('Internal: check the other renderers'), 'internal notes never reach the reporter');
      assert.equal(await g.page.getByRole('link', { name: 'poc.txt' }).count(), 1);
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-status'), []);

      await g.page.getByLabel('Message (required)').fill('Here is a second payload that bypasses the first fix.');
      await g.page.getByLabel('Files (optional)').setInputFiles({ name: 'bypass.txt', mimeType: 'text/plain', buffer: Buffer.from('name=<svg onload=alert(1)>\n') });
      await g.page.getByRole('button', { name: 'Send message' }).click();
      await g.page.getByRole('article', { name: 'Message from you' }).waitFor();
      assert.equal(await g.page.getByRole('status').filter({ hasText: 'Message sent.' }).count(), 1);
      const mine = g.page.getByRole('article', { name: 'Message from you' });
      assert.match(await mine.innerText(), /second payload[\s\S]*bypass\.txt/);
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-status-after-reply'), []);
    });

    // The maintainer sees the reporter's message and its file.
    const after = await server.api<{ messages: { author: string; body: string }[]; attachments: { filename: string }[] }>(triager.token, 'GET', `/api/v1/projects/${SLUG}/reports/${trackingId}`);
    assert.ok(after.messages.some((m) => m.author === 'reporter' && m.body.startsWith('Here is a second payload')));
    assert.deepEqual(after.attachments.map((a) => a.filename).sort(), ['bypass.txt', 'poc.txt']);
  });

  test('the form can be completed and sent with the keyboard alone', async () => {
    await withPage(async (g) => {
      const p = g.page;
      await p.goto(`/p/${SLUG}/report`);
      await heading(g).waitFor();
      // The first Tab stop is the skip link; following it puts focus on <main>.
      await p.keyboard.press('Tab');
      assert.equal(await p.evaluate('document.activeElement.textContent'), 'Skip to content');
      await p.keyboard.press('Enter');
      assert.equal(await p.evaluate('document.activeElement.id'), 'main');

      // Tab through the form, typing into each field the first time it gets focus; record the order.
      const order: string[] = [];
      const typed: Record<string, string> = {
        'f-title': 'Open redirect after login',
        'f-description': 'The next parameter accepts any absolute URL.',
        'f-affected_version': '0.2.0',
        'f-steps_to_reproduce': 'Visit /login?next=https://evil.example',
        'f-impact': 'Phishing with a trusted origin.',
        'f-reporter_email': 'kb@example.org',
        'f-credit_name': 'Keyboard Researcher',
      };
      for (let i = 0; i < 60; i++) {
        await p.keyboard.press('Tab');
        const id = (await p.evaluate('document.activeElement.id || document.activeElement.textContent')) as string;
        // Every focused control shows a visible focus indicator.
        const outline = (await p.evaluate('getComputedStyle(document.activeElement).outlineStyle')) as string;
        assert.notEqual(outline, 'none', `focus is visible on ${id}`);
        order.push(id);
        if (typed[id]) {
          await p.keyboard.type(typed[id]);
          delete typed[id];
        }
        if (id === 'f-category') await p.keyboard.press('ArrowDown'); // first real category
        if (id === 'f-accept_terms') await p.keyboard.press('Space');
        if (id === 'Send report') break;
      }
      const formStops = order.filter((id) => id.startsWith('f-'));
      assert.deepEqual(
        formStops.filter((id, i) => formStops.indexOf(id) === i),
        ['f-title', 'f-description', 'f-category', 'f-affected_version', 'f-steps_to_reproduce', 'f-impact', 'f-environment', 'f-proof_of_concept', 'f-suggested_fix', 'f-cvss_vector', 'f-attachments', 'f-reporter_name', 'f-reporter_email', 'f-credit_choice', 'f-credit_name', 'f-accept_terms'],
      );
      assert.equal(order.at(-1), 'Send report', `reached the submit button (order: ${order.join(' → ')})`);
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { name: 'Report received' }).waitFor();
      assert.deepEqual(await axeViolations(p), []);
      // A second report starts from an empty form (the first one's link is gone from the page).
      await p.getByRole('button', { name: 'Report another vulnerability' }).click();
      await p.getByRole('heading', { name: 'Report a vulnerability in Personal Chatter' }).waitFor();
      assert.equal(await p.getByLabel('Title (required)').inputValue(), '');
    });
  });

  test('the page guard catches CSP violations, console errors and exceptions (so these tests can fail)', async () => {
    const g = await guardedPage(chromium.browser, server.baseUrl);
    try {
      await g.page.goto('/');
      await heading(g).waitFor();
      assert.deepEqual(g.problems(), []);
      // An inline script and an inline style attribute, as an injection would add them: both refused by the CSP.
      await g.page.evaluate(`(() => {
        const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s);
        document.body.setAttribute('style', 'background: red');
        console.error('deliberate console error');
        setTimeout(() => { throw new Error('deliberate exception'); });
      })()`);
      await g.page.waitForFunction('true', undefined, { timeout: 1000 });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await g.page.evaluate('window.injected'), undefined, 'the inline script did not run');
      const problems = g.problems().join('\n');
      assert.match(problems, /CSP violation: script-src/);
      assert.match(problems, /CSP violation: style-src/);
      assert.match(problems, /deliberate console error/);
      assert.match(problems, /uncaught: deliberate exception/);
    } finally {
      await g.close();
    }
  });

  test('an unknown page and a wrong private link say so', async () => {
    await withPage(async (g) => {
      g.expectConsole(/status of 404/);
      await g.page.goto('/p/personal-chatter/nothing-here');
      await g.page.getByRole('heading', { name: 'Page not found' }).waitFor();
      assert.deepEqual(await checkAtBothWidths(g.page, 'not-found'), []);
      await g.page.goto(`/p/${SLUG}/status#${'x'.repeat(43)}`);
      await g.page.getByText('No report matches this link').waitFor();
      assert.deepEqual(await checkAtBothWidths(g.page, 'reporter-status-unknown'), []);
    });
  });
});
