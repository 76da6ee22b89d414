import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { generateProjectKey } from '../../src/adapters/pgp/keys.ts';
import { readAudit } from '../../src/services/audit/audit-log.ts';
import { getReporterPublicKey } from '../../src/services/pgp/intake.ts';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type World } from '../support/fixtures.ts';
import { skipWithoutGpg, startGpg, type Gpg } from '../support/gpg.ts';
import { multipartBody } from '../support/multipart.ts';
import { rowCounts } from '../support/db-counts.ts';

const P = '/api/v1/projects/privastream';

interface Encryption {
  encrypted: boolean;
  signature: string;
  signer_fingerprint: string | null;
  reporter_key_fingerprint: string | null;
}

for (const engine of ENGINES) {
  describe(`encrypted web/API intake and the quarantine on ${engine.name}`, { skip: skipWithoutGpg }, () => {
    let rt: TestServer;
    let world: World;
    let gpg: Gpg;
    let projectFpr: string;
    let reporter: { fingerprint: string; publicKey: string };
    let stranger: { fingerprint: string; publicKey: string };

    // GnuPG signs and encrypts in real time: the test clock starts now.
    before(async () => {
      rt = await startTestRuntime(engine, {}, new Date());
      world = await seedWorld(rt);
      gpg = startGpg();
      const gen = await rt.app.inject({ method: 'POST', url: `${P}/keys/generate`, headers: world.as('admin'), payload: {} });
      assert.equal(gen.statusCode, 201, gen.body);
      projectFpr = gen.json().fingerprint;
      // The reporter's side: the project key as anyone fetches it, and reporter keys made by gpg.
      gpg.ok(['--import'], (await rt.app.inject({ url: '/projects/privastream/pgp-key.asc' })).body);
      reporter = gpg.newKey('Reporter', 'reporter@gpg.example');
      stranger = gpg.newKey('Stranger', 'stranger@gpg.example');
    });
    after(async () => {
      gpg?.close();
      await rt?.close();
    });

    const encrypt = (text: string, opts: { signer?: string; to?: string } = {}) =>
      gpg.ok(['--armor', ...(opts.signer ? ['--sign', '-u', opts.signer] : []), '--encrypt', '-r', opts.to ?? projectFpr], text);

    const post = (body: Record<string, unknown>) => rt.app.inject({ method: 'POST', url: `${P}/reports`, payload: body });

    async function detail(trackingId: string) {
      const res = await rt.app.inject({ url: `${P}/reports/${trackingId}`, headers: world.as('triager') });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { title: string; body: { description: string; steps_to_reproduce: string | null }; encryption: Encryption; source: string };
    }

    test('a plain submission records encrypted=false, signature none', async () => {
      const res = await post(validReport());
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual((await detail(res.json().tracking_id)).encryption, { encrypted: false, signature: 'none', signer_fingerprint: null, reporter_key_fingerprint: null });
    });

    test('gpg --encrypt to the published key: the description is decrypted before validation; encrypted, unsigned', async () => {
      const res = await post(validReport({ description: encrypt('SQL injection in /search via the q parameter.\n') }));
      assert.equal(res.statusCode, 201, res.body);
      const d = await detail(res.json().tracking_id);
      assert.equal(d.body.description, 'SQL injection in /search via the q parameter.');
      assert.deepEqual(d.encryption, { encrypted: true, signature: 'none', signer_fingerprint: null, reporter_key_fingerprint: null });
    });

    test('title and steps signed by the reporter whose key came with the submission: signature valid; key kept for replies', async () => {
      const res = await post(
        validReport({
          title: encrypt('Secret title', { signer: reporter.fingerprint }),
          steps_to_reproduce: encrypt('1. do the secret thing\n', { signer: reporter.fingerprint }),
          reporter_public_key: reporter.publicKey,
        }),
      );
      assert.equal(res.statusCode, 201, res.body);
      const d = await detail(res.json().tracking_id);
      assert.equal(d.title, 'Secret title');
      assert.equal(d.body.steps_to_reproduce, '1. do the secret thing');
      assert.deepEqual(d.encryption, { encrypted: true, signature: 'valid', signer_fingerprint: reporter.fingerprint, reporter_key_fingerprint: reporter.fingerprint });
      const row = await rt.ctx.db.selectFrom('reports').select(['id', 'reporter_public_key_sealed']).where('tracking_id', '=', res.json().tracking_id).executeTakeFirstOrThrow();
      assert.doesNotMatch(Buffer.from(row.reporter_public_key_sealed!).toString('latin1'), /BEGIN PGP/);
      const key = await getReporterPublicKey(rt.ctx, row.id);
      assert.ok(key);
      assert.equal((await openpgp.readKey({ armoredKey: key })).getFingerprint().toUpperCase(), reporter.fingerprint);
    });

    test('an encrypted title longer than 200 characters once decrypted is refused like a plain one (400, field title)', async () => {
      const res = await post(validReport({ title: encrypt('t'.repeat(201)) }));
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json().problems, [{ field: 'title', message: 'must NOT have more than 200 characters (once decrypted)' }]);
    });

    test('a hidden recipient (gpg --throw-keyids) is tried against the project keys', async () => {
      const hidden = gpg.ok(['--armor', '--throw-keyids', '--encrypt', '-r', projectFpr], 'anonymous recipient\n');
      const res = await post(validReport({ description: hidden }));
      assert.equal(res.statusCode, 201, res.body);
      assert.equal((await detail(res.json().tracking_id)).body.description, 'anonymous recipient');
    });

    test('signed but no reporter key → unknown-key; signed by another key than the one supplied → unknown-key', async () => {
      const a = await post(validReport({ description: encrypt('signed, no key given\n', { signer: reporter.fingerprint }) }));
      assert.equal(a.statusCode, 201, a.body);
      assert.equal((await detail(a.json().tracking_id)).encryption.signature, 'unknown-key');
      const b = await post(validReport({ description: encrypt('signed by stranger\n', { signer: stranger.fingerprint }), reporter_public_key: reporter.publicKey }));
      assert.equal(b.statusCode, 201, b.body);
      const e = (await detail(b.json().tracking_id)).encryption;
      assert.equal(e.signature, 'unknown-key');
      assert.equal(e.signer_fingerprint, null);
    });

    test('a plain submission with a reporter key keeps the key; a key that cannot encrypt is refused per field (400)', async () => {
      const ok = await post(validReport({ reporter_public_key: reporter.publicKey }));
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal((await detail(ok.json().tracking_id)).encryption.reporter_key_fingerprint, reporter.fingerprint);
      gpg.ok(['--passphrase', '', '--quick-generate-key', 'Signer <signer@gpg.example>', 'ed25519', 'sign', 'never']);
      const signOnly = gpg.ok(['--armor', '--export', 'signer@gpg.example']);
      const before = await rowCounts(rt);
      const bad = await post(validReport({ reporter_public_key: signOnly }));
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().problems[0].field, 'reporter_public_key');
      assert.match(bad.json().problems[0].message, /no valid encryption/);
      const garbage = await post(validReport({ reporter_public_key: 'not a key' }));
      assert.equal(garbage.statusCode, 400);
      assert.equal(garbage.json().problems[0].field, 'reporter_public_key');
      assert.deepEqual(await rowCounts(rt), before, 'a refused key writes nothing');
      // The test clock started before gpg made the reporter keys (seconds "in the future"): tolerated skew.
      // A key from well beyond it is refused.
      const future = await generateProjectKey({ projectName: 'Future', email: 'future@example.org', now: new Date(rt.clock.now.getTime() + 10 * 60_000) });
      const late = await post(validReport({ reporter_public_key: future.publicKeyArmored }));
      assert.equal(late.statusCode, 400, late.body);
      assert.match(late.json().problems[0].message, /future/);
    });

    let wrongKeyItem = '';
    test('encrypted to a key the project does not have → 422 naming the field and key id; the request is quarantined, no report', async () => {
      const armored = encrypt('for someone else\n', { to: stranger.fingerprint });
      const reportsBefore = (await rowCounts(rt)).reports;
      const res = await post(validReport({ description: armored, reporter_email: 'ada@example.org' }));
      assert.equal(res.statusCode, 422, res.body);
      const body = res.json();
      assert.equal(body.error, 'pgp_rejected');
      assert.equal(body.pgp, 'wrong_key');
      assert.equal(body.problems[0].field, 'description');
      const subkeyId = /^sub:[^:]*:[^:]*:[^:]*:([0-9A-F]{16}):/m.exec(gpg.ok(['--with-colons', '--list-keys', stranger.fingerprint]))?.[1];
      assert.ok(subkeyId);
      assert.match(body.problems[0].message, new RegExp(`encrypted to a key this project does not have \\(key id ${subkeyId}\\)`));
      assert.match(body.quarantine_id, /^[0-9a-f-]{36}$/);
      assert.equal((await rowCounts(rt)).reports, reportsBefore, 'no report is created');
      wrongKeyItem = body.quarantine_id;

      const list = await rt.app.inject({ url: `${P}/quarantine`, headers: world.as('triager') });
      assert.equal(list.statusCode, 200);
      const item = (list.json().items as { id: string; reason_code: string; channel: string; sender: string; reason: string }[]).find((i) => i.id === wrongKeyItem);
      assert.ok(item, 'the item is listed');
      assert.equal(item.reason_code, 'wrong_key');
      assert.equal(item.channel, 'api');
      assert.equal(item.sender, 'ada@example.org');
      assert.match(item.reason, /description/);

      const read = await rt.app.inject({ url: `${P}/quarantine/${wrongKeyItem}`, headers: world.as('triager') });
      assert.equal(read.statusCode, 200);
      const raw = JSON.parse(Buffer.from(read.json().raw_base64, 'base64').toString('utf8'));
      assert.equal(raw.fields.description, armored, 'nothing lost: the armored text is kept as sent');
      const download = await rt.app.inject({ url: `${P}/quarantine/${wrongKeyItem}/raw`, headers: world.as('admin') });
      assert.equal(download.statusCode, 200);
      assert.match(download.headers['content-disposition'] as string, /^attachment; filename="quarantine-.*\.json"/);
      assert.equal(JSON.parse(download.body).fields.description, armored);
      // Sealed at rest.
      const row = await rt.ctx.db.selectFrom('quarantine').select('raw_sealed').where('id', '=', wrongKeyItem).executeTakeFirstOrThrow();
      assert.doesNotMatch(Buffer.from(row.raw_sealed).toString('latin1'), /BEGIN PGP MESSAGE/);
      const audit = await readAudit(rt.ctx.db, { limit: 10_000 });
      assert.ok(audit.some((a) => a.action === 'quarantine.added' && (a.data as { id?: string }).id === wrongKeyItem));
      assert.ok(audit.some((a) => a.action === 'quarantine.read' && (a.data as { id?: string }).id === wrongKeyItem));
    });

    test('garbage armor and a truncated message → 422 and quarantined with the reason', async () => {
      const garbage = await post(validReport({ description: '-----BEGIN PGP MESSAGE-----\n\nthis is !!! not base64\n-----END PGP MESSAGE-----\n' }));
      assert.equal(garbage.statusCode, 422, garbage.body);
      assert.ok(['bad_armor', 'malformed'].includes(garbage.json().pgp), garbage.body);
      assert.equal(garbage.json().problems[0].field, 'description');
      const full = encrypt('a long enough message to cut in half '.repeat(20));
      const lines = full.trimEnd().split('\n');
      const truncated = [...lines.slice(0, Math.floor(lines.length / 2)), '-----END PGP MESSAGE-----'].join('\n');
      const cut = await post(validReport({ steps_to_reproduce: truncated }));
      assert.equal(cut.statusCode, 422, cut.body);
      assert.equal(cut.json().problems[0].field, 'steps_to_reproduce');
      const ids = ((await rt.app.inject({ url: `${P}/quarantine`, headers: world.as('admin') })).json().items as { id: string }[]).map((i) => i.id);
      assert.ok(ids.includes(garbage.json().quarantine_id) && ids.includes(cut.json().quarantine_id));
    });

    test('a multipart web submission: encrypted description decrypted (source web); a failing one keeps its attachment in quarantine', async () => {
      const ok = await multipartBody(validReport({ description: encrypt('from the web form\n') }), [{ filename: 'poc.txt', data: Buffer.from('proof\n'), type: 'text/plain' }]);
      const res = await rt.app.inject({ method: 'POST', url: `${P}/reports`, ...ok });
      assert.equal(res.statusCode, 201, res.body);
      const d = await detail(res.json().tracking_id);
      assert.equal(d.body.description, 'from the web form');
      assert.equal(d.source, 'web');
      assert.equal(d.encryption.encrypted, true);

      const bad = await multipartBody(validReport({ description: encrypt('not for us\n', { to: stranger.fingerprint }) }), [{ filename: 'poc.txt', data: Buffer.from('keep me\n'), type: 'text/plain' }]);
      const refused = await rt.app.inject({ method: 'POST', url: `${P}/reports`, ...bad });
      assert.equal(refused.statusCode, 422, refused.body);
      const item = await rt.app.inject({ url: `${P}/quarantine/${refused.json().quarantine_id}`, headers: world.as('admin') });
      assert.equal(item.json().channel, 'web');
      const raw = JSON.parse(Buffer.from(item.json().raw_base64, 'base64').toString('utf8'));
      assert.equal(Buffer.from(raw.attachments[0].base64, 'base64').toString(), 'keep me\n');
    });

    test('after a rotation, a report encrypted to the old (retired) key still decrypts', async () => {
      const old = encrypt('encrypted before the rotation\n');
      assert.equal((await rt.app.inject({ method: 'POST', url: `${P}/keys/rotate`, headers: world.as('admin'), payload: {} })).statusCode, 201);
      const res = await post(validReport({ description: old }));
      assert.equal(res.statusCode, 201, res.body);
      assert.equal((await detail(res.json().tracking_id)).body.description, 'encrypted before the rotation');
      // And the wrong-key message names the new current key.
      const wrong = await post(validReport({ description: encrypt('x\n', { to: stranger.fingerprint }) }));
      const current = (await rt.app.inject({ url: P })).json().pgp_key.fingerprint as string;
      assert.notEqual(current, projectFpr);
      assert.match(wrong.json().message, new RegExp(current));
    });

    test('resolve: recorded once (409 after), listed under resolved, audited; a viewer cannot read the quarantine', async () => {
      assert.equal((await rt.app.inject({ url: `${P}/quarantine`, headers: world.as('viewer') })).statusCode, 403);
      const r = await rt.app.inject({ method: 'POST', url: `${P}/quarantine/${wrongKeyItem}/resolve`, headers: world.as('triager'), payload: { resolution: 'discarded' } });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().resolution, 'discarded');
      assert.ok(r.json().resolved_at);
      const again = await rt.app.inject({ method: 'POST', url: `${P}/quarantine/${wrongKeyItem}/resolve`, headers: world.as('triager'), payload: { resolution: 'released' } });
      assert.equal(again.statusCode, 409);
      const open = (await rt.app.inject({ url: `${P}/quarantine`, headers: world.as('triager') })).json().items as { id: string }[];
      assert.ok(!open.some((i) => i.id === wrongKeyItem));
      const resolved = (await rt.app.inject({ url: `${P}/quarantine?status=resolved`, headers: world.as('triager') })).json().items as { id: string }[];
      assert.deepEqual(resolved.map((i) => i.id), [wrongKeyItem]);
      const bad = await rt.app.inject({ method: 'POST', url: `${P}/quarantine/${wrongKeyItem}/resolve`, headers: world.as('triager'), payload: { resolution: 'eaten' } });
      assert.equal(bad.statusCode, 400);
      // Items of another project are not reachable through this one.
      const other = await rt.app.inject({ url: `/api/v1/projects/personal-chatter/quarantine/${wrongKeyItem}`, headers: world.as('siteAdmin') });
      assert.equal(other.statusCode, 404);
      const audit = await readAudit(rt.ctx.db, { limit: 10_000 });
      assert.ok(audit.some((a) => a.action === 'quarantine.resolved' && (a.data as { resolution?: string }).resolution === 'discarded'));
    });

    test('a project without a key refuses an encrypted submission (422, quarantined) instead of storing ciphertext', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/projects/personal-chatter/reports', payload: validReport({ description: encrypt('to privastream\n') }) });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.json().problems[0].message, /no OpenPGP key/);
    });
  });
}
