import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcementMail, confirmationMail, CONFIRMATION_RESEND_MS, normaliseAddress, subscribeAction, type SubscriberState } from '../../../src/core/recognition/mailing-list.ts';

const ADDRESSES: Array<[string, string | null]> = [
  ['ada@example.org', 'ada@example.org'],
  ['  Ada@Example.ORG ', 'ada@example.org'],
  ['ada', null],
  ['ada@localhost', null],
  ['a b@example.org', null],
  ['ada@example.org\r\nBcc: victim@example.org', null],
  [`${'a'.repeat(250)}@example.org`, null],
];
for (const [input, expected] of ADDRESSES) {
  test(`address ${JSON.stringify(input).slice(0, 40)} → ${expected}`, () => assert.equal(normaliseAddress(input), expected));
}

const NOW = new Date('2026-03-02T09:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const ACTIONS: Array<[string, { state: SubscriberState; confirmationSentAt: Date | null } | null, string]> = [
  ['a new address', null, 'create'],
  ['a confirmed subscriber', { state: 'confirmed', confirmationSentAt: ago(CONFIRMATION_RESEND_MS * 10) }, 'nothing'],
  ['a pending address confirmed-by-mail a minute ago', { state: 'pending', confirmationSentAt: ago(60_000) }, 'nothing'],
  ['a pending address whose mail went out long ago', { state: 'pending', confirmationSentAt: ago(CONFIRMATION_RESEND_MS) }, 'send-confirmation'],
  ['an address that unsubscribed', { state: 'unsubscribed', confirmationSentAt: ago(60_000) }, 'send-confirmation'],
];
for (const [name, current, action] of ACTIONS) {
  test(`subscribing ${name}: ${action}`, () => assert.equal(subscribeAction(current, NOW), action));
}

test('the confirmation mail carries the link and its expiry; the announcement the link, changelog and unsubscribe URL', () => {
  const c = confirmationMail({ projectName: 'PrivaStream', confirmUrl: 'https://e.test/c/TOKEN', expiresAt: '2026-03-04T09:00:00Z' });
  assert.match(c.subject, /PrivaStream/);
  assert.ok(c.text.includes('https://e.test/c/TOKEN') && c.text.includes('2026-03-04T09:00:00Z'));
  const a = announcementMail({
    projectName: 'PrivaStream',
    advisoryId: 'PRIV-SA-2026-0001',
    title: 'Path traversal',
    cveId: 'CVE-2026-12345',
    summary: 'Read files.',
    advisoryUrl: 'https://e.test/a',
    changelog: '### Security\n\n- **PRIV-SA-2026-0001**\n',
    unsubscribeUrl: 'https://e.test/u/TOKEN',
  });
  assert.equal(a.subject, '[PrivaStream security] PRIV-SA-2026-0001 (CVE-2026-12345): Path traversal');
  for (const part of ['Read files.', 'https://e.test/a', '### Security', 'https://e.test/u/TOKEN']) assert.ok(a.text.includes(part), part);
});
