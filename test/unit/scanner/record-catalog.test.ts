import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildAdvisoryIndex } from '../../../src/core/scanner/advisory-index.ts';
import { readOsvKeys, readOsvRecord, type OsvRecord } from '../../../src/core/scanner/osv-record.ts';
import { indexCatalog, type CatalogPart } from '../../../src/core/scanner/record-catalog.ts';
import { ECOSYSTEMS, type Ecosystem } from '../../../src/core/versions/ecosystems.ts';
import { rawRecord } from './osv-fixtures.ts';

/** A catalog part over parsed records, as the loader builds one (entries that fail `readOsvKeys` rejected). */
function part(jsons: unknown[]): CatalogPart {
  const ids: string[] = [];
  const modified: string[] = [];
  const withdrawn = new Set<number>();
  const packages = new Map<string, number[]>();
  const rejected: { at: number; source: string; problems: string[] }[] = [];
  jsons.forEach((json, n) => {
    const keys = readOsvKeys(json);
    if (!keys) {
      ids.push('');
      modified.push('');
      rejected.push({ at: n, source: `#${n}`, problems: ['light check'] });
      return;
    }
    ids.push(keys.id);
    modified.push(keys.modified);
    if (keys.withdrawn) withdrawn.add(n);
    for (const k of keys.packages) packages.set(k, [...(packages.get(k) ?? []), n]);
  });
  return { ids, modified, withdrawn: (n) => withdrawn.has(n), naming: (k) => packages.get(k) ?? [], source: (n) => `#${n}`, json: (n) => jsons[n], rejected, ecosystems: new Set([...packages.keys()].map((k) => k.split('\0')[0] as string)) };
}

const ids = readdirSync(join(import.meta.dirname, '..', '..', 'fixtures', 'scanner', 'records')).map((f) => f.replace(/\.json$/, ''));
const names = (records: unknown[]): [Ecosystem, string][] => {
  const out: [Ecosystem, string][] = [];
  for (const r of records as { affected?: { package?: { ecosystem: string; name: string } }[] }[]) {
    for (const a of r.affected ?? []) if (a.package && (ECOSYSTEMS as readonly string[]).includes(a.package.ecosystem)) out.push([a.package.ecosystem as Ecosystem, a.package.name]);
  }
  return out;
};
/** What a lookup answers, comparably: record id, modified and the affected entry's package. */
const answer = (entries: readonly { record: OsvRecord; affected: OsvRecord['affected'][number] }[]) => entries.map((e) => `${e.record.id} ${e.record.modified} ${e.affected.package?.name}`);

describe('the catalog index answers as the index of checked records, checking only what lookups need', () => {
  test('over every fixture record, with later and broken copies and the parts split anyhow', () => {
    const originals = ids.map((id) => rawRecord(id));
    // A later copy of django's advisory (a different summary), a broken later copy of py's (an older good one
    // must win), a withdrawn later copy of aiohttp's, and an earlier copy of failure's that the original beats.
    const later = { ...rawRecord('PYSEC-2021-439'), modified: '2030-01-01T00:00:00Z', summary: 'later copy' };
    const brokenLater = { ...rawRecord('PYSEC-2022-42969'), modified: '2030-01-01T00:00:00Z', affected: 'not a list' };
    const withdrawnLater = { ...rawRecord('PYSEC-2021-76'), modified: '2030-01-01T00:00:00Z', withdrawn: '2030-01-01T00:00:00Z' };
    const earlier = { ...rawRecord('RUSTSEC-2019-0036'), modified: '2000-01-01T00:00:00Z', summary: 'earlier copy' };
    const notJson = 'not a record';
    const all: unknown[] = [...originals, later, brokenLater, withdrawnLater, earlier, notJson];
    const expected = buildAdvisoryIndex(all.flatMap((j) => {
      const r = readOsvRecord(j);
      return 'record' in r ? [r.record] : [];
    }));
    for (const split of [[all], [all.slice(0, 7), all.slice(7)], [all.slice(0, 3), all.slice(3, 15), all.slice(15)]]) {
      const index = indexCatalog(split.map(part));
      for (const [ecosystem, name] of names(all)) assert.deepEqual(answer(index.lookup(ecosystem, name)), answer(expected.lookup(ecosystem, name)), `${ecosystem} ${name}`);
      assert.ok(answer(index.lookup('PyPI', 'Django')).includes('PYSEC-2021-439 2030-01-01T00:00:00Z django'));
      // aiohttp: one advisory withdrawn by its later copy, the other withdrawn itself.
      assert.deepEqual(answer(index.lookup('PyPI', 'aiohttp')), []);
      // py: the later copy breaks the schema, so the stored one stands.
      assert.deepEqual(answer(index.lookup('PyPI', 'py')), [`PYSEC-2022-42969 ${rawRecord('PYSEC-2022-42969').modified as string} py`]);
    }
  });

  test('records are checked against the schema only when a lookup needs them; the broken ones it meets are reported', () => {
    const broken = rawRecord('PYSEC-2019-125');
    let parsed = 0;
    const base = part([rawRecord('PYSEC-2021-439'), broken, rawRecord('GO-2020-0008'), 'junk']);
    const counting: CatalogPart = { ...base, json: (n) => (parsed++, base.json(n)) };
    const index = indexCatalog([counting]);
    assert.equal(parsed, 0);
    assert.deepEqual(index.rejected().map((r) => r.source), ['#3']);
    index.lookup('PyPI', 'django');
    assert.equal(parsed, 1);
    index.lookup('PyPI', 'django');
    assert.equal(parsed, 1, 'answers are kept');
    assert.deepEqual(index.lookup('PyPI', 'steam'), []);
    assert.deepEqual(index.rejected().map((r) => [r.source, r.problems.join('; ')]), [['#1', 'affected[0].ranges[0]: "2019-09-12" is not a PEP 440 version'], ['#3', 'light check']]);
    // Counted by the light check: the broken record's id and modified time are fine.
    assert.equal(index.records, 3);
  });
});
