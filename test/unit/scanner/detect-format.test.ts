import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectFormat, isLockfileName } from '../../../src/core/scanner/detect-format.ts';
import type { LockfileFormat } from '../../../src/core/scanner/types.ts';
import { fixtureText } from './fixtures.ts';

describe('lockfile format detection', () => {
  const byName: [string, LockfileFormat][] = [
    ['a/package-lock.json', 'package-lock.json'],
    ['npm-shrinkwrap.json', 'package-lock.json'],
    ['pnpm-lock.yaml', 'pnpm-lock.yaml'],
    ['poetry.lock', 'poetry.lock'],
    ['Pipfile.lock', 'Pipfile.lock'],
    ['Cargo.lock', 'Cargo.lock'],
    ['go.mod', 'go.mod'],
    ['go.sum', 'go.sum'],
    ['requirements.txt', 'requirements.txt'],
    ['requirements-dev.txt', 'requirements.txt'],
    ['C:\\src\\requirements_prod.txt', 'requirements.txt'],
  ];
  for (const [name, format] of byName) test(`${name} by its name`, () => assert.equal(detectFormat(name, ''), format));

  test('yarn.lock by its content: berry has __metadata', () => {
    assert.equal(detectFormat('yarn.lock', fixtureText('lockfiles/outline-2021-04/yarn.lock')), 'yarn.lock v1');
    assert.equal(detectFormat('yarn.lock', fixtureText('synthetic/yarn-berry/yarn.lock')), 'yarn.lock berry');
  });

  const byContent: [string, LockfileFormat][] = [
    ['lockfiles/documenso-2023-12/package-lock.json', 'package-lock.json'],
    ['lockfiles/outline-2021-04/yarn.lock', 'yarn.lock v1'],
    ['synthetic/yarn-berry/yarn.lock', 'yarn.lock berry'],
    ['lockfiles/kysely-HEAD/pnpm-lock.yaml', 'pnpm-lock.yaml'],
    ['lockfiles/awx-2021-02/requirements.txt', 'requirements.txt'],
    ['lockfiles/osvdev-2024-07/poetry.lock', 'poetry.lock'],
    ['synthetic/pipfile/Pipfile.lock', 'Pipfile.lock'],
    ['lockfiles/nushell-2021/Cargo.lock', 'Cargo.lock'],
    ['lockfiles/osv-scanner-2022/go.mod', 'go.mod'],
    ['lockfiles/osv-scanner-2022/go.sum', 'go.sum'],
  ];
  for (const [fixture, format] of byContent) {
    test(`a renamed copy of ${fixture} by its content`, () => assert.equal(detectFormat('renamed.lock', fixtureText(fixture)), format));
  }

  test('nothing recognisable: null', () => {
    assert.equal(detectFormat('README.md', '# Hello\n'), null);
    assert.equal(detectFormat('data.json', '{"a": 1}'), null);
  });

  test('folder walks pick standard names only', () => {
    assert.ok(isLockfileName('x/requirements-test.txt'));
    assert.ok(isLockfileName('Cargo.lock'));
    assert.ok(!isLockfileName('package.json'));
    assert.ok(!isLockfileName('notes.txt'));
  });
});
