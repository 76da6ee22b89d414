import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD, type E2eServer } from './server.ts';

/**
 * Helpers of the maintainer dashboard's e2e tests (test/e2e/maintainer*.test.ts, viewer*.test.ts): a reporter's
 * submission through the public API, signing in through the dashboard's form, and ending a browser's session
 * from outside the browser (what an expired or revoked session looks like to the page).
 */

export interface Submitted {
  tracking_id: string;
  reporter_token: string;
}

/** A public multipart submission, as the report form sends it (files under "attachments"). */
export async function submitReport(server: E2eServer, slug: string, fields: Record<string, string>, files: { name: string; type: string; content: string }[] = []): Promise<Submitted> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('attachments', new Blob([f.content], { type: f.type }), f.name);
  const res = await fetch(`${server.baseUrl}/api/v1/projects/${slug}/reports`, { method: 'POST', body: form });
  const body = (await res.json()) as Submitted;
  if (res.status !== 201) throw new Error(`submission refused: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The personal-chatter policy's required intake fields, filled. */
export const chatterReport = (title: string, extra: Record<string, string> = {}) => ({
  title,
  description: 'The chat renders display names unescaped: <script>alert(1)</script> runs for every viewer.',
  steps_to_reproduce: '1. Set the display name to <img src=x onerror=alert(1)>\n2. Open a chat',
  impact: 'Session theft of anyone who opens the chat.',
  category: 'xss',
  affected_version: '0.2.1',
  reporter_email: 'ada@example.org',
  reporter_name: 'Ada Researcher',
  credit_name: 'Ada R.',
  accept_terms: 'true',
  ...extra,
});

/** Signs in through the dashboard's form (the page must be showing it) and waits for the dashboard. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
}

/**
 * Ends the browser's session on the server, with the browser's own cookie, as signing out in another tab (or the
 * session running out) would: the cookie stays in the browser but no longer works.
 */
export async function endSessionElsewhere(context: BrowserContext, baseUrl: string): Promise<void> {
  const cookie = (await context.cookies(baseUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
  if (!cookie) throw new Error('the browser has no session cookie');
  const session = await fetch(`${baseUrl}/api/v1/session`, { headers: { cookie } });
  if (session.status !== 200) throw new Error(`the browser's session is not active (${session.status})`);
  const { csrf_token } = (await session.json()) as { csrf_token: string };
  const res = await fetch(`${baseUrl}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf_token } });
  if (res.status !== 204) throw new Error(`could not end the session: ${res.status}`);
}
