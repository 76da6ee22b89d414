import { after, before, describe, test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureBuilt } from '../../scripts/dist-stamp.mjs';
import assert from 'node:assert/strict';
import { readTar, writeTar } from '../../src/adapters/archive/tar.ts';
import { importProject } from '../../src/services/portability/import.ts';
import { createUser } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/tokens.ts';
import type { ProjectExport } from '../../src/services/portability/format.ts';
import { advisoryContent } from '../support/advisory-fixtures.ts';
import { ENGINES, startTestRuntime, tempDir, type TestServer } from '../support/harness.ts';
import { REPO, seedWorld, validReport, type World } from '../support/fixtures.ts';
import { multipartBody } from '../support/multipart.ts';
import { runEmbargo, type CliRun } from '../support/cli-process.ts';

/**
 * A project admin exports privastream in clear (issue 21); another instance imports it under the same tracking IDs,
 * sealed under its own key, and serves the reports, threads, attachments and advisories; a second import clashes.
 */
const P = '/api/v1/projects/privastream';
const POC = Buffer.from('curl http://target/models?name=../../etc/passwd\n');

/** The installed CLI against a server's API; async, so the in-process server answers meanwhile. */
const embargo = (args: string[], env: Record<string, string>): Promise<CliRun> => runEmbargo(args, env);

async function listen(rt: TestServer): Promise<string> {
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`;
}

for (const engine of ENGINES) {
  describe(`project export and import on ${engine.name}`, () => {
    let source: TestServer;
    let target: TestServer;
    let world: World;
    let adminHeaders: Record<string, string>;
    before(async () => {
      [source, target] = await Promise.all([startTestRuntime(engine), startTestRuntime(engine)]);
      world = await seedWorld(source);
      // The target has a site admin of its own and no project yet.
      const admin = await createUser(target.ctx, { email: 'root@example.net', name: 'Root', password: 'correct horse battery staple', siteAdmin: true }, 'test');
      adminHeaders = { authorization: `Bearer ${(await createApiToken(target.ctx, admin, 'test')).token}` };
    });
    after(async () => {
      await source?.close();
      await target?.close();
    });

    test('export in clear, audited; import keeps tracking IDs, re-seals and serves everything; a second import clashes', async () => {
      const mp = await multipartBody(validReport({ title: 'Exported report' }), [{ filename: 'poc.txt', data: POC, type: 'text/plain' }]);
      const made = await source.app.inject({ method: 'POST', url: `${P}/reports`, ...mp });
      assert.equal(made.statusCode, 201, made.body);
      const { tracking_id: trackingId } = made.json() as { tracking_id: string };
      const reply = await source.app.inject({ method: 'POST', url: `${P}/reports/${trackingId}/messages`, headers: world.as('admin'), payload: { body: 'Thanks, we reproduced it.' } });
      assert.equal(reply.statusCode, 201, reply.body);
      const adv = await source.app.inject({ method: 'POST', url: `${P}/advisories`, headers: world.as('admin'), payload: advisoryContent() });
      assert.equal(adv.statusCode, 201, adv.body);

      assert.equal((await source.app.inject({ url: `${P}/export`, headers: world.as('triager') })).statusCode, 403);
      const res = await source.app.inject({ url: `${P}/export`, headers: world.as('admin') });
      assert.equal(res.statusCode, 200, res.body);
      const archive = res.rawPayload;
      const files = readTar(archive);
      const doc = JSON.parse(String(files.get('export.json'))) as ProjectExport;
      assert.equal(doc.format, 'embargo-project-export');
      const report = doc.tables.reports?.find((r) => r.tracking_id === trackingId);
      assert.equal(report?.title, 'Exported report', 'titles are in clear');
      assert.equal((report?.body as { description?: string }).description, validReport().description);
      assert.ok(!('title_sealed' in (report ?? {})), 'no sealed column leaves');
      const attachment = doc.tables.attachments?.[0];
      assert.deepEqual(files.get(String(attachment?.file)), POC);
      assert.ok(doc.tables.messages?.some((m) => m.body === 'Thanks, we reproduced it.'));
      assert.equal(doc.tables.advisories?.length, 1);
      assert.ok(doc.audit.length > 0);
      const audited = await source.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'project.exported').execute();
      assert.equal(audited.length, 1);

      await assert.rejects(importProject(target.ctx, { siteAdmin: false }, 'test', archive), /site administrators/);
      const done = await importProject(target.ctx, { siteAdmin: true }, 'test', archive);
      assert.equal(done.slug, 'privastream');
      assert.equal(done.counts.reports, doc.tables.reports?.length);

      const sa = adminHeaders;
      const detail = await target.app.inject({ url: `${P}/reports/${trackingId}`, headers: sa });
      assert.equal(detail.statusCode, 200, detail.body);
      const d = detail.json() as { title: string; attachments: Array<{ id: string }>; thread?: unknown; messages?: Array<{ body: string }> };
      assert.equal(d.title, 'Exported report');
      const file = await target.app.inject({ url: `${P}/reports/${trackingId}/attachments/${d.attachments[0]?.id}`, headers: sa });
      assert.equal(file.statusCode, 200);
      assert.deepEqual(file.rawPayload, POC);
      assert.match(detail.body, /Thanks, we reproduced it\./);
      const advisories = await target.app.inject({ url: `${P}/advisories`, headers: sa });
      assert.equal(advisories.statusCode, 200, advisories.body);
      assert.equal((advisories.json() as { advisories: unknown[] }).advisories.length, 1);
      const queue = await target.app.inject({ url: `${P}/reports`, headers: sa });
      assert.equal(queue.statusCode, 200, queue.body);
      // The target's own chain records the import and still verifies.
      const verify = await target.app.inject({ url: '/api/v1/audit/verify?full=true', headers: sa });
      assert.equal((verify.json() as { ok: boolean }).ok, true, verify.body);

      await assert.rejects(importProject(target.ctx, { siteAdmin: true }, 'test', archive), /already has the project privastream/);
      // Over HTTP the same: a clash is 409 and nothing is written.
      const again = await target.app.inject({ method: 'POST', url: '/api/v1/admin/projects/import', headers: { ...sa, 'content-type': 'application/x-tar' }, payload: archive });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal((await target.ctx.db.selectFrom('projects').select('slug').execute()).length, 1);
    });

    test('an archive whose rows point into another project is refused, and nothing is written', async () => {
      // The target holds privastream (the test before). An export of personal-chatter, edited to reach into it.
      const res = await source.app.inject({ url: '/api/v1/projects/personal-chatter/export', headers: world.as('siteAdmin') });
      assert.equal(res.statusCode, 200, res.body);
      const files = readTar(res.rawPayload);
      const original = JSON.parse(String(files.get('export.json'))) as ProjectExport;
      const victim = await target.ctx.db.selectFrom('reports').innerJoin('projects', 'projects.id', 'reports.project_id').select(['reports.id', 'reports.project_id']).where('projects.slug', '=', 'privastream').executeTakeFirstOrThrow();
      const pcReport = await source.app.inject({ method: 'POST', url: '/api/v1/projects/personal-chatter/reports', payload: validReport({ title: 'Chatter report', affected_version: '0.2.1' }) });
      assert.equal(pcReport.statusCode, 201, pcReport.body);
      const withReport = readTar((await source.app.inject({ url: '/api/v1/projects/personal-chatter/export', headers: world.as('siteAdmin') })).rawPayload);
      const doc = JSON.parse(String(withReport.get('export.json'))) as ProjectExport;
      const ownReport = doc.tables.reports?.[0] ?? assert.fail('the export has a report');
      const edits: Array<[string, (d: ProjectExport) => void]> = [
        ['a report filed under another project', (d) => void ((d.tables.reports as Array<Record<string, unknown>>)[0]!.project_id = victim.project_id)],
        ['a message added to another project\'s report', (d) => void (d.tables.messages ??= []).push({ id: '00000000-0000-4000-8000-00000000beef', report_id: victim.id, author_kind: 'maintainer', internal: false, created_at: '2026-03-01T00:00:00Z', body: 'Injected' })],
        ['an event on another project\'s report', (d) => void (d.tables.report_events ??= []).push({ report_id: victim.id, at: '2026-03-01T00:00:00Z', kind: 'state', data: { from: 'new', to: 'rejected' }, actor: 'x' })],
        ['a report that reuses another report\'s id', (d) => void ((d.tables.reports as Array<Record<string, unknown>>)[0]!.id = victim.id)],
      ];
      assert.ok(original.tables && ownReport.id);
      const before = await target.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      for (const [what, edit] of edits) {
        const copy = JSON.parse(JSON.stringify(doc)) as ProjectExport;
        edit(copy);
        const archive = writeTar([...withReport].map(([name, data]) => ({ name, data: name === 'export.json' ? Buffer.from(JSON.stringify(copy)) : data })));
        const answer = await target.app.inject({ method: 'POST', url: '/api/v1/admin/projects/import', headers: { ...adminHeaders, 'content-type': 'application/x-tar' }, payload: archive });
        assert.equal(answer.statusCode, 400, `${what}: ${answer.body}`);
      }
      assert.deepEqual((await target.ctx.db.selectFrom('projects').select('slug').execute()).map((p) => p.slug), ['privastream'], 'nothing imported');
      const messages = await target.ctx.db.selectFrom('messages').select('id').where('report_id', '=', victim.id).execute();
      assert.ok(!messages.some((m) => m.id === '00000000-0000-4000-8000-00000000beef'), 'no message slipped in');
      const after = await target.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'no import audited');
    });

    test('the CLI exports through the API, encrypted, and imports into a third instance through its API', async () => {
      ensureBuilt(['app'], { quiet: true });
      const dir = tempDir('embargo-export-cli-');
      const third = await startTestRuntime(engine);
      try {
        const root = await createUser(third.ctx, { email: 'root@example.com', name: 'Root', password: 'correct horse battery staple', siteAdmin: true }, 'test');
        const rootToken = (await createApiToken(third.ctx, root, 'test')).token;
        const adminToken = world.tokens.admin;
        const file = join(dir, 'privastream.tar.pgp');
        writeFileSync(join(dir, 'pass'), 'export passphrase 123\n');
        const exported = await embargo(['project', 'export', 'privastream', '--out', file, '--passphrase-file', join(dir, 'pass')], { EMBARGO_URL: await listen(source), EMBARGO_TOKEN: adminToken });
        assert.equal(exported.code, 0, exported.stderr);
        assert.match(exported.stdout, /encrypted/);
        assert.notEqual(readFileSync(file).subarray(257, 262).toString('latin1'), 'ustar', 'the file is not a clear tar');
        const imported = await embargo(['project', 'import', file, '--passphrase-file', join(dir, 'pass')], { EMBARGO_URL: await listen(third), EMBARGO_TOKEN: rootToken });
        assert.equal(imported.code, 0, imported.stderr);
        assert.match(imported.stdout, /imported project privastream/);
        const reports = await third.ctx.db.selectFrom('reports').select('tracking_id').execute();
        const sourceReports = await source.ctx.db.selectFrom('reports').innerJoin('projects', 'projects.id', 'reports.project_id').select('reports.tracking_id').where('projects.slug', '=', 'privastream').execute();
        assert.deepEqual(reports.map((r) => r.tracking_id).sort(), sourceReports.map((r) => r.tracking_id).sort());
      } finally {
        await third.close();
      }
    });
  });
}
