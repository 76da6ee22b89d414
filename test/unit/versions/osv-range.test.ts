import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { schemeFor } from '../../../src/core/versions/ecosystems.ts';
import { compileRange, matchAffected, type OsvAffectedVersions, type OsvRange } from '../../../src/core/versions/osv-range.ts';

const pypi = schemeFor('PyPI');
const npm = schemeFor('npm');
const ecosystem = (...events: OsvRange['events']): OsvRange => ({ type: 'ECOSYSTEM', events });
const semver = (...events: OsvRange['events']): OsvRange => ({ type: 'SEMVER', events });

type Case = [version: string, affected: boolean, fixed?: string[]];

function check(affected: OsvAffectedVersions, scheme: typeof pypi, cases: Case[]): void {
  for (const [version, expected, fixed] of cases) {
    const match = matchAffected(version, affected, scheme);
    assert.equal(match !== null, expected, `${version} affected: ${expected}`);
    if (fixed) assert.deepEqual(match?.fixed, fixed, `${version} fixed in`);
  }
}

describe('OSV ranges', () => {
  test('introduced 0 / fixed: everything below the fix', () => {
    check({ ranges: [ecosystem({ introduced: '0' }, { fixed: '3.7.4' })] }, pypi, [
      ['0.1', true, ['3.7.4']],
      ['3.7.4rc1', true],
      ['3.7.3.post1', true],
      ['3.7.4', false],
      ['3.7.4.post1', false],
      ['3.7.4.0', false],
    ]);
  });

  test('several introduced/fixed pairs: one interval per release line, each with its own fix', () => {
    const django = { ranges: [ecosystem({ introduced: '2.2' }, { fixed: '2.2.25' }, { introduced: '3.1' }, { fixed: '3.1.14' }, { introduced: '3.2' }, { fixed: '3.2.10' })] };
    check(django, pypi, [
      ['2.1.15', false],
      ['2.2', true, ['2.2.25']],
      ['2.2.16', true, ['2.2.25']],
      ['2.2.25', false],
      ['3.0.5', false],
      ['3.1.13', true, ['3.1.14']],
      ['3.2.9', true, ['3.2.10']],
      ['3.2.10', false],
      ['4.0', false],
    ]);
  });

  test('events are evaluated in version order, not in the order written', () => {
    const shuffled = { ranges: [ecosystem({ fixed: '3.1.14' }, { introduced: '3.1' }, { fixed: '2.2.25' }, { introduced: '2.2' })] };
    check(shuffled, pypi, [['2.2.16', true, ['2.2.25']], ['3.0', false], ['3.1.1', true, ['3.1.14']]]);
  });

  test('last_affected includes its own version; nothing is fixed', () => {
    check({ ranges: [ecosystem({ introduced: '0' }, { last_affected: '1.11.0' })] }, pypi, [
      ['1.11.0', true, []],
      ['1.11.0.post1', false],
      ['1.11.1.dev0', false],
      ['1.4', true],
    ]);
  });

  test('limit bounds the range from above; limit * is no bound', () => {
    const limited = { ranges: [semver({ introduced: '1.0.0' }, { limit: '2.0.0' })] };
    check(limited, npm, [['0.9.0', false], ['1.5.0', true, []], ['2.0.0', false], ['3.0.0', false]]);
    check({ ranges: [semver({ introduced: '1.0.0' }, { limit: '*' })] }, npm, [['3.0.0', true]]);
  });

  test('introduced without an end affects every later version, prereleases included', () => {
    check({ ranges: [semver({ introduced: '0.0.0-0' })] }, schemeFor('crates.io'), [['0.0.0', true], ['0.0.1-alpha', true], ['99.0.0', true]]);
    check({ ranges: [semver({ introduced: '1.95.6' }, { fixed: '1.95.8' })] }, npm, [['1.95.5', false], ['1.95.6', true, ['1.95.8']], ['1.95.7', true], ['1.95.8-rc.1', true], ['1.95.8', false]]);
  });

  test('an empty interval (introduced and fixed at one version) affects nothing', () => {
    check({ ranges: [ecosystem({ introduced: '1.0' }, { fixed: '1.0' })] }, pypi, [['1.0', false], ['0.9', false], ['1.1', false]]);
  });

  test('a repeated introduced inside an open interval does not restart it', () => {
    check({ ranges: [ecosystem({ introduced: '1.0' }, { introduced: '1.5' }, { fixed: '2.0' })] }, pypi, [['1.2', true, ['2.0']], ['1.7', true], ['2.0', false]]);
  });

  test('explicit versions match by the scheme\'s equality, then as text; the next fix above is reported', () => {
    const affected = { ranges: [{ type: 'GIT' as const, events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }], versions: ['2.0', '2.0.1', '0.1-bulbasaur'] };
    check(affected, pypi, [['2.0.0', true, []], ['2.0.1', true], ['0.1-bulbasaur', true], ['2.0.2', false]]);
    check({ ranges: [ecosystem({ introduced: '0' }, { fixed: '1.0' }, { introduced: '2.0' }, { fixed: '2.1' })], versions: ['1.5'] }, pypi, [['1.5', true, ['2.1']]]);
  });

  test('GIT ranges never decide, and neither does a version the scheme cannot read', () => {
    check({ ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }, pypi, [['1.0', false]]);
    check({ ranges: [ecosystem({ introduced: '0' })] }, pypi, [['not a version', false]]);
  });

  test('SEMVER ranges use SemVer 2.0.0 whatever the ecosystem; ECOSYSTEM ranges the ecosystem\'s own scheme', () => {
    // 1.0.0-rc1 is below 1.0.0 in both, but PEP 440 also reads "1.0" which SemVer does not.
    check({ ranges: [semver({ introduced: '0' }, { fixed: '1.0.0' })] }, pypi, [['1.0.0-rc1', true], ['1.0', false]]);
    check({ ranges: [ecosystem({ introduced: '0' }, { fixed: '1.0.0' })] }, pypi, [['1.0', false], ['1.0rc1', true]]);
  });

  test('compileRange names the first event the scheme cannot read', () => {
    assert.deepEqual(compileRange(ecosystem({ introduced: '0' }, { fixed: '2019-09-12' }), pypi), { unreadable: '2019-09-12' });
    assert.equal(compileRange({ type: 'GIT', events: [{ introduced: '0' }] }, pypi), null);
  });
});
