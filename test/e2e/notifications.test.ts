import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAtBothWidths, launchBrowser, withGuardedPage, type E2eBrowser } from './support/browser.ts';
import { startE2eServer, type E2eServer, type Maintainer } from './support/server.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { generateProjectKey } from '../../src/adapters/pgp/keys.ts';
import { chatterReport, signIn, submitReport } from './support/dashboard.ts';

/**
 * Notifications in the dashboard. Webhooks in the project settings, in Chromium against the real server with its jobs on: an admin adds an
 * endpoint (a real receiver on 127.0.0.1, allowed by EMBARGO_WEBHOOK_ALLOW_HOSTS), a new report reaches it signed,
 * the delivery log shows the attempt, "Redeliver" sends it again with a new delivery id, and the webhook is
 * deleted. On the account page a maintainer chooses what they are mailed per project and registers an OpenPGP key;
 * the next notification lands encrypted in the development maildir. Both pages are checked at both widths.
 */
const SLUG = 'personal-chatter';
const SECRET = 'e2e-webhook-secret-0123456789';

interface Hit {
  headers: IncomingHttpHeaders;
  body: { id: string; event: string; data: { report?: { tracking_id: string } }; redelivery_of?: string };
  signed: boolean;
}

let receiver: Server;
let hits: Hit[] = [];
let server: E2eServer;
let chromium: E2eBrowser;
let admin: Maintainer;

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signed = req.headers['x-embargo-signature-256'] === `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      hits.push({ headers: req.headers, body: JSON.parse(raw.toString('utf8')) as Hit['body'], signed });
      res.writeHead(signed ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  const [s, c] = await Promise.all([startE2eServer([SLUG], { EMBARGO_JOBS: 'on', EMBARGO_WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${port}` }), launchBrowser()]);
  [server, chromium] = [s, c];
  admin = await server.addMaintainer(SLUG, 'admin', 'wanda@example.org', 'Wanda Webhook');
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

/** Every mail in the server's development maildir, raw. */
async function readMaildir(): Promise<string> {
  const dir = join(server.dataDir, 'maildir', 'new');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // The maildir appears with the first mail.
  }
  return names.map((n) => readFileSync(join(dir, n), 'utf8')).join('\n');
}

/** The mails in the maildir addressed to `to`, parsed. */
async function mailsTo(to: string): Promise<ParsedMail[]> {
  const dir = join(server.dataDir, 'maildir', 'new');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const all = await Promise.all(names.map((n) => simpleParser(readFileSync(join(dir, n)))));
  return all.filter((m) => (Array.isArray(m.to) ? m.to.flatMap((a) => a.value) : (m.to?.value ?? [])).some((a) => a.address === to));
}

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v && (!Array.isArray(v) || v.length)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('notifications in the dashboard: webhooks and mail settings', () => {
  test('add an endpoint, see a signed delivery in the log, redeliver it, delete the webhook', async () => {
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/); // the signed-out first load asks for a session
      await p.goto(`/app/p/${SLUG}/settings`);
      await signIn(p, admin.email);
      await p.getByRole('heading', { name: 'Webhooks', level: 2 }).waitFor();
      await p.getByText('No webhooks yet.').waitFor();

      // The form refuses a short secret before asking the server.
      const port = (receiver.address() as AddressInfo).port;
      await p.getByLabel('Payload URL').fill(`http://127.0.0.1:${port}/embargo/SECRET-PATH`);
      await p.getByLabel('Secret').fill('short');
      await p.getByRole('button', { name: 'Add webhook' }).click();
      await p.getByRole('alert').filter({ hasText: 'Secret' }).first().waitFor();
      await p.getByLabel('Secret').fill(SECRET);
      await p.getByLabel(/report\.state_changed/).check();
      await p.getByRole('button', { name: 'Add webhook' }).click();
      await p.getByRole('status').filter({ hasText: 'Its secret is not shown again.' }).waitFor();
      const card = p.getByRole('list', { name: 'Webhooks' }).getByRole('listitem');
      await card.first().waitFor(); // the list reloads after the status is shown
      assert.equal(await card.count(), 1);
      const cardText = await card.innerText();
      assert.match(cardText, new RegExp(`http://127\\.0\\.0\\.1:${port}/…`));
      assert.ok(!cardText.includes('SECRET-PATH') && !(await p.content()).includes(SECRET), 'neither the secret nor the URL path is shown');
      assert.match(cardText, /report\.created, report\.state_changed, report\.message_created/);
      assert.deepEqual(await checkAtBothWidths(p, 'app-settings-webhooks'), []);

      const report = await submitReport(server, SLUG, chatterReport('Webhook e2e report'));
      const first = await until('the delivery of report.created', () => hits.find((h) => h.body.event === 'report.created'));
      assert.ok(first.signed, 'the signature verifies with the secret');
      assert.equal(first.body.data.report?.tracking_id, report.tracking_id);
      assert.ok(!JSON.stringify(first.body).includes('Webhook e2e report'), 'the title never leaves');

      await card.getByRole('button', { name: 'Show deliveries' }).click();
      const log = p.getByRole('table', { name: 'Deliveries' });
      await log.getByText('delivered').waitFor();
      assert.match(await log.innerText(), /#1: 204 in \d+ ms/);
      await log.getByRole('button', { name: /^Redeliver/ }).first().click();
      await p.getByRole('status').filter({ hasText: 'Queued again as delivery' }).waitFor();
      const again = await until('the redelivery', () => hits.find((h) => h.body.redelivery_of === first.body.id));
      assert.notEqual(again.headers['x-embargo-delivery'], first.headers['x-embargo-delivery']);
      assert.ok(again.signed);
      await card.getByRole('button', { name: 'Refresh deliveries' }).click();
      await log.getByRole('row').nth(2).waitFor(); // the header row and two deliveries
      await checkAtBothWidths(p, 'app-settings-webhook-deliveries');

      await card.getByRole('button', { name: /^Delete/ }).click();
      await p.getByRole('button', { name: 'Delete webhook' }).click();
      await p.getByText('No webhooks yet.').waitFor();
      hits = [];
    });
  });

  test('the account page sets what a maintainer is mailed and the key it is encrypted to', async () => {
    const tina = await server.addMaintainer(SLUG, 'triager', 'tina@example.org', 'Tina Triager');
    const key = await generateProjectKey({ projectName: 'Tina', email: tina.email, now: new Date(Date.now() - 60_000) });
    await withGuardedPage(chromium.browser, server.baseUrl, async (g) => {
      const p = g.page;
      g.expectConsole(/status of 401/);
      await p.goto('/app/account');
      await signIn(p, tina.email);
      await p.getByRole('heading', { name: 'Notifications', level: 2 }).waitFor();
      const card = p.getByRole('list', { name: 'Notifications per project' }).getByRole('listitem');
      await card.getByText('(default for your role)').waitFor();
      const level = card.getByLabel('Mail me about Personal Chatter');
      assert.equal(await level.inputValue(), 'all', 'triagers get everything by default');
      await level.selectOption('none');
      await card.getByRole('button', { name: /^Save/ }).click();
      await card.getByRole('status').filter({ hasText: 'Saved for Personal Chatter.' }).waitFor();
      const quiet = await submitReport(server, SLUG, chatterReport('Quiet report'));
      // Preferences apply when the event is dispatched: wait until it was (the admin's mail about it is queued).
      for (let i = 0; ; i += 1) {
        const { mails } = await server.api<{ mails: Array<{ tracking_id: string | null; to: string }> }>(admin.token, 'GET', `/api/v1/projects/${SLUG}/outbox`);
        if (mails.some((m) => m.tracking_id === quiet.tracking_id && m.to === admin.email)) break;
        if (i > 150) throw new Error('the quiet report was never dispatched');
        await new Promise((r) => setTimeout(r, 200));
      }

      await level.selectOption('all');
      await card.getByLabel('Include report titles in the mail body').check();
      await card.getByRole('button', { name: /^Save/ }).click();
      await card.getByRole('status').filter({ hasText: 'Saved for Personal Chatter.' }).waitFor();
      await p.getByLabel('Your OpenPGP public key (ASCII armor)').fill(key.publicKeyArmored);
      await p.getByRole('button', { name: 'Register key' }).click();
      await p.getByRole('status').filter({ hasText: `Key ${key.fingerprint} registered` }).waitFor();
      await p.getByText(`Your notifications are encrypted to ${key.fingerprint}`).waitFor();
      assert.deepEqual(await checkAtBothWidths(p, 'app-account-notifications'), []);

      const loud = await submitReport(server, SLUG, chatterReport('Loud report'));
      const notifications = async () => (await mailsTo(tina.email)).filter((m) => / New report$/.test(m.subject ?? ''));
      const [mail, ...others] = await until('the notification of the loud report', notifications);
      assert.equal(mail?.subject, `[${loud.tracking_id}] New report`);
      assert.deepEqual(others, [], `the report filed while her setting was "none" (${quiet.tracking_id}) was not mailed`);
      assert.match(String((mail?.headers.get('content-type') as { value: string }).value), /multipart\/encrypted/);
      assert.ok(!(await readMaildir()).includes('Loud report'), 'the title is only inside the encrypted part');
    });
  });
});
