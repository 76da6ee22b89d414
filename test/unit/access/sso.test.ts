import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainAllowed, emailVerified, groupsOf, isLoopbackHttp, mapRoles, parseRoleMap, SSO_ERRORS, isSsoErrorCode } from '../../../src/core/access/sso.ts';
import { ConfigError, loadConfig } from '../../../src/server/config.ts';

/** The pure rules of single sign-on (src/core/access/sso.ts) and how the environment configures it. */

test('the role map reads group=site_admin and group=slug:role, and names each bad entry', () => {
  const problems: string[] = [];
  assert.deepEqual(parseRoleMap(' embargo-admins=site_admin, acme-sec=acme:triager ,/acme/leads=acme:admin, role=x=acme:viewer', problems), [
    { group: 'embargo-admins', siteAdmin: true },
    { group: 'acme-sec', slug: 'acme', role: 'triager' },
    { group: '/acme/leads', slug: 'acme', role: 'admin' },
    // The last "=" splits: a group name may hold one.
    { group: 'role=x', slug: 'acme', role: 'viewer' },
  ]);
  assert.deepEqual(problems, []);
  const bad: string[] = [];
  assert.deepEqual(parseRoleMap('nogroup, =site_admin, g=acme:owner, g=Bad Slug:viewer', bad), []);
  assert.equal(bad.length, 4, bad.join('\n'));
  assert.match(bad[2] ?? '', /role one of admin, triager, viewer/);
});

test('a group gives the highest of its roles; only what the map names is decided', () => {
  const map = parseRoleMap('admins=site_admin,sec=acme:triager,leads=acme:admin,chat=chatter:viewer', []);
  const both = mapRoles(['sec', 'leads', 'other'], map);
  assert.equal(both.siteAdmin, false);
  assert.deepEqual([...both.projects], [
    ['acme', 'admin'],
    ['chatter', null],
  ]);
  assert.deepEqual([...mapRoles(['admins', 'chat'], map).projects], [
    ['acme', null],
    ['chatter', 'viewer'],
  ]);
  assert.equal(mapRoles(['admins'], map).siteAdmin, true);
  assert.equal(mapRoles(['sec'], parseRoleMap('sec=acme:viewer', [])).siteAdmin, null, 'no site_admin entry: the flag is not the map’s');
});

test('email_verified must be true (or "true"); groups are an array or a single string', () => {
  assert.deepEqual([true, 'true', false, 'false', undefined, 1, 'yes'].map(emailVerified), [true, true, false, false, false, false, false]);
  assert.deepEqual(groupsOf(['a', 2, 'b']), ['a', 'b']);
  assert.deepEqual(groupsOf('a'), ['a']);
  assert.deepEqual(groupsOf({ a: 1 }), []);
});

test('allowed domains are matched whole and case-insensitively; * allows any', () => {
  assert.equal(domainAllowed('Ann@Acme.Test', ['acme.test']), true);
  assert.equal(domainAllowed('ann@evil-acme.test', ['acme.test']), false);
  assert.equal(domainAllowed('ann@sub.acme.test', ['acme.test']), false);
  assert.equal(domainAllowed('ann@acme.test.evil', ['acme.test']), false);
  assert.equal(domainAllowed('ann@anything.test', '*'), true);
});

test('plain http is allowed for a loopback issuer only', () => {
  assert.equal(isLoopbackHttp(new URL('http://127.0.0.1:8080')), true);
  assert.equal(isLoopbackHttp(new URL('http://localhost/realms/x')), true);
  assert.equal(isLoopbackHttp(new URL('http://[::1]:9000')), true);
  assert.equal(isLoopbackHttp(new URL('http://idp.example.org')), false);
  assert.equal(isLoopbackHttp(new URL('https://127.0.0.1')), false);
});

test('every refusal code has words', () => {
  for (const [code, words] of Object.entries(SSO_ERRORS)) {
    assert.ok(isSsoErrorCode(code));
    assert.ok(words.length > 20 && words.endsWith('.'), code);
  }
  assert.equal(isSsoErrorCode('toString'), false);
  assert.equal(isSsoErrorCode('<script>'), false);
});

const base = { DATA_DIR: '/nonexistent-embargo-test', EMBARGO_ENCRYPTION_KEYS: `k:${Buffer.alloc(32).toString('base64')}`, EMBARGO_SESSION_SECRET: Buffer.alloc(32).toString('base64') };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

test('SSO is off without an issuer, and its other settings alone are a mistake', () => {
  assert.equal(loadConfig(base).oidc, null);
  assert.match(problemsOf({ EMBARGO_OIDC_CLIENT_ID: 'x' }).join('\n'), /EMBARGO_OIDC_CLIENT_ID is set but EMBARGO_OIDC_ISSUER is not/);
});

test('an issuer needs https (but for loopback), a client id and allowed domains', () => {
  const problems = problemsOf({ EMBARGO_OIDC_ISSUER: 'http://idp.example.org' }).join('\n');
  assert.match(problems, /must use https/);
  assert.match(problems, /EMBARGO_OIDC_CLIENT_ID is required/);
  assert.match(problems, /EMBARGO_OIDC_ALLOWED_DOMAINS is required/);
  assert.match(problemsOf({ EMBARGO_OIDC_ISSUER: 'https://idp.example.org', EMBARGO_OIDC_CLIENT_ID: 'c', EMBARGO_OIDC_ALLOWED_DOMAINS: 'acme.test,not a domain' }).join('\n'), /"not a domain" is not a domain name/);
  const config = loadConfig({
    ...base,
    EMBARGO_OIDC_ISSUER: 'https://login.example.org/realms/acme',
    EMBARGO_OIDC_CLIENT_ID: 'embargo',
    EMBARGO_OIDC_ALLOWED_DOMAINS: 'Acme.Test, example.org',
    EMBARGO_OIDC_ROLE_MAP: 'sec=acme:triager',
    EMBARGO_OIDC_SCOPES: 'email profile',
  });
  assert.deepEqual(config.oidc, {
    issuer: 'https://login.example.org/realms/acme',
    clientId: 'embargo',
    clientSecret: null,
    scopes: 'openid email profile',
    label: 'SSO',
    allowedDomains: ['acme.test', 'example.org'],
    roleMap: [{ group: 'sec', slug: 'acme', role: 'triager' }],
    groupsClaim: 'groups',
  });
  assert.equal(loadConfig({ ...base, EMBARGO_OIDC_ISSUER: 'http://127.0.0.1:9999', EMBARGO_OIDC_CLIENT_ID: 'c', EMBARGO_OIDC_ALLOWED_DOMAINS: '*' }).oidc?.allowedDomains, '*');
});
