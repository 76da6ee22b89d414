import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameVersions, parseFixture } from './fixtures.ts';

describe('package-lock.json', () => {
  test('v3 (documenso): registry packages under node_modules, deduplicated; workspaces and links are the project itself', () => {
    const lock = parseFixture('lockfiles/documenso-2023-12/package-lock.json');
    assert.equal(lock.format, 'package-lock.json');
    assert.equal(lock.packages.length, 1434);
    assert.deepEqual(lock.unchecked, []);
    // Workspace folders and their node_modules links are the project itself; @documenso/nodemailer-resend is a registry package.
    assert.deepEqual(lock.packages.filter((p) => p.name.startsWith('@documenso/')).map((p) => p.name), ['@documenso/nodemailer-resend']);
    // An npm alias (`string-width-cjs` → string-width) is checked under the package it installs.
    assert.ok(nameVersions(lock).includes('string-width@4.2.3'));
    assert.ok(!lock.packages.some((p) => p.name === 'string-width-cjs'));
    const typesNode = lock.packages.find((p) => p.name === '@types/node' && p.version === '20.1.0');
    assert.equal(typesNode?.line, 68);
  });

  test('v2: `packages` wins over the v1 tree it also carries; nested copies count once per version', () => {
    const lock = parseFixture('synthetic/package-lock-v2/package-lock.json');
    assert.deepEqual(nameVersions(lock), ['@babel/core@7.12.3', 'semver@5.7.1', 'semver@6.3.0', 'semver@7.3.2', 'wrap-ansi@7.0.0']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason, u.line]), [['forked-lib', 'non-registry', 35]]);
  });

  test('v1: nested `dependencies`, aliases resolved, git dependencies unchecked, file: folders skipped', () => {
    const lock = parseFixture('synthetic/package-lock-v1/package-lock.json');
    assert.deepEqual(nameVersions(lock), ['lodash@4.17.15', 'minimist@0.0.8', 'minimist@1.2.0', 'mkdirp@0.5.1', 'string-width@4.2.3']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason]), [['forked-lib', 'non-registry']]);
  });
});

describe('yarn.lock', () => {
  test('v1 (outline): one package per entry', () => {
    const lock = parseFixture('lockfiles/outline-2021-04/yarn.lock');
    assert.equal(lock.format, 'yarn.lock v1');
    assert.equal(lock.packages.length, 1918);
    const codeFrame = lock.packages.find((p) => p.name === '@babel/code-frame');
    assert.deepEqual([codeFrame?.version, codeFrame?.line], ['7.10.4', 27]);
  });

  test('berry: resolutions decide the package and where it comes from', () => {
    const lock = parseFixture('synthetic/yarn-berry/yarn.lock');
    assert.equal(lock.format, 'yarn.lock berry');
    assert.deepEqual(nameVersions(lock), ['@babel/code-frame@7.10.4', 'fsevents@2.3.2', 'lodash@4.17.15', 'string-width@4.2.3']);
    assert.deepEqual(lock.unchecked.map((u) => [u.name, u.reason, u.line]), [['forked-lib', 'non-registry', 39]]);
  });
});

describe('pnpm-lock.yaml', () => {
  test('v9 (kysely): every `packages` key, peers and links aside', () => {
    const lock = parseFixture('lockfiles/kysely-HEAD/pnpm-lock.yaml');
    assert.equal(lock.format, 'pnpm-lock.yaml');
    assert.equal(lock.packages.length, 1684);
    assert.deepEqual(lock.unchecked, []);
    const matter = lock.packages.find((p) => p.name === '@11ty/gray-matter');
    assert.deepEqual([matter?.version, matter?.line], ['1.0.0', 219]);
  });

  test('v6 keys `/name@version(peer)` and v5 keys `/name/version_peer`', () => {
    assert.deepEqual(nameVersions(parseFixture('synthetic/pnpm-v6/pnpm-lock.yaml')), ['@types/node@20.1.0', 'react-dom@17.0.2', 'react@17.0.2']);
    const v5 = parseFixture('synthetic/pnpm-v5/pnpm-lock.yaml');
    assert.deepEqual(nameVersions(v5), ['@babel/core@7.12.3', 'loose-envify@1.4.0', 'react-dom@17.0.2']);
    assert.deepEqual(v5.unchecked.map((u) => [u.name, u.reason]), [['forked-lib', 'non-registry']]);
  });
});
