import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readOsvRecord } from '../../../src/core/scanner/osv-record.ts';
import { rawRecord, record } from './osv-fixtures.ts';

const problemsOf = (json: unknown): string[] => {
  const reading = readOsvRecord(json);
  return 'problems' in reading ? reading.problems : [];
};

describe('OSV record validation', () => {
  test('keeps what matching needs from a real record', () => {
    const aiohttp = record('PYSEC-2021-76');
    assert.equal(aiohttp.id, 'PYSEC-2021-76');
    assert.deepEqual(aiohttp.aliases, ['CVE-2021-21330', 'GHSA-v6wp-4m6f-gcjg']);
    assert.deepEqual(aiohttp.affected[0]?.package, { ecosystem: 'PyPI', name: 'aiohttp' });
    assert.deepEqual(aiohttp.affected[0]?.ranges.map((r) => r.type), ['GIT', 'ECOSYSTEM']);
    assert.equal(aiohttp.affected[0]?.versions.length, 210);
  });

  test('every fixture record but the broken ones passes', () => {
    for (const id of ['RUSTSEC-2020-0071', 'RUSTSEC-2022-0013', 'GO-2020-0008', 'GO-2026-5024', 'MAL-2022-1003', 'MAL-2024-11183', 'PYSEC-2021-439', 'PYSEC-2022-42969', 'PYSEC-2022-43059', 'RUSTSEC-2019-0036', 'RUSTSEC-2020-0036', 'RUSTSEC-2023-0003', 'RUSTSEC-2024-0445']) {
      assert.deepEqual(problemsOf(rawRecord(id)), [], id);
    }
  });

  test('upstream records that break the schema: a GIT event that is not a full commit hash', () => {
    assert.deepEqual(problemsOf(rawRecord('PYSEC-2017-27')), ['affected[0].ranges[0].events[1].fixed: "b27f38a67573f4c989710c9bfb726dd4c1eeb929.patch" is not a full commit hash']);
  });

  test('beyond the schema: an ECOSYSTEM event the ecosystem cannot order', () => {
    assert.deepEqual(problemsOf(rawRecord('PYSEC-2019-125')), ['affected[0].ranges[0]: "2019-09-12" is not a PEP 440 version']);
  });

  const broken: [string, (r: Record<string, unknown>) => void, string][] = [
    ['no id', (r) => delete r.id, 'id: missing or not an identifier'],
    ['no modified', (r) => delete r.modified, 'modified: missing or not an RFC 3339 UTC timestamp'],
    ['a bad withdrawn', (r) => (r.withdrawn = 'yesterday'), 'withdrawn: missing or not an RFC 3339 UTC timestamp'],
    ['an unknown field', (r) => (r.severity_score = 9), 'severity_score: not an OSV field'],
    ['aliases not strings', (r) => (r.aliases = [1]), 'aliases: not a list of strings'],
    ['an unknown ecosystem', (r) => ((r.affected as { package: { ecosystem: string } }[])[0]!.package.ecosystem = 'Pypi'), 'affected[0].package: needs a name and a known ecosystem'],
    ['a range without introduced', (r) => ((r.affected as { ranges: unknown[] }[])[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ fixed: '1.0' }] }]), 'affected[0].ranges[0].events: must contain an introduced event'],
    ['an event with two keys', (r) => ((r.affected as { ranges: unknown[] }[])[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { introduced: '1.0', fixed: '1.1' }] }]), 'affected[0].ranges[0].events[1]: needs exactly one of introduced, fixed, last_affected, limit'],
    ['fixed with last_affected', (r) => ((r.affected as { ranges: unknown[] }[])[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }, { last_affected: '0.9' }] }]), 'affected[0].ranges[0].events: fixed and last_affected are mutually exclusive'],
    ['a GIT range without repo', (r) => ((r.affected as { ranges: unknown[] }[])[0]!.ranges = [{ type: 'GIT', events: [{ introduced: '0' }] }]), 'affected[0].ranges[0].repo: GIT ranges require a repo'],
    ['an unknown range type', (r) => ((r.affected as { ranges: unknown[] }[])[0]!.ranges = [{ type: 'DATE', events: [{ introduced: '0' }] }]), 'affected[0].ranges[0]: needs a type of GIT, SEMVER or ECOSYSTEM'],
    ['a bad CVSS vector', (r) => (r.severity = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:X' }]), 'severity[0].score: not a CVSS_V3 vector'],
    ['severity on both levels', (r) => {
      r.severity = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
      (r.affected as Record<string, unknown>[])[0]!.severity = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
    }, 'affected[0].severity: not allowed when the record has a top-level severity'],
  ];
  for (const [what, change, problem] of broken) {
    test(`rejects ${what}`, () => {
      const json = rawRecord('PYSEC-2021-439');
      change(json);
      assert.deepEqual(problemsOf(json), [problem]);
    });
  }

  test('not an object at all', () => assert.deepEqual(problemsOf([1]), ['record: not a JSON object']));
});
