import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseLockfileCached } from '../../src/adapters/lockfiles/parse-cache.ts';
import { osvFiles } from '../../src/adapters/osv/load-osv-records.ts';
import { openLocalOsv } from '../../src/adapters/osv/local-osv.ts';
import { CacheFile, partIndexJson } from '../../src/adapters/osv/osv-cache.ts';
import { ecosystemOfName } from '../../src/adapters/osv/osv-source.ts';
import { runScan } from '../../src/cli/commands/scan.ts';
import { findVulnerabilities } from '../../src/core/scanner/find-vulnerabilities.ts';
import type { LockedPackage } from '../../src/core/scanner/types.ts';
import { buildZip } from '../support/zip.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scanner');
const RECORDS = join(FIXTURES, 'records');
const work = mkdtempSync(join(tmpdir(), 'embargo-osv-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

const pkg = (ecosystem: LockedPackage['ecosystem'], name: string, version: string): LockedPackage => ({ ecosystem, name, version, file: 'test' });
const DJANGO = pkg('PyPI', 'django', '2.2.16');
const FAILURE = pkg('crates.io', 'failure', '0.1.8');

/** A source in osv.dev's layout: one folder per ecosystem, and a folder whose name says nothing. */
function makeSource(name: string): string {
  const dir = join(work, name);
  const put = (folder: string, ids: string[]) => {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const id of ids) copyFileSync(join(RECORDS, `${id}.json`), join(dir, folder, `${id}.json`));
  };
  put('PyPI', ['PYSEC-2021-439', 'PYSEC-2022-42969', 'PYSEC-2021-76']);
  put('crates.io', ['RUSTSEC-2019-0036', 'RUSTSEC-2020-0036', 'RUSTSEC-2020-0071']);
  put('Go', ['GO-2020-0008']);
  put('misc', ['MAL-2022-1003']);
  return dir;
}

/** `openLocalOsv` counting the records it reads whole from the source (a cache hit reads none that way). */
function open(source: string, cache: string | undefined, packages: LockedPackage[]) {
  let read = 0;
  const warnings: string[] = [];
  const index = openLocalOsv(source, { packages, version: 'test', ...(cache ? { cache } : {}), progressEvery: 1, onProgress: () => void read++, onWarning: (w) => warnings.push(w) });
  const findings = findVulnerabilities(packages, index).map((f) => f.id);
  return { read, warnings, findings, records: index.records, rejected: index.rejected() };
}

/** Replaces a file the way git, rsync and unzip do: a new file renamed over the old one. */
function replace(path: string, content: string): void {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

describe('the local OSV cache: fingerprint without a stat per record', () => {
  test('only the ecosystems the lockfiles need are read; the cache grows part by part', () => {
    const source = makeSource('lazy');
    const cache = join(work, 'lazy.cache');
    // PyPI packages only: PyPI/ (3 records) and misc/ (1, its name says no ecosystem); not crates.io/ nor Go/.
    const python = open(source, cache, [DJANGO]);
    assert.equal(python.read, 4);
    assert.deepEqual(python.findings, ['PYSEC-2021-439']);
    assert.equal(python.records, 4);
    assert.equal(open(source, cache, [DJANGO]).read, 0);
    // A Rust package too: only crates.io/ is read from the source, PyPI/ and misc/ come from the cache.
    const both = open(source, cache, [DJANGO, FAILURE]);
    assert.equal(both.read, 3);
    assert.deepEqual(both.findings, ['PYSEC-2021-439', 'RUSTSEC-2019-0036']);
    assert.equal(open(source, cache, [DJANGO, FAILURE]).read, 0);
    // Without a cache, the same answer.
    assert.deepEqual(open(source, undefined, [DJANGO, FAILURE]).findings, both.findings);
  });

  test('the cache stamps folders and zips, never record files', () => {
    const source = makeSource('stamps');
    const cache = join(work, 'stamps.cache');
    open(source, cache, [DJANGO, FAILURE]);
    const file = CacheFile.open(cache);
    assert.ok(file);
    const stamped = file.header.parts.flatMap((p) => p.stamps.map(([path]) => path)).sort();
    file.close();
    assert.deepEqual(stamped, ['PyPI', 'crates.io', 'misc']);
  });

  test('a record file replaced, added or removed in a folder makes that folder read again, and only it', () => {
    const source = makeSource('changes');
    const cache = join(work, 'changes.cache');
    assert.deepEqual(open(source, cache, [DJANGO, FAILURE]).findings, ['PYSEC-2021-439', 'RUSTSEC-2019-0036']);
    // Replaced: django's advisory withdrawn.
    const django = join(source, 'PyPI', 'PYSEC-2021-439.json');
    const record = JSON.parse(readFileSync(django, 'utf8')) as Record<string, unknown>;
    replace(django, JSON.stringify({ ...record, withdrawn: '2030-01-01T00:00:00Z' }));
    const withdrawn = open(source, cache, [DJANGO, FAILURE]);
    assert.equal(withdrawn.read, 3, 'PyPI/ alone is read again');
    assert.deepEqual(withdrawn.findings, ['RUSTSEC-2019-0036']);
    assert.equal(open(source, cache, [DJANGO, FAILURE]).read, 0);
    // Removed: failure's merged advisory loses one of its two records.
    unlinkSync(join(source, 'crates.io', 'RUSTSEC-2019-0036.json'));
    const removed = open(source, cache, [DJANGO, FAILURE]);
    assert.equal(removed.read, 2, 'crates.io/ alone, now 2 records');
    assert.deepEqual(removed.findings, ['RUSTSEC-2020-0036']);
    // Added back.
    copyFileSync(join(RECORDS, 'RUSTSEC-2019-0036.json'), join(source, 'crates.io', 'RUSTSEC-2019-0036.json'));
    const added = open(source, cache, [DJANGO, FAILURE]);
    assert.equal(added.read, 3);
    assert.deepEqual(added.findings, ['RUSTSEC-2019-0036']);
  });

  test('a record a scan reads, edited in place with its size and time kept, is seen by its CRC-32', () => {
    const source = makeSource('in-place');
    const cache = join(work, 'in-place.cache');
    const file = join(source, 'PyPI', 'PYSEC-2021-439.json');
    const time = new Date('2024-01-01T00:00:00Z');
    utimesSync(file, time, time);
    assert.deepEqual(open(source, cache, [DJANGO]).findings, ['PYSEC-2021-439']);
    const text = readFileSync(file, 'utf8');
    // Same length, now broken: `modified` misspelt.
    writeFileSync(file, text.replace('"modified"', '"modifieD"'));
    utimesSync(file, time, time);
    assert.equal(statSync(file).size, Buffer.byteLength(text));
    const again = open(source, cache, [DJANGO]);
    assert.equal(again.read, 3, 'PyPI/ alone is read again');
    assert.deepEqual(again.findings, []);
    assert.match(again.rejected[0]?.problems.join('; ') ?? '', /modified: missing or not an RFC 3339 UTC timestamp/);
  });

  test('a zip rewritten in place is seen by its stamp', () => {
    const source = join(work, 'zips');
    mkdirSync(source);
    const zip = join(source, 'PyPI.zip');
    const entry = (id: string) => ({ name: `${id}.json`, text: readFileSync(join(RECORDS, `${id}.json`), 'utf8'), deflate: true });
    writeFileSync(zip, buildZip([entry('PYSEC-2022-42969')], false));
    const cache = join(work, 'zips.cache');
    assert.deepEqual(open(source, cache, [DJANGO]).findings, []);
    assert.equal(open(source, cache, [DJANGO]).read, 0);
    writeFileSync(zip, buildZip([entry('PYSEC-2022-42969'), entry('PYSEC-2021-439')], false));
    const after = open(source, cache, [DJANGO]);
    assert.equal(after.read, 2);
    assert.deepEqual(after.findings, ['PYSEC-2021-439']);
  });

  test('part names: ecosystems as osv.dev and the sample name their folders and zips', () => {
    assert.deepEqual(['PyPI', 'PyPI.zip', 'npm-MAL.zip', 'crates.io', 'crates.io.zip', 'Debian:11', 'pypi', 'GitHub Actions', 'all.zip', 'Golang', 'misc'].map(ecosystemOfName), [
      'PyPI', 'PyPI', 'npm', 'crates.io', 'crates.io', 'Debian', 'PyPI', 'GitHub Actions', null, null, null,
    ]);
  });
});

describe('the cache file holds each part index as JSON', () => {
  test('written from the loader\'s map, byte for byte what JSON.stringify gives for the index with packages as an object', () => {
    const packages = new Map<string, number[]>([
      ['PyPI\0django', [0, 2]],
      ['npm\0@scope/a"b\\c', [1]],
      ['npm\0__proto__', [3]],
      ['Go\0\u2028é', [2, 3, 4]],
    ]);
    const index = { ids: ['A', '', 'C', 'D', 'E'], modified: ['2024-01-01T00:00:00Z', '', 'x', 'y', 'z'], withdrawn: [4], names: ['', 'sub/b.json', '', '', ''], checks: [1, 2, 0, 0, 3, 4, 5, 6, 7, 8], zips: [-1, 0, 0, 0, 10, 20, 8, 30], rejected: [{ at: 1, problems: ['invalid JSON: "x"'] }] };
    const { ids, modified, withdrawn, names, checks, zips, rejected } = index;
    // The order the index has always been written in.
    const expected = JSON.stringify({ ids, modified, withdrawn, names, checks, zips, packages: Object.fromEntries(packages), rejected });
    assert.equal(partIndexJson(index, packages).toString('utf8'), expected);
    assert.deepEqual(JSON.parse(expected).packages['npm\0__proto__'], [3]);
    assert.equal(partIndexJson({ ...index, rejected: [] }, new Map()).toString('utf8'), JSON.stringify({ ids, modified, withdrawn, names, checks, zips, packages: {}, rejected: [] }));
  });
});

describe('zips are read as folders are', () => {
  const sample = join(FIXTURES, 'osv-sample');
  const lockfiles = join(FIXTURES, 'lockfiles');

  /** The sample zips unpacked: `<ecosystem>/<entry>`, and osv.dev's `<ecosystem>/all.zip` layout. */
  const unpacked = join(work, 'unpacked');
  const osvDev = join(work, 'osv-dev');
  for (const zip of readdirSync(sample).filter((n) => n.endsWith('.zip'))) {
    const ecosystem = zip.replace(/\.zip$/, '');
    mkdirSync(join(unpacked, ecosystem), { recursive: true });
    for (const f of osvFiles(join(sample, zip))) writeFileSync(join(unpacked, ecosystem, f.source.split(':').pop() as string), f.bytes);
    mkdirSync(join(osvDev, ecosystem), { recursive: true });
    copyFileSync(join(sample, zip), join(osvDev, ecosystem, 'all.zip'));
  }

  const scan = async (osv: string, cache?: string) => {
    const out: string[] = [];
    const code = await runScan([lockfiles], { osv, format: 'json', ...(cache ? { cache } : {}) }, { out: (t) => out.push(t), err: () => {} });
    const report = JSON.parse(out.join('\n')) as { osv: { records: number; rejected: unknown[] }; lockfiles: unknown[] };
    return { code, records: report.osv.records, rejected: report.osv.rejected.length, lockfiles: JSON.stringify(report.lockfiles) };
  };

  test('the same findings, counts and output from zips, unpacked folders and osv.dev all.zip folders, cold and warm', async () => {
    const fromZips = await scan(sample);
    assert.equal(fromZips.records, 10118);
    for (const [osv, name] of [[sample, 'zips'], [unpacked, 'folders'], [osvDev, 'osv-dev']] as const) {
      const cache = join(work, `parity-${name}.cache`);
      assert.deepEqual(await scan(osv), fromZips, `${name}, no cache`);
      assert.deepEqual(await scan(osv, cache), fromZips, `${name}, cold`);
      assert.deepEqual(await scan(osv, cache), fromZips, `${name}, warm`);
    }
  });
});

describe('parsed lockfiles cached by content', () => {
  const dir = join(work, 'lockfile-cache');
  const readFile = (p: string): string | null => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  };

  test('the same content is not parsed again; other content is', () => {
    const file = join(FIXTURES, 'lockfiles', 'nushell-2021', 'Cargo.lock');
    const text = readFileSync(file, 'utf8');
    const first = parseLockfileCached(file, text, readFile, dir, 'v1');
    assert.equal(first.packages.length, 651);
    const [entry] = readdirSync(dir);
    assert.ok(entry);
    // Prove the next answer comes from the entry: one package renamed in it, with its checksum line rewritten.
    const stored = readFileSync(join(dir, entry), 'utf8');
    const body = stored.slice(stored.indexOf('\n') + 1).replace('"name":"adler32"', '"name":"from-the-cache"');
    writeFileSync(join(dir, entry), `EMBARGO-LOCKFILE-CACHE 1 ${createHash('sha256').update(body).digest('hex')}\n${body}`);
    assert.ok(parseLockfileCached(file, text, readFile, dir, 'v1').packages.some((p) => p.name === 'from-the-cache'));
    // Another version of Embargo, or other content: parsed.
    assert.ok(!parseLockfileCached(file, text, readFile, dir, 'v2').packages.some((p) => p.name === 'from-the-cache'));
    assert.equal(parseLockfileCached(file, text.replace(/\n$/, '\n\n'), readFile, dir, 'v1').packages.length, 651);
  });

  test('a damaged entry is parsed again, silently; an entry whose includes changed too', () => {
    const main = join(work, 'req', 'requirements.txt');
    mkdirSync(join(work, 'req'), { recursive: true });
    writeFileSync(main, 'flask==1.0\n-r base.txt\n');
    writeFileSync(join(work, 'req', 'base.txt'), 'django==2.2.16\n');
    const names = (t: string) => parseLockfileCached(main, t, readFile, dir, 'v1').packages.map((p) => p.name);
    const text = readFileSync(main, 'utf8');
    assert.deepEqual(names(text), ['flask', 'django']);
    // The include changes, the lockfile does not: parsed again.
    writeFileSync(join(work, 'req', 'base.txt'), 'django==3.2.0\nrequests==2.0.0\n');
    assert.deepEqual(names(text), ['flask', 'django', 'requests']);
    for (const entry of readdirSync(dir)) writeFileSync(join(dir, entry), readFileSync(join(dir, entry), 'utf8').replace('flask', 'flasq'));
    assert.deepEqual(names(text), ['flask', 'django', 'requests']);
  });

  test('scan runs keep parsed lockfiles beside the OSV cache; cold and warm output are identical', async () => {
    const cache = join(work, 'with-lockfiles', 'osv.cache');
    const run = async () => {
      const out: string[] = [];
      await runScan([join(FIXTURES, 'lockfiles')], { osv: join(FIXTURES, 'osv-sample'), format: 'sarif', cache }, { out: (t) => out.push(t), err: () => {} });
      return out.join('\n');
    };
    const cold = await run();
    assert.ok(readdirSync(join(work, 'with-lockfiles', 'lockfiles')).length >= 10);
    assert.equal(await run(), cold);
  });
});
