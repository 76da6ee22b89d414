import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameVersions, parseFixture } from './fixtures.ts';

describe('Cargo.lock', () => {
  test('nushell: 651 crates.io packages; the 36 workspace crates (no source) are the project itself', () => {
    const lock = parseFixture('lockfiles/nushell-2021/Cargo.lock');
    assert.equal(lock.format, 'Cargo.lock');
    assert.equal(lock.packages.length, 651);
    assert.ok(!lock.packages.some((p) => p.name === 'nu-cli'));
    assert.equal(lock.packages.find((p) => p.name === 'adler')?.line, 22);
  });

  test('v1 with [metadata]: git sources and other registries are not crates.io releases', () => {
    const lock = parseFixture('synthetic/cargo-v1/Cargo.lock');
    assert.deepEqual(nameVersions(lock), ['libgit2-sys@0.12.19+1.1.0']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason]), [['forked', 'non-registry'], ['private-crate', 'non-registry']]);
  });
});

describe('go.mod and go.sum', () => {
  test('osv-scanner go.mod: both require blocks, versions without the v', () => {
    const lock = parseFixture('lockfiles/osv-scanner-2022/go.mod');
    assert.equal(lock.packages.length, 18);
    const sys = lock.packages.find((p) => p.name === 'golang.org/x/sys');
    assert.deepEqual([sys?.version, sys?.line], ['0.3.0', 26]);
    assert.ok(nameVersions(lock).includes('golang.org/x/exp@0.0.0-20221212164502-fae10dda9338'));
  });

  test('replace: a module replacement is checked as the replacement (a versioned one first), a local folder not at all', () => {
    const lock = parseFixture('synthetic/go-replace/go.mod');
    assert.deepEqual(nameVersions(lock), [
      'github.com/docker/docker@20.10.7+incompatible',
      'github.com/gorilla/websocket@1.5.0',
      'github.com/new/module@1.1.0',
      'golang.org/x/crypto@0.0.0-20200622213623-75b288015ac9',
      'golang.org/x/text@0.3.5',
    ]);
  });

  test('osv-scanner go.sum: modules whose code was downloaded, /go.mod-only lines skipped', () => {
    const lock = parseFixture('lockfiles/osv-scanner-2022/go.sum');
    assert.equal(lock.packages.length, 24);
    assert.ok(!lock.packages.some((p) => p.name === 'github.com/pkg/profile'), 'only its go.mod was read');
    assert.ok(nameVersions(lock).includes('github.com/stretchr/testify@1.8.0'));
  });
});
