import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as openpgp from 'openpgp';
import { generateProjectKey } from '../../src/adapters/pgp/keys.ts';
import { readAudit } from '../../src/services/audit/audit-log.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, type World } from '../support/fixtures.ts';
import { skipWithoutGpg, startGpg, type Gpg } from '../support/gpg.ts';
import { runEmbargo, type CliRun } from '../support/cli-process.ts';

const P = '/api/v1/projects/privastream';

const embargo = (args: string[], env: Record<string, string>, input = ''): Promise<CliRun> => runEmbargo(args, env, { input });

for (const engine of ENGINES) {
  describe(`project OpenPGP keys on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    let gpg: Gpg | undefined;
    // GnuPG works in real time: the test clock starts now so keys and signatures agree with it.
    before(async () => {
      rt = await startTestRuntime(engine, {}, new Date());
      world = await seedWorld(rt);
      if (!skipWithoutGpg) gpg = startGpg();
    });
    after(async () => {
      gpg?.close();
      await rt?.close();
    });

    const inject = (method: 'GET' | 'POST', url: string, payload?: unknown, as: 'admin' | 'triager' | 'anonymous' = 'admin') =>
      rt.app.inject({ method, url, headers: world.as(as), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

    test('without a key: nothing is published and security.txt is plain', async () => {
      assert.equal((await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous')).statusCode, 404);
      assert.equal((await inject('GET', P, undefined, 'anonymous')).json().pgp_key, null);
      const txt = await inject('GET', '/projects/privastream/.well-known/security.txt', undefined, 'anonymous');
      assert.equal(txt.statusCode, 200);
      assert.doesNotMatch(txt.body, /BEGIN PGP SIGNED MESSAGE/);
      assert.doesNotMatch(txt.body, /pgp-key\.asc/);
    });

    let fingerprint = '';
    test('generate: 201 with the public key; the key is published at its URL, in the project JSON and SECURITY.md', async () => {
      const res = await inject('POST', `${P}/keys/generate`, {});
      assert.equal(res.statusCode, 201, res.body);
      const key = res.json();
      fingerprint = key.fingerprint;
      assert.match(fingerprint, /^[0-9A-F]{40}$/);
      assert.deepEqual(key.user_ids, ['PrivaStream security <security@privastream.ai>']);
      assert.equal(key.current, true);
      assert.equal(key.url, 'https://embargo.test/projects/privastream/pgp-key.asc');
      assert.doesNotMatch(JSON.stringify(key), /PRIVATE KEY/);

      const asc = await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous');
      assert.equal(asc.statusCode, 200);
      assert.match(asc.headers['content-type'] as string, /^application\/pgp-keys/);
      assert.equal((await openpgp.readKey({ armoredKey: asc.body })).getFingerprint().toUpperCase(), fingerprint);
      assert.doesNotMatch(asc.body, /PRIVATE/);

      assert.deepEqual((await inject('GET', P, undefined, 'anonymous')).json().pgp_key, { fingerprint, url: key.url });
      const md = await inject('GET', `${P}/security.md`, undefined, 'anonymous');
      assert.match(md.body, new RegExp(`fingerprint \`${fingerprint}\``));
      assert.match(md.body, /https:\/\/embargo\.test\/projects\/privastream\/pgp-key\.asc/);

      // The private key is sealed at rest: no armor in the row.
      const row = await rt.ctx.db.selectFrom('project_keys').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();
      assert.doesNotMatch(Buffer.from(row.private_key_sealed).toString('latin1'), /PRIVATE KEY/);
      const audit = await readAudit(rt.ctx.db, { limit: 1000 });
      assert.ok(audit.some((a) => a.action === 'project.key-generated' && (a.data as { fingerprint?: string }).fingerprint === fingerprint));
    });

    test('a second generate is refused (409: rotate instead)', async () => {
      const res = await inject('POST', `${P}/keys/generate`, {});
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.json().message, /rotate/);
    });

    test('security.txt (by path and by host) is cleartext-signed, names the key URL in Encryption, and gpg --verify accepts it', { skip: skipWithoutGpg }, async () => {
      const byPath = await inject('GET', '/projects/privastream/.well-known/security.txt', undefined, 'anonymous');
      assert.match(byPath.body, /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\n/);
      assert.match(byPath.body, /^Encryption: https:\/\/embargo\.test\/projects\/privastream\/pgp-key\.asc$/m);
      assert.match(byPath.body, /^Canonical: https:\/\/embargo\.test\/projects\/privastream\/\.well-known\/security\.txt$/m);
      const asc = (await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous')).body;
      gpg!.ok(['--import'], asc);
      const file = gpg!.file('security.txt', byPath.body);
      const r = gpg!.run(['--status-fd', '1', '--verify', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`VALIDSIG ${fingerprint}`));
      const tampered = gpg!.file('tampered.txt', byPath.body.replace('Encryption: https://embargo.test', 'Encryption: https://evil.test'));
      assert.notEqual(gpg!.run(['--verify', tampered]).status, 0);

      // The by-host route serves the same signed document for a project that claims the host.
      const policy = (await inject('GET', `${P}/policy`, undefined, 'anonymous')).body.replace(/(tracking_prefix: \w+)/, '$1\n  hosts: [security.privastream.test]');
      assert.equal((await rt.app.inject({ method: 'PUT', url: `${P}/policy`, headers: world.as('admin'), payload: { policy_yaml: policy } })).statusCode, 200);
      const byHost = await rt.app.inject({ url: '/.well-known/security.txt', headers: { host: 'security.privastream.test' } });
      assert.equal(byHost.statusCode, 200, byHost.body);
      assert.match(byHost.body, /^-----BEGIN PGP SIGNED MESSAGE-----/);
      const r2 = gpg!.run(['--status-fd', '1', '--verify', gpg!.file('by-host.txt', byHost.body)]);
      assert.equal(r2.status, 0, r2.stderr);
      assert.match(r2.stdout, /GOODSIG/);
    });

    test('the signed security.txt verifies with openpgp.js too and its content is the RFC 9116 document', async () => {
      const body = (await inject('GET', '/projects/privastream/.well-known/security.txt', undefined, 'anonymous')).body;
      const asc = (await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous')).body;
      const message = await openpgp.readCleartextMessage({ cleartextMessage: body });
      const v = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: asc }), date: rt.clock.now });
      await v.signatures[0]!.verified;
      assert.match(v.data, /^Contact: mailto:security@privastream\.ai/m);
      assert.match(v.data, /^Expires: /m);
    });

    test('only admins manage keys: a triager gets 403 on generate/rotate/retire/import', async () => {
      for (const r of ['generate', 'rotate', 'retire']) assert.equal((await inject('POST', `${P}/keys/${r}`, r === 'retire' ? undefined : {}, 'triager')).statusCode, 403);
    });

    let oldFingerprint = '';
    test('rotate: a new current key; the old one is listed as retired and no longer published', async () => {
      oldFingerprint = fingerprint;
      const res = await inject('POST', `${P}/keys/rotate`, {});
      assert.equal(res.statusCode, 201, res.body);
      fingerprint = res.json().fingerprint;
      assert.notEqual(fingerprint, oldFingerprint);
      const list = (await inject('GET', `${P}/keys`, undefined, 'triager')).json().keys as { fingerprint: string; current: boolean; retired_at: string | null }[];
      assert.deepEqual(list.map((k) => [k.fingerprint, k.current]), [[fingerprint, true], [oldFingerprint, false]]);
      assert.ok(list[1]!.retired_at);
      const asc = (await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous')).body;
      assert.equal((await openpgp.readKey({ armoredKey: asc })).getFingerprint().toUpperCase(), fingerprint);
      const audit = await readAudit(rt.ctx.db, { limit: 1000 });
      assert.ok(audit.some((a) => a.action === 'project.key-rotated' && (a.data as { retired?: string }).retired === oldFingerprint));
    });

    test('import: a passphrase-protected private key, with the passphrase; wrong passphrase and public keys are refused', async () => {
      assert.equal((await inject('POST', `${P}/keys/retire`)).statusCode, 200);
      const pair = await generateProjectKey({ projectName: 'PrivaStream', email: 'imported@privastream.ai', now: new Date(rt.clock.now.getTime() - 60_000) });
      const locked = (await openpgp.encryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: pair.privateKeyArmored }), passphrase: 'hunter2' })).armor();
      const noPass = await inject('POST', `${P}/keys/import`, { private_key: locked });
      assert.equal(noPass.statusCode, 400);
      assert.equal(noPass.json().pgp, 'key_locked');
      assert.equal((await inject('POST', `${P}/keys/import`, { private_key: locked, passphrase: 'wrong' })).json().pgp, 'key_locked');
      const pub = await inject('POST', `${P}/keys/import`, { private_key: pair.publicKeyArmored });
      assert.equal(pub.json().pgp, 'not_private');
      const ok = await inject('POST', `${P}/keys/import`, { private_key: locked, passphrase: 'hunter2' });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().fingerprint, pair.fingerprint);
      assert.equal(ok.json().origin, 'imported');
      // A retired key is never made current again.
      const again = await inject('POST', `${P}/keys/rotate`, { private_key: pair.privateKeyArmored });
      assert.equal(again.statusCode, 409);
      fingerprint = pair.fingerprint;
    });

    test('retire: nothing published, security.txt unsigned again; a second retire is 409', async () => {
      assert.equal((await inject('POST', `${P}/keys/retire`)).statusCode, 200);
      assert.equal((await inject('POST', `${P}/keys/retire`)).statusCode, 409);
      assert.equal((await inject('GET', '/projects/privastream/pgp-key.asc', undefined, 'anonymous')).statusCode, 404);
      const txt = (await inject('GET', '/projects/privastream/.well-known/security.txt', undefined, 'anonymous')).body;
      assert.doesNotMatch(txt, /BEGIN PGP SIGNED MESSAGE|pgp-key\.asc/);
    });

    test('CLI: key generate and export over the HTTP API; export without a key says what to do', async () => {
      await rt.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`;
      const env = { EMBARGO_URL: url, EMBARGO_TOKEN: world.tokens.admin };
      const none = await embargo(['key', 'export', '--project', 'privastream'], env);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no OpenPGP key: embargo key generate --project privastream/);
      const gen = await embargo(['key', 'generate', '--project', 'privastream', '--email', 'cli@privastream.ai'], env);
      assert.equal(gen.code, 0, gen.stderr);
      const fp = /: ([0-9A-F]{40})/.exec(gen.stdout)?.[1];
      assert.ok(fp, gen.stdout);
      const exported = await embargo(['key', 'export', '--project', 'privastream'], env);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal((await openpgp.readKey({ armoredKey: exported.stdout })).getFingerprint().toUpperCase(), fp);
      const denied = await embargo(['key', 'rotate', '--project', 'privastream'], { ...env, EMBARGO_TOKEN: world.tokens.triager });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /may not project manage-keys/);
    });

    test('two admins generating at once: exactly one key becomes current, the other gets 409', async () => {
      assert.equal((await inject('POST', `${P}/keys/retire`)).statusCode, 200);
      const statuses = (await Promise.all([inject('POST', `${P}/keys/generate`, {}), inject('POST', `${P}/keys/generate`, {})])).map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [201, 409]);
      const current = await rt.ctx.db.selectFrom('project_keys').select('fingerprint').where('retired_at', 'is', null).execute();
      assert.equal(current.length, 1);
    });
  });
}

describe('CLI key commands in database mode', () => {
  test('generate, export, import (stdin) and rotate against the data directory, audited as cli', async () => {
    const rt = await startTestRuntime(ENGINES[0]!, {}, new Date());
    await seedWorld(rt);
    const env = { DATA_DIR: rt.env.DATA_DIR ?? '', EMBARGO_ENCRYPTION_KEYS: rt.env.EMBARGO_ENCRYPTION_KEYS ?? '', EMBARGO_SESSION_SECRET: rt.env.EMBARGO_SESSION_SECRET ?? '', EMBARGO_PUBLIC_URL: 'https://embargo.test' };
    await rt.close(); // PGlite has one owner: the CLI takes the data directory.
    const gen = await embargo(['key', 'generate', '--project', 'privastream'], env);
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stdout, /published at https:\/\/embargo\.test\/projects\/privastream\/pgp-key\.asc/);
    const exported = await embargo(['key', 'export', '--project', 'privastream'], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const rotated = await embargo(['key', 'rotate', '--project', 'privastream'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    // import refuses while a key is current (409), then takes a protected key from stdin after a retire.
    const pair = await generateProjectKey({ projectName: 'PrivaStream', email: 'stdin@privastream.ai', now: new Date(Date.now() - 60_000) });
    const locked = (await openpgp.encryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: pair.privateKeyArmored }), passphrase: 's3cret' })).armor();
    const busy = await embargo(['key', 'import', '--project', 'privastream', '-'], { ...env, EMBARGO_KEY_PASSPHRASE: 's3cret' }, locked);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /rotate it instead/);
    assert.equal((await embargo(['key', 'retire', '--project', 'privastream'], env)).code, 0);
    const imported = await embargo(['key', 'import', '--project', 'privastream', '-'], { ...env, EMBARGO_KEY_PASSPHRASE: 's3cret' }, locked);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(pair.fingerprint));
    const missing = await embargo(['key', 'generate', '--project', 'no-such-project'], env);
    assert.equal(missing.code, 1);
    const rt2 = await startTestRuntime(ENGINES[0]!, env, new Date());
    try {
      const keys = await rt2.ctx.db.selectFrom('project_keys').select(['fingerprint', 'retired_at']).execute();
      assert.equal(keys.length, 3);
      assert.equal(keys.filter((k) => k.retired_at === null).length, 1);
      const audit = await readAudit(rt2.ctx.db, { limit: 1000 });
      assert.ok(audit.some((a) => a.actor === 'cli' && a.action === 'project.key-generated'));
      assert.ok(audit.some((a) => a.actor === 'cli' && a.action === 'project.key-rotated'));
      assert.ok(audit.some((a) => a.actor === 'cli' && a.action === 'project.key-imported'));
      assert.equal(keys.find((k) => k.retired_at === null)?.fingerprint, pair.fingerprint);
    } finally {
      await rt2.close();
    }
  });
});
