import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDomainError } from '../../../src/core/errors.ts';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';

/** [file name, content, line the error must name, what the message must say]. */
type Case = [string, string, number, RegExp];

const cases: Case[] = [
  ['package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {\n      "version": "1.0.0",\n    }\n  }\n}\n', 6, /invalid JSON/],
  ['package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {\n      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"\n    }\n  }\n}\n', 4, /"node_modules\/a"\] has no version/],
  ['package-lock.json', '', 1, /invalid JSON: Unexpected end/],
  ['package-lock.json', '[1, 2]\n', 1, /expected a JSON object/],
  ['npm-shrinkwrap.json', '{\n  "name": "x"\n}\n', 1, /not a package-lock/],
  ['yarn.lock', '# yarn lockfile v1\n\n"a@^1.0.0":\n  version "1.0.0"\n\nb@^2.0.0:\n  resolved "https://registry.yarnpkg.com/b/-/b-2.0.0.tgz"\n', 6, /entry b@\^2.0.0 has no version/],
  ['yarn.lock', '# yarn lockfile v1\n\na@^1.0.0\n  version "1.0.0"\n', 3, /expected an entry header/],
  ['yarn.lock', '__metadata:\n  version: 6\n\n"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0\n', 6, /invalid YAML/],
  ['yarn.lock', '__metadata:\n  version: 6\n\n"a@npm:^1.0.0":\n  version: 1.0.0\n', 4, /needs a version and a resolution/],
  ['pnpm-lock.yaml', "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n\n  b:\n    resolution: {integrity: sha512-y}\n", 8, /cannot tell the package and version of "b"/],
  ['pnpm-lock.yaml', "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: [unclosed\n  b@1.0.0: x\n", 5, /invalid YAML: Flow sequence/],
  ['pnpm-lock.yaml', 'importers: {}\n', 1, /no lockfileVersion/],
  ['requirements.txt', 'flask==1.0\ndjango=2.0\n', 2, /cannot read version specifier "=2.0" of django/],
  ['requirements.txt', 'flask==one.two\n', 1, /flask==one.two: not a PEP 440 version/],
  ['requirements-dev.txt', '# tools\n--frobnicate\n', 2, /unknown option --frobnicate/],
  ['requirements.txt', 'six==1.0\n-r\n', 2, /-r needs a file name/],
  ['poetry.lock', '[[package]]\nname = "a"\nversion = "1.0"\n\n[[package]]\nname = "b"\n', 5, /needs a name and a version/],
  ['poetry.lock', '[[package]]\nname = "a\nversion = "1.0"\n', 2, /invalid TOML: newline in a one-line string/],
  ['Pipfile.lock', '{\n  "_meta": {},\n  "default": {\n    "a": {\n      "hashes": []\n    }\n  }\n}\n', 4, /default\["a"\] has no version, git, file or path/],
  ['Cargo.lock', '[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum =\n', 5, /expected a value/],
  ['Cargo.lock', '[[package]]\nname = "a"\nname = "b"\n', 3, /duplicate key name/],
  ['go.mod', 'module x\n\ngo 1.19\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d\n)\n', 7, /require needs a module path and a version/],
  ['go.mod', 'module x\nrequire github.com/a/b 1.0.0\n', 2, /"1.0.0" is not a module version/],
  ['go.mod', 'module x\nrequire (\n\tgithub.com/a/b v1.0.0\n', 2, /require \( block is not closed/],
  ['go.mod', 'module x\nrequires github.com/a/b v1.0.0\n', 2, /unknown directive "requires"/],
  ['go.mod', 'module x\nreplace github.com/a/b => github.com/c/d\n', 2, /replacement module needs a version/],
  ['go.sum', 'github.com/a/b v1.0.0 h1:abc=\ngithub.com/a/b v1.0.0\n', 2, /expected `module version h1:hash`/],
  ['notes.txt', 'hello world\n', 1, /not a lockfile format Embargo reads/],
];

describe('a malformed lockfile is an error naming file and line, never an empty result', () => {
  for (const [name, content, line, message] of cases) {
    test(`${name}:${line} ${message.source}`, () => {
      const file = `project/${name}`;
      assert.throws(
        () => parseLockfile(file, content, () => null),
        (e: unknown) => {
          assert.ok(isDomainError(e), `a DomainError, got ${String(e)}`);
          assert.equal(e.code, 'validation');
          assert.ok(e.message.startsWith(`${file}:${line}: `), `"${e.message}" should start with ${file}:${line}:`);
          assert.match(e.message, message);
          assert.deepEqual(e.details.problems, [{ field: file, message: e.message.slice(`${file}:${line}: `.length), line }]);
          return true;
        },
      );
    });
  }
});

describe('empty but valid lockfiles have no packages', () => {
  for (const name of ['requirements.txt', 'yarn.lock', 'Cargo.lock', 'go.sum', 'poetry.lock']) {
    test(name, () => assert.deepEqual(parseLockfile(name, '', () => null).packages, []));
  }
});
