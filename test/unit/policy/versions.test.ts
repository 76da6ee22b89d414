import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyVersion, extractVersion } from '../../../src/core/policy/versions.ts';
import { matchesVersion, parseVersionMatch } from '../../../src/core/policy/version-match.ts';
import { compareSemver, parseSemver } from '../../../src/core/policy/semver.ts';
import { loadExample, type ExampleName } from './examples.ts';

type Case = [ExampleName, string, 'supported' | 'limited' | 'unsupported' | 'unknown', string?];

const cases: Case[] = [
  // 000: 1.0.x supported, < 1.0 not
  ['privastream', '1.0.3', 'supported', '1.0.x'],
  ['privastream', 'v1.0.0', 'supported', '1.0.x'],
  ['privastream', '1.0', 'supported', '1.0.x'],
  ['privastream', '1.0.0-beta.1', 'supported', '1.0.x'],
  ['privastream', 'PrivaStream 1.0.2 on Docker', 'supported', '1.0.x'],
  ['privastream', 'version 1.0.7', 'supported', '1.0.x'],
  ['privastream', '0.9.1', 'unsupported', '< 1.0'],
  ['privastream', '0.1.9', 'unsupported', '< 1.0'],
  ['privastream', '1.1.0', 'unknown'],
  ['privastream', 'main', 'unknown'],
  ['privastream', 'latest', 'unknown'],
  ['privastream', '', 'unknown'],
  ['privastream', 'upgraded 0.9.0 to 1.0.1', 'unknown'],
  // 001: 0.2.x supported, 0.1.x limited, < 0.1 not
  ['personal-chatter', '0.2.5', 'supported', '0.2.x'],
  ['personal-chatter', 'v0.2.0', 'supported', '0.2.x'],
  ['personal-chatter', '0.1.9', 'limited', '0.1.x'],
  ['personal-chatter', '0.1', 'limited', '0.1.x'],
  ['personal-chatter', '0.0.3', 'unsupported', '< 0.1'],
  ['personal-chatter', '0.3.0', 'unknown'],
  ['personal-chatter', '1.0.0', 'unknown'],
  // 002: 1.x.x supported, < 1.0 not
  ['blayzen', '1.2.0', 'supported', '1.x.x'],
  ['blayzen', 'V1.9.9', 'supported', '1.x.x'],
  ['blayzen', '1', 'supported', '1.x.x'],
  ['blayzen', '0.9.0', 'unsupported', '< 1.0'],
  ['blayzen', '1.0.0-rc.1', 'supported', '1.x.x'],
  ['blayzen', '2.0.0', 'unknown'],
  ['blayzen', '2.0.0-beta.1', 'unknown'],
  // 003: 0.3.x supported, < 0.3 not
  ['mini-biai-1', '0.3.1', 'supported', '0.3.x'],
  ['mini-biai-1', '0.3.0-rc.1', 'supported', '0.3.x'],
  ['mini-biai-1', '0.2.9', 'unsupported', '< 0.3'],
  ['mini-biai-1', '0.3', 'supported', '0.3.x'],
  ['mini-biai-1', '0', 'unknown'],
  ['mini-biai-1', '0.4.0', 'unknown'],
  // 004: main and v1.x.x supported, < 1.0 not
  ['taehv', 'main', 'supported', 'main'],
  ['taehv', 'Main', 'supported', 'main'],
  ['taehv', 'main @ 3f2a1c9', 'supported', 'main'],
  ['taehv', 'mainline', 'unknown'],
  ['taehv', 'v1.2.0', 'supported', 'v1.x.x'],
  ['taehv', '1.0', 'supported', 'v1.x.x'],
  ['taehv', '0.9', 'unsupported', '< 1.0'],
  ['taehv', '2.0.0-beta.1', 'unknown'],
  ['taehv', 'develop', 'unknown'],
];

for (const [policy, text, status, matched] of cases) {
  test(`${policy}: "${text}" is ${status}`, () => {
    assert.deepEqual(classifyVersion(loadExample(policy), text), matched ? { status, matched } : { status });
  });
}

test('the first matching row wins', () => {
  const policy = {
    supported_versions: [
      { label: 'LTS', match: '>=1.0.0 <1.1.0', status: 'supported' as const },
      { label: '1.x', status: 'limited' as const },
    ],
  };
  assert.deepEqual(classifyVersion(policy, '1.0.4'), { status: 'supported', matched: 'LTS' });
  assert.deepEqual(classifyVersion(policy, '1.3.0'), { status: 'limited', matched: '1.x' });
});

const expressions: [string, string, boolean][] = [
  ['>=1.0.0 <1.1.0', '1.0.5', true],
  ['>=1.0.0 <1.1.0', '1.1.0', false],
  ['>=1.0.0 <1.1.0', '0.9.9', false],
  ['<0.1', '0.0.9', true],
  ['< 0.1', '0.1.0', false],
  ['<=1.0', '1.0.7', true],
  ['<=1.0', '1.1.0', false],
  ['>1.0', '1.0.9', false],
  ['>1.0', '1.1.0', true],
  ['=1.2', '1.2.4', true],
  ['1.2.3', '1.2.3', true],
  ['1.2.3', 'v1.2.3', true],
  ['1.2.3', '1.2.4', false],
  ['1.2.3-rc.1', '1.2.3-rc.1', true],
  ['*', '7.1.0', true],
  ['1.x', '1.4.2', true],
  ['1.*', '2.0.0', false],
  ['main || develop', 'develop', true],
  ['0.1.x || 0.2.x', '0.2.1', true],
  ['release/1.0', 'release/1.0', true],
  ['<1.0.0', '1.0.0-alpha', true],
];

for (const [expression, version, expected] of expressions) {
  test(`"${expression}" ${expected ? 'matches' : 'does not match'} ${version}`, () => {
    const matcher = parseVersionMatch(expression);
    assert.ok(matcher, expression);
    assert.equal(matchesVersion(matcher, version, extractVersion(version)), expected);
  });
}

for (const bad of ['', '1.x.3', 'Latest release', '>= abc', '1.0 ||', '1.0-beta']) {
  test(`"${bad}" is not a match expression`, () => {
    assert.equal(parseVersionMatch(bad), null);
  });
}

test('SemVer precedence follows the specification examples', () => {
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1'];
  for (let i = 1; i < ordered.length; i++) {
    const a = parseSemver(ordered[i - 1] ?? '');
    const b = parseSemver(ordered[i] ?? '');
    assert.ok(a && b);
    assert.equal(compareSemver(a, b), -1, `${ordered[i - 1]} < ${ordered[i]}`);
    assert.equal(compareSemver(b, a), 1);
  }
  assert.equal(compareSemver(parseSemver('1.0.0+build.5')!, parseSemver('1.0.0')!), 0);
});
