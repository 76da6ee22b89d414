import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { isDomainError } from '../../../src/core/errors.ts';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';
import { FIXTURES, nameVersions, parseFixture } from './fixtures.ts';

describe('requirements.txt', () => {
  test('awx: 131 pins with `# via` comments and extras', () => {
    const lock = parseFixture('lockfiles/awx-2021-02/requirements.txt');
    assert.equal(lock.packages.length, 131);
    assert.deepEqual(lock.unchecked, []);
    assert.ok(nameVersions(lock).includes('twisted@20.3.0'));
    assert.equal(lock.packages.find((p) => p.name === 'setuptools')?.line, 134);
  });

  test('redash: `-r` includes are read beside the including file; unpinned lines are reported as such', () => {
    const lock = parseFixture('lockfiles/redash-2019-09/requirements.txt');
    assert.equal(lock.packages.length, 57);
    assert.ok(lock.packages.some((p) => p.name === 'pathlib2' && p.file.endsWith('requirements_bundles.txt') && p.line === 9));
    assert.deepEqual(
      lock.unchecked.map((u) => [u.name, u.reason, u.line]),
      [['requests-oauthlib', 'unpinned', 14], ['disposable-email-domains', 'unpinned', 59], ['importlib-metadata', 'unpinned', 7]],
    );
    // `# ldap3==2.2.4` is a comment.
    assert.ok(!lock.packages.some((p) => p.name === 'ldap3'));
  });

  test('hashes on continuation lines, extras, markers, ===, options, editables and URLs', () => {
    const lock = parseFixture('synthetic/requirements-includes/requirements.txt');
    assert.deepEqual(nameVersions(lock), ['Django@2.2.16', 'PyYAML@5.3.1', 'requests@2.23.0', 'six@1.14.0', 'urllib3@1.25.8']);
    assert.equal(lock.packages.find((p) => p.name === 'Django')?.line, 5);
    assert.deepEqual(
      lock.unchecked.map((u) => [u.name, u.reason]),
      [['flask', 'unpinned'], ['celery', 'unpinned'], ['forked-lib', 'non-registry'], ['https://files.example.com/packages/vendored-1.0.tar.gz', 'non-registry']],
    );
  });

  test('a missing include is an error at the -r line', () => {
    const file = join(FIXTURES, 'requirements.txt');
    assert.throws(() => parseLockfile(file, 'six==1.0\n-r missing.txt\n', () => null), (e: unknown) => isDomainError(e) && e.message === `${file}:2: cannot read included requirements file ${join(FIXTURES, 'missing.txt')}`);
  });
});

describe('poetry.lock', () => {
  test('osv.dev: 56 packages from PyPI', () => {
    const lock = parseFixture('lockfiles/osvdev-2024-07/poetry.lock');
    assert.equal(lock.format, 'poetry.lock');
    assert.equal(lock.packages.length, 56);
    assert.deepEqual(lock.packages.find((p) => p.name === 'zipp'), { ecosystem: 'PyPI', name: 'zipp', version: '3.19.2', line: 1323, file: join(FIXTURES, 'lockfiles/osvdev-2024-07/poetry.lock') });
  });

  test('sources: another index counts as PyPI, git is unchecked, a directory is the project itself', () => {
    const lock = parseFixture('synthetic/poetry-sources/poetry.lock');
    assert.deepEqual(nameVersions(lock), ['Django@3.2.9', 'internal-tools@0.4.0']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason, u.line]), [['forked-lib', 'non-registry', 29]]);
  });
});

describe('Pipfile.lock', () => {
  test('default and develop pins; git unchecked; editable path skipped', () => {
    const lock = parseFixture('synthetic/pipfile/Pipfile.lock');
    assert.equal(lock.format, 'Pipfile.lock');
    assert.deepEqual(nameVersions(lock), ['django@2.2.16', 'py@1.11.0', 'pyyaml@5.3.1']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason]), [['forked-lib', 'non-registry']]);
  });
});
