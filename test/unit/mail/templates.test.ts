import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acknowledgement, advisoryPublished, deadlineReminder, inboundBounce, invitation, maintainerMessage, membershipGranted, stateChange, type MailText } from '../../../src/core/mail/templates.ts';

const cases: Array<{ name: string; mail: MailText; subject: RegExp; contains: string[]; absent?: string[] }> = [
  {
    name: 'acknowledgement carries tracking ID, link and the keep-this-link warning',
    mail: acknowledgement({ projectName: 'PrivaStream', trackingId: 'PRIV-2026-0001', reporterLink: 'https://e.test/reporter/tok', submittedAt: '2026-03-02T09:00:00.000Z', replyByMail: true }),
    subject: /^\[PRIV-2026-0001\] Report received$/,
    contains: ['PRIV-2026-0001', 'https://e.test/reporter/tok', 'Keep this link', 'replying to this mail'],
  },
  {
    name: 'acknowledgement without reply address does not invite replies',
    mail: acknowledgement({ projectName: 'P', trackingId: 'P-2026-0002', reporterLink: 'https://e.test/reporter/x', submittedAt: '2026-03-02T09:00:00.000Z', promise: 'We answer within 2 business days.', replyByMail: false }),
    subject: /Report received/,
    contains: ['We answer within 2 business days.'],
    absent: ['replying to this mail'],
  },
  {
    name: 'state change names both states in words and the rejection reason',
    mail: stateChange({ projectName: 'P', trackingId: 'P-2026-0003', from: 'triaged', to: 'rejected', reason: 'out-of-scope', replyByMail: false }),
    subject: /^\[P-2026-0003\] Status: closed without a fix$/,
    contains: ['now closed without a fix (was triaged)', 'Reason: out of scope'],
    absent: ['Reply to this mail'],
  },
  {
    name: 'maintainer message quotes the body and the author',
    mail: maintainerMessage({ projectName: 'P', trackingId: 'P-2026-0004', authorName: 'Tri Ager', body: 'Can you share the PoC?\n', replyByMail: true }),
    subject: /New message from P$/,
    contains: ['Tri Ager (P) wrote', 'Can you share the PoC?', 'Reply to this mail to answer'],
  },
  {
    name: 'due-soon reminder for the update cadence',
    mail: deadlineReminder({ projectName: 'P', trackingId: 'P-2026-0005', clock: 'next_update', dueAt: '2026-03-09T09:00:00.000Z', threshold: 'due-soon', promise: 'Updates every 7 days', reportUrl: 'https://e.test/r' }),
    subject: /Update to the reporter due: send the reporter an update$/,
    contains: ['is due at 2026-03-09T09:00:00.000Z', 'Updates every 7 days', 'https://e.test/r'],
  },
  {
    name: 'breached reminder',
    mail: deadlineReminder({ projectName: 'P', trackingId: 'P-2026-0006', clock: 'acknowledge', dueAt: '2026-03-03T09:00:00.000Z', threshold: 'breached', promise: 'Acknowledge within 1 day', reportUrl: 'https://e.test/r' }),
    subject: /Deadline missed: acknowledge the report$/,
    contains: ['passed at 2026-03-03T09:00:00.000Z'],
  },
  {
    name: 'advisory published tells how the reporter is credited',
    mail: advisoryPublished({ projectName: 'P', trackingId: 'P-2026-0007', advisoryId: 'P-SA-2026-001', advisoryTitle: 'Path traversal', advisoryUrl: 'https://e.test/a', creditedAs: 'Ada R.' }),
    subject: /Advisory published: P-SA-2026-001$/,
    contains: ['https://e.test/a', 'credited as: Ada R.'],
  },
  {
    name: 'bounce says why and that the mail is kept',
    mail: inboundBounce({ recipient: 'security@p.test', originalSubject: 'RCE', reason: 'The OpenPGP block is not valid ASCII armor.', quarantineId: 'q-1' }),
    subject: /could not be processed/,
    contains: ['security@p.test', '"RCE"', 'not valid ASCII armor', 'reference q-1', 'nothing is lost'],
  },
];

for (const c of cases) {
  test(`template: ${c.name}`, () => {
    assert.match(c.mail.subject, c.subject);
    assert.ok(!/[\r\n]/.test(c.mail.subject), 'subject is one line');
    for (const s of c.contains) assert.ok(c.mail.text.includes(s), `body contains ${JSON.stringify(s)}:\n${c.mail.text}`);
    for (const s of c.absent ?? []) assert.ok(!c.mail.text.includes(s), `body does not contain ${JSON.stringify(s)}`);
  });
}

test('template: subjects never carry the report title', () => {
  const m = maintainerMessage({ projectName: 'P', trackingId: 'P-1', authorName: null, body: 'x', replyByMail: false });
  assert.equal(m.subject, '[P-1] New message from P');
});

test('an invitation and a membership notice share their subject, so nothing outside the body tells them apart', () => {
  const inv = invitation({ projectName: 'PrivaStream', inviterName: 'Ada', role: 'triager', link: 'https://e.test/app/invitation#token=inv_x', expiresAt: '2026-03-09T09:00:00.000Z' });
  const added = membershipGranted({ projectName: 'PrivaStream', inviterName: 'Ada', role: 'triager', link: 'https://e.test/app' });
  assert.equal(inv.subject, added.subject);
  assert.match(inv.text, /#token=inv_x/);
  assert.match(inv.text, /2026-03-09T09:00:00\.000Z/);
  assert.doesNotMatch(added.text, /token/);
  assert.match(added.text, /existing account/);
});
