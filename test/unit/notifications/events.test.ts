import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventSummary, renderWebhookBody, type ProjectEvent, type WebhookBody } from '../../../src/core/notifications/events.ts';
import { defaultLevel, mailsEvent, type NotificationLevel } from '../../../src/core/notifications/preferences.ts';
import type { ProjectRole } from '../../../src/core/access/permissions.ts';
import { maintainerNotification, statusDigest } from '../../../src/core/mail/templates.ts';

const report = (severity: 'low' | 'high' | 'critical' | null = null) => ({ id: 'r1', tracking_id: 'PRIV-2026-0001', state: 'new', severity });
const created = (severity: 'low' | 'high' | 'critical' | null = null): ProjectEvent => ({ type: 'report.created', report: report(severity), source: 'web' });
const scan = (highest: 'low' | 'high' | null): ProjectEvent => ({ type: 'scan.finding', scan: { id: 's1', filename: 'package-lock.json' }, findings: 3, highest_severity: highest, advisories: ['GHSA-x'] });
const held: ProjectEvent = { type: 'mail.quarantined', quarantine: { id: 'q1', channel: 'email', reason_code: 'unknown_sender' } };
const changed: ProjectEvent = { type: 'report.state_changed', report: report('critical'), from: 'new', to: 'triaged' };

test('who is mailed what: role defaults, levels, role permissions', () => {
  const cases: Array<[ProjectRole, NotificationLevel, ProjectEvent, boolean]> = [
    ['admin', defaultLevel('admin'), created(), true],
    ['triager', defaultLevel('triager'), created(), true],
    ['viewer', defaultLevel('viewer'), created(), false],
    ['viewer', 'all', created(), true],
    ['admin', 'high', created(), false],
    ['admin', 'high', created('low'), false],
    ['admin', 'high', created('high'), true],
    ['admin', 'high', created('critical'), true],
    ['admin', 'none', created('critical'), false],
    ['admin', 'all', changed, false], // the team's own doing
    ['admin', 'all', scan('low'), false], // scans: high or critical only
    ['admin', 'all', scan('high'), true],
    ['admin', 'high', scan('high'), true],
    ['admin', 'all', scan(null), false],
    ['triager', 'all', held, true],
    ['viewer', 'all', held, false], // may not read the quarantine
    ['admin', 'high', held, false],
  ];
  for (const [role, level, event, expected] of cases) assert.equal(mailsEvent(role, level, event), expected, `${role} ${level} ${event.type} ${JSON.stringify(event).slice(0, 80)}`);
});

test('"assigned": only events about a report assigned to the member, and never held mail or scans', () => {
  const reply: ProjectEvent = { type: 'report.message_created', report: report(), message_id: 'm1', channel: 'web' };
  assert.equal(mailsEvent('triager', 'assigned', reply, true), true);
  assert.equal(mailsEvent('triager', 'assigned', reply, false), false, 'someone else’s report');
  assert.equal(mailsEvent('triager', 'assigned', created('critical'), false), false, 'a new report has no assignee');
  assert.equal(mailsEvent('triager', 'assigned', changed, true), false, 'status changes are never mailed');
  assert.equal(mailsEvent('triager', 'assigned', held, true), false);
  assert.equal(mailsEvent('admin', 'assigned', scan('high'), true), false);
});

test('webhook bodies: json is the event; chat formats are a summary with the link, HTML escaped', () => {
  const body: WebhookBody = { id: 'd1', event: 'report.created', timestamp: '2026-03-02T09:00:00.000Z', occurred_at: '2026-03-02T08:59:59.000Z', project: { slug: 'priv', name: 'Priv <&>' }, link: 'https://x.test/a?b=1&c=2', data: { report: report('high'), source: 'web' } };
  assert.deepEqual(renderWebhookBody('json', body, created('high')), body);
  // Slack reads <…> as links and mentions: the summary's &, < and > are escaped as its docs ask, so a name cannot
  // make a link of its own (a scan's file name '<https://evil.example|Open the report>' stays text).
  assert.deepEqual(renderWebhookBody('slack', body, created('high')), { text: 'Priv &lt;&amp;&gt;: new report PRIV-2026-0001 (high) <https://x.test/a?b=1&c=2|open>' });
  const trap: ProjectEvent = { type: 'scan.finding', scan: { id: 's1', filename: '<https://evil.example|Open the report>' }, findings: 1, highest_severity: 'high', advisories: [] };
  assert.doesNotMatch(String(renderWebhookBody('slack', { ...body, event: 'scan.finding' }, trap).text), /<https:\/\/evil/);
  const matrix = renderWebhookBody('matrix', body, created('high')) as { msgtype: string; body: string; html: string };
  assert.equal(matrix.msgtype, 'm.notice');
  assert.equal(matrix.body, 'Priv <&>: new report PRIV-2026-0001 (high) https://x.test/a?b=1&c=2');
  assert.equal(matrix.html, 'Priv &#60;&#38;&#62;: new report PRIV-2026-0001 (high) <a href="https://x.test/a?b=1&#38;c=2">open</a>');
  assert.equal(eventSummary(scan('high'), { name: 'P' }), 'P: scan of package-lock.json found 3 vulnerable packages (highest high)');
});

test('a maintainer notification: tracking id in the subject, the title only in the body and only when given', () => {
  const base = { projectName: 'PrivaStream', event: created(), link: 'https://x.test/r', settingsUrl: 'https://x.test/app/account', level: 'all' as const };
  const plain = maintainerNotification({ ...base, title: null });
  assert.equal(plain.subject, '[PRIV-2026-0001] New report');
  assert.doesNotMatch(plain.text, /Title:/);
  const titled = maintainerNotification({ ...base, title: 'Heap overflow' });
  assert.equal(titled.subject, '[PRIV-2026-0001] New report');
  assert.match(titled.text, /^Title: Heap overflow$/m);
  assert.match(titled.text, /https:\/\/x\.test\/app\/account/);
  assert.equal(maintainerNotification({ ...base, event: held, title: null }).subject, 'Mail held in quarantine');
});

test('a status digest: one change reads as before; several are listed in order with old and new dates', () => {
  const one = statusDigest({ projectName: 'P', trackingId: 'T-2026-0001', replyByMail: false, changes: [{ kind: 'state', from: 'new', to: 'triaged', reason: null, at: '2026-03-02T09:00:00Z' }] });
  assert.match(one.subject, /^\[T-2026-0001\] Status: /);
  const many = statusDigest({
    projectName: 'P',
    trackingId: 'T-2026-0001',
    replyByMail: true,
    changes: [
      { kind: 'state', from: 'new', to: 'triaged', reason: null, at: '2026-03-02T09:00:00Z' },
      { kind: 'embargo', from: null, to: '2026-06-30', at: '2026-03-02T09:01:00Z' },
      { kind: 'embargo', from: '2026-06-30', to: null, at: '2026-03-02T09:02:00Z' },
      { kind: 'state', from: 'triaged', to: 'rejected', reason: 'out-of-scope', at: '2026-03-02T09:03:00Z' },
    ],
  });
  const lines = many.text.split('\n').filter((l) => l.startsWith('- '));
  assert.equal(lines.length, 4);
  assert.match(lines[1] ?? '', /planned disclosure date none → 2026-06-30/);
  assert.match(lines[2] ?? '', /planned disclosure date 2026-06-30 → none \(cleared\)/);
  assert.match(lines[3] ?? '', /\(reason: out of scope\)/);
  assert.match(many.text, /Reply to this mail/);
  const dateOnly = statusDigest({ projectName: 'P', trackingId: 'T-2026-0001', replyByMail: false, changes: [{ kind: 'embargo', from: null, to: '2026-06-30', at: '2026-03-02T09:01:00Z' }] });
  assert.equal(dateOnly.subject, '[T-2026-0001] Disclosure date changed');
});
