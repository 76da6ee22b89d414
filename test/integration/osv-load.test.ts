import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadOsvRecords, osvFiles } from '../../src/adapters/osv/load-osv-records.ts';
import { readOsvRecord } from '../../src/core/scanner/osv-record.ts';
import { isEcosystem, schemeFor } from '../../src/core/versions/ecosystems.ts';
import { compileRange, type OsvRange } from '../../src/core/versions/osv-range.ts';
import { zipEntries, zipSourceEntries } from '../../src/adapters/osv/zip-entries.ts';
import { isDomainError } from '../../src/core/errors.ts';
import { buildZip } from '../support/zip.ts';
import { ZipInflater } from '../../src/adapters/osv/zip-inflater.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const work = mkdtempSync(join(tmpdir(), 'embargo-osv-'));
after(() => rmSync(work, { recursive: true, force: true }));

const record = (id: string) => JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] }] }] });

describe('loading OSV records', () => {
  for (const zip64 of [false, true]) {
    test(`a ${zip64 ? 'ZIP64' : 'classic'} zip with stored and deflated entries; bad records reported, the rest kept`, async () => {
      const path = join(work, `osv-${zip64}.zip`);
      writeFileSync(path, buildZip([
        { name: 'PYSEC-1.json', text: record('PYSEC-1'), deflate: true },
        { name: 'PYSEC-2.json', text: record('PYSEC-2'), deflate: false },
        { name: 'broken.json', text: '{"id": ', deflate: true },
        { name: 'invalid.json', text: JSON.stringify({ id: 'PYSEC-3' }), deflate: true },
        { name: 'notes.txt', text: 'not a record', deflate: false },
      ], zip64));
      const load = await loadOsvRecords(path);
      assert.deepEqual(load.records.map((r) => r.id), ['PYSEC-1', 'PYSEC-2']);
      assert.deepEqual(load.rejected.map((r) => r.source), [`${path}:broken.json`, `${path}:invalid.json`]);
      assert.match(load.rejected[0]?.problems[0] ?? '', /^invalid JSON/);
      assert.deepEqual(load.rejected[1]?.problems, ['modified: missing or not an RFC 3339 UTC timestamp']);
    });
  }

  test('a folder is walked: loose records, nested folders and zips', async () => {
    const dir = join(work, 'db');
    mkdirSync(join(dir, 'PyPI'), { recursive: true });
    writeFileSync(join(dir, 'PyPI', 'PYSEC-4.json'), record('PYSEC-4'));
    writeFileSync(join(dir, 'more.zip'), buildZip([{ name: 'x/PYSEC-5.json', text: record('PYSEC-5'), deflate: true }], false));
    writeFileSync(join(dir, 'README.md'), '# not a record');
    const progress: number[] = [];
    const load = await loadOsvRecords(dir, { onProgress: (n) => progress.push(n), progressEvery: 1 });
    assert.deepEqual(load.records.map((r) => r.id).sort(), ['PYSEC-4', 'PYSEC-5']);
    assert.deepEqual(progress, [1, 2]);
  });

  test('the sample PyPI export: 2,661 records, the 8 that break the schema or PEP 440 skipped', async () => {
    const load = await loadOsvRecords(join(FIXTURES, 'osv-sample', 'PyPI.zip'));
    assert.equal(load.records.length, 2653);
    assert.deepEqual(load.rejected.map((r) => r.source.split(':').pop()).sort(), [
      'PYSEC-2017-27.json', 'PYSEC-2019-125.json', 'PYSEC-2019-155.json', 'PYSEC-2021-371.json', 'PYSEC-2021-424.json', 'PYSEC-2021-425.json', 'PYSEC-2021-436.json', 'PYSEC-2023-80.json',
    ]);
  });

  test('the schema check rejects a range exactly when compileRange cannot read it: every sample record, and broken copies', async () => {
    const unreadable = (json: Record<string, unknown>): string[] => {
      const out: string[] = [];
      for (const a of (json.affected as { package?: { ecosystem: string }; ranges?: OsvRange[] }[] | undefined) ?? []) {
        if (!a.package || !isEcosystem(a.package.ecosystem)) continue;
        for (const r of a.ranges ?? []) {
          const compiled = compileRange(r, schemeFor(a.package.ecosystem));
          if (compiled && 'unreadable' in compiled) out.push(compiled.unreadable);
        }
      }
      return out;
    };
    const rangeProblems = (json: unknown): string[] => {
      const reading = readOsvRecord(json);
      return 'problems' in reading ? reading.problems.filter((p) => / is not a (SemVer 2\.0\.0|PEP 440|Go|Cargo|npm)/.test(p)) : [];
    };
    let records = 0;
    let broken = 0;
    for await (const file of osvFiles(join(FIXTURES, 'osv-sample'))) {
      const json = JSON.parse(file.bytes.toString('utf8')) as Record<string, unknown>;
      records++;
      assert.equal(rangeProblems(json).length, unreadable(json).length, file.source);
      // A broken copy: the last event of every SEMVER/ECOSYSTEM range made unreadable (every 7th record, for time).
      if (records % 7) continue;
      const copy = structuredClone(json);
      let changed = false;
      for (const a of (copy.affected as { ranges?: { type: string; events: Record<string, string>[] }[] }[] | undefined) ?? []) {
        for (const r of a.ranges ?? []) {
          const last = r.events.at(-1);
          if (r.type === 'GIT' || !last) continue;
          const key = Object.keys(last)[0] as string;
          last[key] = `${last[key]} is not a version`;
          changed = true;
        }
      }
      if (!changed) continue;
      broken++;
      const expected = unreadable(copy);
      const problems = rangeProblems(copy);
      assert.equal(problems.length, expected.length, file.source);
      problems.forEach((p, i) => assert.ok(p.includes(`: ${JSON.stringify(expected[i])} is not a `), `${file.source}: ${p}`));
    }
    assert.equal(records, 10158);
    assert.ok(broken > 1000, `${broken} broken copies`);
  });

  test('a zip is read at positions: no read is larger than the end records, the directory or one entry', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({ name: `PYSEC-${i}.json`, text: JSON.stringify({ ...JSON.parse(record(`PYSEC-${i}`)), details: 'x'.repeat(20_000 + i) }), deflate: i % 2 === 0 }));
    for (const zip64 of [false, true]) {
      const zip = buildZip(entries, zip64);
      const reads: number[] = [];
      const source = { size: zip.length, read: (position: number, length: number) => (reads.push(length), zip.subarray(position, position + length)) };
      const texts = zipSourceEntries(source, 'big.zip').map((e) => e.read().toString('utf8'));
      assert.deepEqual(texts, entries.map((e) => e.text));
      const largestEntry = Math.max(...entries.map((e) => Buffer.byteLength(e.text)));
      // The tail read is at most 64 KiB + 22 bytes; here the whole (small) archive would be far more.
      assert.ok(zip.length > 10 * largestEntry);
      assert.ok(Math.max(...reads) <= Math.max(largestEntry, 22 + 0xffff), `largest read ${Math.max(...reads)} of an archive of ${zip.length}`);
    }
    // The loader goes through a file the same way.
    const path = join(work, 'big.zip');
    writeFileSync(path, buildZip(entries, true));
    let n = 0;
    for await (const f of osvFiles(path)) assert.equal(f.bytes.toString('utf8'), entries[n++]?.text);
    assert.equal(n, entries.length);
  });

  test('a large zip is inflated on a worker thread: the same bytes in the same order, damage reported as from the reading thread', async () => {
    // Over INFLATER_THRESHOLD of compressed bytes (stored entries count whole), so the worker does the inflating.
    const entries = Array.from({ length: 400 }, (_, i) => ({ name: `PYSEC-${i}.json`, text: JSON.stringify({ ...JSON.parse(record(`PYSEC-${i}`)), details: `${i} `.repeat(3000) }), deflate: i % 3 !== 0 }));
    for (const zip64 of [false, true]) {
      const path = join(work, `large-${zip64}.zip`);
      const bytes = buildZip(entries, zip64);
      writeFileSync(path, bytes);
      const read: string[] = [];
      for (const f of osvFiles(path)) read.push(f.bytes.toString('utf8'));
      assert.deepEqual(read, entries.map((e) => e.text));
      // Stopping early (a reader that fails) leaves nothing running, and the next read works.
      for (const f of osvFiles(path)) if (f.source.endsWith('PYSEC-3.json')) break;
      assert.equal([...osvFiles(path)].length, entries.length);
      // An entry's local header damaged: the worker's error, as a DomainError naming the archive.
      const broken = Buffer.from(bytes);
      broken.writeUInt32LE(0, bytes.indexOf('PK\x03\x04', bytes.length / 2, 'latin1'));
      writeFileSync(path, broken);
      assert.throws(() => [...osvFiles(path)], (e: unknown) => isDomainError(e) && e.message.startsWith(`${path}: not a readable zip archive (bad local header`));
    }
  });

  test('a reader that stops early lets the inflating thread stop on its own, never ended mid-entry', async () => {
    // Ending a thread while it builds a zlib stream aborts the whole process (Node: "close before init"), as a CI
    // run did. So an early stop asks the thread to stop and waits for it: it exits by itself, with code 0.
    const entries = Array.from({ length: 400 }, (_, i) => ({ name: `PYSEC-${i}.json`, text: `${i} `.repeat(3000), deflate: true }));
    const path = join(work, 'stop-early.zip');
    const bytes = buildZip(entries, false);
    writeFileSync(path, bytes);
    const inflater = new ZipInflater();
    const reading = inflater.inflate(path, zipEntries(bytes, path));
    assert.ok(reading);
    assert.equal(reading.next().value?.toString('utf8'), entries[0]?.text);
    reading.return(undefined);
    assert.equal(await inflater.stopped(), 0);
    // A finished session's idle thread stops on its own too.
    const again = new ZipInflater();
    assert.equal([...(again.inflate(path, zipEntries(bytes, path)) ?? [])].length, entries.length);
    again.close();
    assert.equal(await again.stopped(), 0);
  });

  test('a missing path and a file that is no zip are errors', async () => {
    await assert.rejects(loadOsvRecords(join(work, 'nope')), (e: unknown) => isDomainError(e) && e.code === 'not_found');
    assert.throws(() => zipEntries(Buffer.from('PK not really'), 'fake.zip'), (e: unknown) => isDomainError(e) && /fake.zip: not a readable zip archive/.test(e.message));
  });
});
