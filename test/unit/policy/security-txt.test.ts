import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/core/errors.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { renderSecurityTxt, validateSecurityTxt } from '../../../src/core/policy/render-security-txt.ts';
import type { Policy } from '../../../src/core/policy/types.ts';
import { EXAMPLE_NAMES, loadExample } from './examples.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const URLS = {
  canonicalUrl: 'https://embargo.example.org/.well-known/security.txt',
  policyUrl: 'https://embargo.example.org/p/demo/policy',
  encryptionUrl: 'https://embargo.example.org/pgp-key.txt',
  acknowledgmentsUrl: 'https://embargo.example.org/p/demo/hall-of-fame',
  reportUrl: 'https://embargo.example.org/p/demo/report',
};

for (const name of EXAMPLE_NAMES) {
  test(`security.txt for ${name} is valid RFC 9116`, () => {
    const txt = renderSecurityTxt(loadExample(name), { now: NOW, ...URLS });
    assert.deepEqual(validateSecurityTxt(txt, NOW), []);
    assert.ok(txt.endsWith('\n'));
    assert.match(txt, /^# /);
    assert.equal(txt.match(/^Expires: /gm)?.length, 1);
    assert.match(txt, /^Contact: mailto:security@/m);
    assert.match(txt, /^Preferred-Languages: en$/m);
  });
}

test('fields come in RFC order with every option filled in', () => {
  const txt = renderSecurityTxt(loadExample('privastream'), { now: NOW, ...URLS });
  const names = txt
    .split('\n')
    .filter((l) => /^[A-Z][A-Za-z-]*: /.test(l))
    .map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(names, ['Contact', 'Contact', 'Expires', 'Encryption', 'Acknowledgments', 'Preferred-Languages', 'Canonical', 'Policy']);
  assert.match(txt, /^Contact: mailto:security@privastream\.ai\nContact: https:\/\/embargo\.example\.org\/p\/demo\/report$/m);
  assert.match(txt, /^Expires: 2026-08-28T12:00:00Z$/m);
});

function policyWith(securityTxt: string, extra = ''): Policy {
  const { policy, problems } = parsePolicy(`version: 1
project: { slug: demo, name: Demo, tracking_prefix: DEMO }
contacts:
  email: security@demo.example
  security_txt:
${securityTxt}
supported_versions: [{ label: main, status: supported }]
${extra}`);
  assert.deepEqual(problems, []);
  assert.ok(policy);
  return policy;
}

test('policy security_txt fields are all rendered', () => {
  const policy = policyWith(`    expires: 2026-12-31T23:59:59Z
    preferred_languages: [en, de]
    canonical: [https://demo.example/.well-known/security.txt]
    policy: https://demo.example/security
    acknowledgments: https://demo.example/thanks
    encryption: [openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f]
    hiring: https://demo.example/jobs
    csaf: https://demo.example/.well-known/csaf/provider-metadata.json
    extra_contacts: [tel:+1-201-555-0123]`);
  const txt = renderSecurityTxt(policy, { now: NOW });
  assert.equal(
    txt.split('\n\n')[1],
    [
      'Contact: mailto:security@demo.example',
      'Contact: tel:+1-201-555-0123',
      'Expires: 2026-12-31T23:59:59Z',
      'Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f',
      'Acknowledgments: https://demo.example/thanks',
      'Preferred-Languages: en, de',
      'Canonical: https://demo.example/.well-known/security.txt',
      'Policy: https://demo.example/security',
      'Hiring: https://demo.example/jobs',
      'CSAF: https://demo.example/.well-known/csaf/provider-metadata.json',
      '',
    ].join('\n'),
  );
});

const expiresCases: { name: string; securityTxt: string; expected: string | Error }[] = [
  { name: 'default is 180 days', securityTxt: '    preferred_languages: [en]', expected: '2026-08-28T12:00:00Z' },
  { name: 'expires_in_days', securityTxt: '    expires_in_days: 30', expected: '2026-03-31T12:00:00Z' },
  { name: 'expires_in_days 365 stays under one year', securityTxt: '    expires_in_days: 365', expected: '2027-03-01T11:59:59Z' },
  { name: 'explicit expires', securityTxt: '    expires: 2026-06-30T00:00:00+02:00', expected: '2026-06-29T22:00:00Z' },
  { name: 'explicit expires in the past', securityTxt: '    expires: 2026-02-01T00:00:00Z', expected: new Error('future') },
  { name: 'explicit expires at now', securityTxt: '    expires: 2026-03-01T12:00:00Z', expected: new Error('future') },
  { name: 'explicit expires one year ahead', securityTxt: '    expires: 2027-03-01T12:00:00Z', expected: new Error('one year') },
  { name: 'explicit expires beyond a year', securityTxt: '    expires: 2028-01-01T00:00:00Z', expected: new Error('one year') },
];

for (const c of expiresCases) {
  test(`Expires: ${c.name}`, () => {
    const policy = policyWith(c.securityTxt);
    if (c.expected instanceof Error) {
      const message = c.expected.message;
      assert.throws(
        () => renderSecurityTxt(policy, { now: NOW }),
        (e: unknown) => e instanceof DomainError && e.code === 'policy_invalid' && e.message.includes(message),
      );
    } else {
      assert.match(renderSecurityTxt(policy, { now: NOW }), new RegExp(`^Expires: ${c.expected}$`, 'm'));
    }
  });
}

const VALID = 'Contact: mailto:security@demo.example\nExpires: 2026-12-31T00:00:00Z\n';

const badDocuments: { name: string; text: string; field: string; line?: number; message?: RegExp }[] = [
  { name: 'no Contact', text: 'Expires: 2026-12-31T00:00:00Z\n', field: 'Contact', message: /required/ },
  { name: 'no Expires', text: 'Contact: mailto:security@demo.example\n', field: 'Expires', message: /required/ },
  { name: 'Expires twice', text: `${VALID}Expires: 2026-11-30T00:00:00Z\n`, field: 'Expires', line: 3, message: /once/ },
  { name: 'Expires in the past', text: 'Contact: mailto:a@b.example\nExpires: 2026-01-01T00:00:00Z\n', field: 'Expires', line: 2, message: /future/ },
  { name: 'Expires a year or more ahead', text: 'Contact: mailto:a@b.example\nExpires: 2027-03-01T12:00:00Z\n', field: 'Expires', line: 2, message: /one year/ },
  { name: 'Expires not RFC 3339', text: 'Contact: mailto:a@b.example\nExpires: Thu, 31 Dec 2026 00:00:00 GMT\n', field: 'Expires', line: 2, message: /RFC 3339/ },
  { name: 'Expires without offset', text: 'Contact: mailto:a@b.example\nExpires: 2026-12-31T00:00:00\n', field: 'Expires', line: 2 },
  { name: 'Contact over plain http', text: `Contact: http://demo.example/report\n${VALID}`, field: 'Contact', line: 1, message: /https/ },
  { name: 'Contact without scheme', text: `Contact: security@demo.example\n${VALID}`, field: 'Contact', line: 1 },
  { name: 'Canonical over http', text: `${VALID}Canonical: http://demo.example/.well-known/security.txt\n`, field: 'Canonical', line: 3 },
  { name: 'Policy as mailto', text: `${VALID}Policy: mailto:security@demo.example\n`, field: 'Policy', line: 3 },
  { name: 'Encryption over http', text: `${VALID}Encryption: http://demo.example/key.asc\n`, field: 'Encryption', line: 3 },
  { name: 'Acknowledgments over http', text: `${VALID}Acknowledgments: http://demo.example/thanks\n`, field: 'Acknowledgments', line: 3 },
  { name: 'Hiring not a URI', text: `${VALID}Hiring: we are hiring\n`, field: 'Hiring', line: 3 },
  { name: 'CSAF over http', text: `${VALID}CSAF: http://demo.example/provider-metadata.json\n`, field: 'CSAF', line: 3 },
  { name: 'Preferred-Languages twice', text: `${VALID}Preferred-Languages: en\nPreferred-Languages: de\n`, field: 'Preferred-Languages', line: 4, message: /once/ },
  { name: 'Preferred-Languages not tags', text: `${VALID}Preferred-Languages: English; German\n`, field: 'Preferred-Languages', line: 3 },
  { name: 'a line that is no field', text: `${VALID}this is not a field\n`, field: '(line)', line: 3 },
];

for (const c of badDocuments) {
  test(`invalid security.txt: ${c.name}`, () => {
    const problems = validateSecurityTxt(c.text, NOW);
    const hit = problems.find((p) => p.field === c.field && (c.line === undefined || p.line === c.line));
    assert.ok(hit, `expected a problem on ${c.field}, got ${JSON.stringify(problems)}`);
    if (c.message) assert.match(hit.message, c.message);
  });
}

const goodDocuments: { name: string; text: string }[] = [
  { name: 'minimal', text: VALID },
  { name: 'unknown fields and comments', text: `# comment\n\n${VALID}X-Bug-Bounty: yes\nFoo: bar\n` },
  { name: 'case-insensitive field names and CRLF', text: 'contact: tel:+1-201-555-0123\r\nEXPIRES: 2026-12-31T00:00:00z\r\n' },
  { name: 'several contacts and encryption schemes', text: `${VALID}Contact: https://demo.example/report\nEncryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY\nEncryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f\n` },
  {
    name: 'OpenPGP cleartext signature',
    text: `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${VALID}-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n`,
  },
];

for (const c of goodDocuments) {
  test(`valid security.txt: ${c.name}`, () => {
    assert.deepEqual(validateSecurityTxt(c.text, NOW), []);
  });
}

test('a policy whose only channel is an http form yields no Contact and is refused', () => {
  const { policy } = parsePolicy(`version: 1
project: { slug: demo, name: Demo, tracking_prefix: DEMO }
contacts:
  other: [{ label: Form, url: "http://demo.example/report" }]
supported_versions: [{ label: main, status: supported }]
`);
  assert.ok(policy);
  assert.throws(
    () => renderSecurityTxt(policy, { now: NOW }),
    (e: unknown) => e instanceof DomainError && e.code === 'policy_invalid',
  );
});
