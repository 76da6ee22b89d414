import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { EXAMPLE_NAMES, exampleFiles, exampleText } from './examples.ts';

// Lines: 1 version, 2 project, 3 slug, 4 name, 5 tracking_prefix, 6 contacts, 7 email,
// 8 supported_versions, 9 label, 10 status; appended sections start at line 11.
const BASE = `version: 1
project:
  slug: demo
  name: Demo
  tracking_prefix: DEMO
contacts:
  email: security@demo.example
supported_versions:
  - label: 1.0.x
    status: supported
`;

test('every example policy parses without problems', () => {
  assert.deepEqual(exampleFiles().sort(), EXAMPLE_NAMES.map((n) => `${n}.yaml`).sort());
  for (const name of EXAMPLE_NAMES) {
    const { policy, problems } = parsePolicy(exampleText(name));
    assert.deepEqual(problems, [], name);
    assert.ok(policy, name);
  }
});

test('intake.hold_first_time_reporters is read when given, and absent otherwise (off)', () => {
  const on = parsePolicy(`${BASE}intake:\n  hold_first_time_reporters: true\n`);
  assert.deepEqual(on.problems, []);
  assert.equal(on.policy?.intake.hold_first_time_reporters, true);
  assert.equal(parsePolicy(BASE).policy?.intake.hold_first_time_reporters, undefined);
  const bad = parsePolicy(`${BASE}intake:\n  hold_first_time_reporters: sometimes\n`);
  assert.equal(bad.problems[0]?.field, 'intake.hold_first_time_reporters');
});

test('a minimal policy gets every default', () => {
  const { policy, problems } = parsePolicy(BASE);
  assert.deepEqual(problems, []);
  assert.ok(policy);
  assert.deepEqual(policy.response, { timezone: 'UTC', business_days: [1, 2, 3, 4, 5], holidays: [], promises: [] });
  assert.deepEqual(policy.intake, { no_public_issues: true, requested_information: [], required_fields: [], require_terms_acceptance: false });
  assert.deepEqual(policy.scope, { applies_to: [], in_scope: [], out_of_scope: [] });
  assert.deepEqual(policy.disclosure, { from: 'fix', requires_fix: true, coordinated: true, steps: [], channels: [] });
  assert.deepEqual(policy.recognition, { credit_in_advisory: true, anonymity_allowed: true, hall_of_fame: false, rewards: [] });
  assert.equal(policy.bounty, null);
  assert.equal(policy.safe_harbor, null);
  assert.deepEqual(policy.sections, []);
  assert.deepEqual(policy.access, { require_two_factor: false });
  assert.equal(policy.retention, undefined, 'retention is asked for, never assumed: an upgrade never starts erasing');
});

test('retention.reporter_contact_days_after_close: a whole number of days from 1, anything else a problem on its line', () => {
  assert.deepEqual(parsePolicy(`${BASE}retention:\n  reporter_contact_days_after_close: 30\n`).policy?.retention, { reporter_contact_days_after_close: 30 });
  const bad = parsePolicy(`${BASE}retention:\n  reporter_contact_days_after_close: 0.5\n  keep_forever: true\n`);
  assert.equal(bad.policy, null);
  assert.deepEqual(
    bad.problems.map((p) => [p.field, p.line]),
    [
      ['retention.reporter_contact_days_after_close', 12],
      ['retention.keep_forever', 13],
    ],
  );
  assert.equal(parsePolicy(`${BASE}retention:\n  reporter_contact_days_after_close: 0\n`).policy, null);
  assert.deepEqual(
    parsePolicy(`${BASE}retention: {}\n`).problems.map((p) => p.message),
    ['needs reporter_contact_days_after_close (days after a report closes, e.g. 365)'],
  );
});

test('access.require_two_factor: a boolean, anything else a problem on its line', () => {
  assert.deepEqual(parsePolicy(`${BASE}access:\n  require_two_factor: true\n`).policy?.access, { require_two_factor: true });
  const bad = parsePolicy(`${BASE}access:\n  require_two_factor: sometimes\n  require_2fa: true\n`);
  assert.equal(bad.policy, null);
  assert.deepEqual(
    bad.problems.map((p) => [p.field, p.line]),
    [
      ['access.require_two_factor', 12],
      ['access.require_2fa', 13],
    ],
  );
});

test('shorthands: a phase given as a duration, a reward given as a name, a numeric version label', () => {
  const { policy, problems } = parsePolicy(
    BASE.replace('label: 1.0.x', 'label: 1.0') + 'response:\n  acknowledge: 48h\nrecognition:\n  rewards: [Swag]\n',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(policy?.response.acknowledge, { within: '48h' });
  assert.deepEqual(policy?.recognition.rewards, [{ name: 'Swag' }]);
  assert.equal(policy?.supported_versions[0]?.label, '1.0');
});

test('disclosure counted from the report does not require a fix by default', () => {
  const { policy } = parsePolicy(`${BASE}disclosure:\n  within: 90d\n  from: report\n`);
  assert.equal(policy?.disclosure.requires_fix, false);
});

interface BrokenCase {
  name: string;
  yaml: string;
  field: string;
  line: number;
  message?: RegExp;
}

const broken: BrokenCase[] = [
  { name: 'wrong format version', yaml: BASE.replace('version: 1', 'version: 2'), field: 'version', line: 1 },
  { name: 'slug with upper case', yaml: BASE.replace('slug: demo', 'slug: Demo!'), field: 'project.slug', line: 3 },
  { name: 'one-letter slug', yaml: BASE.replace('slug: demo', 'slug: d'), field: 'project.slug', line: 3 },
  { name: 'lower-case tracking prefix', yaml: BASE.replace('tracking_prefix: DEMO', 'tracking_prefix: demo'), field: 'project.tracking_prefix', line: 5 },
  { name: 'missing project name', yaml: BASE.replace('  name: Demo\n', ''), field: 'project.name', line: 2, message: /required/ },
  { name: 'missing project', yaml: BASE.replace(/project:\n(  .*\n){3}/, ''), field: 'project', line: 1, message: /required/ },
  { name: 'project URL that is not a URL', yaml: BASE.replace('  name: Demo\n', '  name: Demo\n  url: not a url\n'), field: 'project.url', line: 5 },
  { name: 'typo in a key', yaml: BASE.replace('  email:', '  emial:'), field: 'contacts.emial', line: 7, message: /did you mean "email"/ },
  { name: 'no way to reach the project', yaml: BASE.replace('  email:', '  emial:'), field: 'contacts', line: 6, message: /reach/ },
  { name: 'invalid email', yaml: BASE.replace('security@demo.example', 'security at demo'), field: 'contacts.email', line: 7 },
  { name: 'unknown support status', yaml: BASE.replace('status: supported', 'status: maybe'), field: 'supported_versions.0.status', line: 10, message: /supported, limited, unsupported/ },
  { name: 'version label that is no range', yaml: BASE.replace('label: 1.0.x', 'label: Latest release'), field: 'supported_versions.0.label', line: 9, message: /set match/ },
  { name: 'bad match expression', yaml: BASE.replace('status: supported', 'status: supported\n    match: 1.x.3'), field: 'supported_versions.0.match', line: 11 },
  { name: 'empty version list', yaml: BASE.replace(/supported_versions:\n[\s\S]*$/, 'supported_versions: []\n'), field: 'supported_versions', line: 8 },
  { name: 'unknown top-level key', yaml: `${BASE}bountry: {}\n`, field: 'bountry', line: 11, message: /did you mean "bounty"/ },
  { name: 'unknown time zone', yaml: `${BASE}response:\n  timezone: Mars/Olympus\n`, field: 'response.timezone', line: 12 },
  { name: 'duration without unit letter', yaml: `${BASE}response:\n  acknowledge: 2 days\n`, field: 'response.acknowledge', line: 12, message: /48h/ },
  { name: 'duration of zero', yaml: `${BASE}response:\n  acknowledge: 0h\n`, field: 'response.acknowledge', line: 12 },
  { name: 'target after within', yaml: `${BASE}response:\n  assess:\n    within: 3d\n    target: 5d\n`, field: 'response.assess.target', line: 14, message: /within/ },
  { name: 'business-day target after an hour deadline', yaml: `${BASE}response:\n  assess:\n    within: 72h\n    target: 5bd\n`, field: 'response.assess.target', line: 14 },
  { name: 'phase without within', yaml: `${BASE}response:\n  assess:\n    target: 3d\n`, field: 'response.assess.within', line: 12, message: /required/ },
  { name: 'unknown phase key', yaml: `${BASE}response:\n  assess:\n    within: 3d\n    txet: Triage\n`, field: 'response.assess.txet', line: 14, message: /did you mean "text"/ },
  { name: 'weekday out of range', yaml: `${BASE}response:\n  business_days: [1, 2, 8]\n`, field: 'response.business_days.2', line: 12 },
  { name: 'weekday twice', yaml: `${BASE}response:\n  business_days:\n    - 1\n    - 1\n`, field: 'response.business_days.1', line: 14, message: /twice/ },
  { name: 'impossible holiday', yaml: `${BASE}response:\n  holidays: [2025-02-30]\n`, field: 'response.holidays.0', line: 12 },
  { name: 'fix deadline for severity none', yaml: `${BASE}response:\n  fix:\n    none: 3d\n`, field: 'response.fix.none', line: 13 },
  { name: 'text where a list is expected', yaml: `${BASE}intake:\n  requested_information: everything\n`, field: 'intake.requested_information', line: 12, message: /list/ },
  { name: 'yes is not a boolean', yaml: `${BASE}intake:\n  no_public_issues: yes\n`, field: 'intake.no_public_issues', line: 12, message: /true or false/ },
  { name: 'unknown required field', yaml: `${BASE}intake:\n  required_fields: [impact, exploit]\n`, field: 'intake.required_fields.1', line: 12 },
  { name: 'category required without categories', yaml: `${BASE}intake:\n  required_fields: [category]\n`, field: 'intake.required_fields', line: 12, message: /category/ },
  { name: 'scope id in and out', yaml: `${BASE}scope:\n  in_scope:\n    - { id: rce, label: RCE }\n  out_of_scope:\n    - { id: rce, label: Also RCE }\n`, field: 'scope.out_of_scope.0.id', line: 15, message: /both in scope and out of scope/ },
  { name: 'scope id twice', yaml: `${BASE}scope:\n  in_scope:\n    - { id: rce, label: RCE }\n    - { id: rce, label: RCE 2 }\n`, field: 'scope.in_scope.1.id', line: 14, message: /twice/ },
  { name: 'scope id with upper case', yaml: `${BASE}scope:\n  in_scope:\n    - id: RCE\n      label: RCE\n`, field: 'scope.in_scope.0.id', line: 13 },
  { name: 'scope item without label', yaml: `${BASE}scope:\n  out_of_scope:\n    - id: dos\n`, field: 'scope.out_of_scope.0.label', line: 13, message: /required/ },
  { name: 'bounty min above max', yaml: `${BASE}bounty:\n  currency: USD\n  ranges:\n    high:\n      min: 500\n      max: 200\n`, field: 'bounty.ranges.high.max', line: 16, message: /min/ },
  { name: 'negative bounty', yaml: `${BASE}bounty:\n  currency: USD\n  ranges:\n    low: { min: -5 }\n`, field: 'bounty.ranges.low.min', line: 14 },
  { name: 'bounty currency', yaml: `${BASE}bounty:\n  currency: dollars\n  ranges:\n    low: { max: 50 }\n`, field: 'bounty.currency', line: 12 },
  { name: 'bounty without ranges', yaml: `${BASE}bounty:\n  currency: USD\n`, field: 'bounty.ranges', line: 11, message: /required/ },
  { name: 'bounty severity typo', yaml: `${BASE}bounty:\n  currency: USD\n  ranges:\n    hihg: { max: 50 }\n`, field: 'bounty.ranges.hihg', line: 14, message: /did you mean "high"/ },
  { name: 'disclosure deadline without start', yaml: `${BASE}disclosure:\n  within: 90d\n`, field: 'disclosure.from', line: 11, message: /required/ },
  { name: 'disclosure from fix without fix', yaml: `${BASE}disclosure:\n  within: 30d\n  from: fix\n  requires_fix: false\n`, field: 'disclosure.requires_fix', line: 14 },
  { name: 'disclosure clock start', yaml: `${BASE}disclosure:\n  within: 30d\n  from: publication\n`, field: 'disclosure.from', line: 13 },
  { name: 'hall of fame URL without hall of fame', yaml: `${BASE}recognition:\n  hall_of_fame_url: https://demo.example/thanks\n`, field: 'recognition.hall_of_fame_url', line: 12 },
  { name: 'published PGP key without location', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  pgp:\n    availability: published\n'), field: 'contacts.pgp', line: 8 },
  { name: 'PGP fingerprint', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  pgp:\n    availability: published\n    fingerprint: ABCD\n'), field: 'contacts.pgp.fingerprint', line: 10 },
  { name: 'expires_in_days above a year', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  security_txt:\n    expires_in_days: 400\n'), field: 'contacts.security_txt.expires_in_days', line: 9, message: /1 and 365/ },
  { name: 'expires without time', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  security_txt:\n    expires: 2026-12-31\n'), field: 'contacts.security_txt.expires', line: 9, message: /RFC 3339/ },
  { name: 'expires and expires_in_days', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  security_txt:\n    expires: 2026-12-31T00:00:00Z\n    expires_in_days: 30\n'), field: 'contacts.security_txt.expires_in_days', line: 10, message: /either/ },
  { name: 'plain-http canonical URL', yaml: BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  security_txt:\n    canonical:\n      - http://demo.example/.well-known/security.txt\n'), field: 'contacts.security_txt.canonical.0', line: 10, message: /https/ },
  { name: 'section without body', yaml: `${BASE}sections:\n  - title: Best practices\n`, field: 'sections.0.body', line: 12, message: /required/ },
  { name: 'duplicate key', yaml: `${BASE}version: 1\n`, field: '(yaml)', line: 11, message: /unique/ },
  { name: 'unclosed flow sequence', yaml: `${BASE}scope:\n  applies_to: [core, web\nsections: []\n`, field: '(yaml)', line: 13 },
  { name: 'empty document', yaml: '', field: '(root)', line: 1, message: /empty/ },
  { name: 'list at the root', yaml: '# a policy\n- version: 1\n', field: '(root)', line: 2, message: /mapping/ },
];

for (const c of broken) {
  test(`problem: ${c.name}`, () => {
    const { policy, problems } = parsePolicy(c.yaml);
    assert.equal(policy, null);
    const hit = problems.find((p) => p.field === c.field);
    assert.ok(hit, `expected a problem on ${c.field}, got ${JSON.stringify(problems)}`);
    assert.equal(hit.line, c.line, JSON.stringify(hit));
    if (c.message) assert.match(hit.message, c.message);
    for (const p of problems) assert.ok(Number.isInteger(p.line) && (p.line ?? 0) >= 1, `problem without a line: ${JSON.stringify(p)}`);
  });
}

test('all problems are reported at once, in line order', () => {
  const yaml = BASE.replace('slug: demo', 'slug: X').replace('status: supported', 'status: maybe') + 'response:\n  timezone: Nowhere/Town\n  acknowledge: soon\n';
  const { problems } = parsePolicy(yaml);
  assert.deepEqual(
    problems.map((p) => [p.field, p.line]),
    [
      ['project.slug', 3],
      ['supported_versions.0.status', 10],
      ['response.timezone', 12],
      ['response.acknowledge', 13],
    ],
  );
});

test('with now, an explicit Expires is checked against it', () => {
  const yaml = BASE.replace('  email: security@demo.example\n', '  email: security@demo.example\n  security_txt:\n    expires: 2025-06-01T00:00:00Z\n');
  assert.deepEqual(parsePolicy(yaml).problems, []);
  const cases: [string, RegExp | null][] = [
    ['2025-01-01T00:00:00Z', null],
    ['2025-07-01T00:00:00Z', /future/],
    ['2024-05-01T00:00:00Z', /less than one year/],
  ];
  for (const [now, expected] of cases) {
    const { problems } = parsePolicy(yaml, { now: new Date(now) });
    if (expected === null) assert.deepEqual(problems, [], now);
    else assert.match(problems[0]?.message ?? '', expected, now);
    if (expected) assert.equal(problems[0]?.line, 9);
  }
});

test('the annotated example in docs/policy.md is a valid policy', () => {
  const doc = readFileSync(new URL('../../../docs/policy.md', import.meta.url), 'utf8');
  const yaml = /## Annotated example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(yaml);
  const { policy, problems } = parsePolicy(yaml);
  assert.deepEqual(problems, []);
  assert.deepEqual(policy?.response.fix?.high, { within: '14d' });
});
