import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecurityAddress, lineOfField, policyClaims } from '../../../src/core/policy/claims.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';

const yaml = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'policies', 'privastream.yaml'), 'utf8');

test('a policy claims its tracking prefix, security address and hosts, normalised, each once', () => {
  const withHosts = yaml.replace('  tracking_prefix: PRIV', '  tracking_prefix: PRIV\n  hosts: [Security.PrivaStream.ai, security.privastream.ai, docs.privastream.ai]');
  const { policy, problems } = parsePolicy(withHosts);
  assert.deepEqual(problems, []);
  assert.deepEqual(policyClaims(policy!), [
    { kind: 'tracking_prefix', value: 'PRIV', field: 'project.tracking_prefix' },
    { kind: 'email', value: 'security@privastream.ai', field: 'contacts.email' },
    { kind: 'host', value: 'security.privastream.ai', field: 'project.hosts.0' },
    { kind: 'host', value: 'docs.privastream.ai', field: 'project.hosts.2' },
  ]);
  assert.equal(lineOfField(withHosts, 'project.hosts.2'), 8);
  assert.equal(lineOfField(withHosts, 'contacts.email'), 11);
  assert.equal(lineOfField(withHosts, 'project.tracking_prefix'), 7);
  assert.equal(lineOfField(withHosts, 'project.nothing'), undefined);
});

test("a security address may not carry '+' in its local part: reply addresses must parse back to one project", () => {
  assert.equal(isSecurityAddress('security@example.org'), true);
  assert.equal(isSecurityAddress('security+r-abc@example.org'), false);
  const { problems } = parsePolicy(yaml.replace('email: security@privastream.ai', 'email: security+r-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@privastream.ai'));
  assert.deepEqual(problems.map((p) => [p.field, p.line]), [['contacts.email', 10]]);
});
