import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKUP_FORMAT, BACKUP_VERSION, checkManifest, countMismatches } from '../../../src/core/backup/manifest.ts';
import { readTar, writeTar } from '../../../src/adapters/archive/tar.ts';

const KNOWN = ['0001-initial', '0002-sessions'];
const valid = {
  format: BACKUP_FORMAT,
  version: BACKUP_VERSION,
  created_at: '2026-12-02T10:00:00.000Z',
  engine: 'pglite',
  database_format: 'pglite-datadir-tgz',
  database_file: 'database.tar.gz',
  last_migration: '0002-sessions',
  counts: { reports: 3, audit_log: 9 },
  audit_head: { seq: 9, hash: 'ab' },
  key_ids: ['k1'],
  includes_keys: false,
};

describe('backup manifest', () => {
  test('a valid manifest passes', () => {
    const { manifest, problems } = checkManifest(valid, KNOWN);
    assert.deepEqual(problems, []);
    assert.equal(manifest?.last_migration, '0002-sessions');
  });

  test('each problem is named: wrong format, a migration this version does not know, bad counts', () => {
    const { manifest, problems } = checkManifest({ ...valid, format: 'other', last_migration: '0099-future', counts: { reports: 'x' } }, KNOWN);
    assert.equal(manifest, null);
    assert.deepEqual(problems.map((p) => p.field).sort(), ['counts', 'format', 'last_migration']);
    assert.match(problems.find((p) => p.field === 'last_migration')?.message ?? '', /0099-future is not a migration this version knows/);
    assert.deepEqual(checkManifest('[]', KNOWN).problems.map((p) => p.field), ['manifest']);
  });

  test('count mismatches list each table', () => {
    assert.deepEqual(countMismatches({ reports: 3, audit_log: 9 }, { reports: 3, audit_log: 8 }), ['audit_log: manifest 9, restored 8']);
    assert.deepEqual(countMismatches({ gone: 1 }, {}), ['gone: manifest 1, restored missing']);
  });
});

describe('tar archive', () => {
  test('what writeTar writes, readTar reads back, long names included', () => {
    const long = `attachments/${'d'.repeat(90)}/${'f'.repeat(60)}`;
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}\n') },
      { name: 'empty', data: Buffer.alloc(0) },
      { name: long, data: Buffer.alloc(1500, 7) },
    ];
    const tar = writeTar(entries);
    assert.equal(tar.length % 512, 0);
    const files = readTar(tar);
    assert.deepEqual([...files.keys()], ['manifest.json', 'empty', long]);
    assert.deepEqual(files.get(long), Buffer.alloc(1500, 7));
    assert.equal(String(files.get('manifest.json')), '{"a":1}\n');
  });

  test('a damaged or truncated archive throws', () => {
    const tar = writeTar([{ name: 'x', data: Buffer.alloc(2000, 1) }]);
    const bad = Buffer.from(tar);
    bad[10] = 0x41;
    assert.throws(() => readTar(bad), /checksum/);
    assert.throws(() => readTar(tar.subarray(0, 1024)), /truncated/);
  });
});
