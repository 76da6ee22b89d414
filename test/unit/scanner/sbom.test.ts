import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { isDomainError } from '../../../src/core/errors.ts';
import { detectFormat } from '../../../src/core/scanner/detect-format.ts';
import { parseLockfile } from '../../../src/core/scanner/parse-lockfile.ts';
import { parsePurl, purlPackage } from '../../../src/core/scanner/purl.ts';
import { MAX_SBOM_COMPONENTS, MAX_SBOM_DEPTH } from '../../../src/core/scanner/sbom.ts';
import { normalisePackageName } from '../../../src/core/versions/ecosystems.ts';
import { cycloneDxFor, spdxFor } from '../../support/sbom.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const text = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

// Ajv's CJS default exports under NodeNext typing.
const AjvDraft7 = Ajv as unknown as typeof Ajv.default;
const withFormats = addFormats as unknown as typeof addFormats.default;

/** The official CycloneDX 1.5/1.6 and SPDX 2.3 JSON schemas (../shared/data/schemas), with the files they `$ref`. */
function schemaValidator(main: string, refs: string[] = []) {
  const ajv = new AjvDraft7({ strict: false, allErrors: true, validateFormats: true });
  withFormats(ajv);
  for (const r of refs) ajv.addSchema(JSON.parse(text(r)) as object, r.split('/').pop());
  return ajv.compile(JSON.parse(text(main)) as object);
}
const cyclonedx15 = schemaValidator('schemas/cyclonedx/bom-1.5.schema.json', ['schemas/cyclonedx/spdx.schema.json', 'schemas/cyclonedx/jsf-0.82.schema.json']);
const spdx23 = schemaValidator('schemas/spdx/spdx-schema-2.3.json');

describe('package URLs (purl-spec)', () => {
  const cases: [string, Record<string, unknown> | null][] = [
    ['pkg:npm/%40angular/animation@12.3.1', { type: 'npm', namespace: '@angular', name: 'animation', version: '12.3.1' }],
    ['pkg:npm/foobar@12.3.1', { type: 'npm', namespace: '', name: 'foobar', version: '12.3.1' }],
    ['pkg:pypi/django@1.11.1', { type: 'pypi', name: 'django', version: '1.11.1' }],
    ['pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api', { type: 'golang', namespace: 'github.com/gorilla', name: 'context', version: '234fd47e07d1004f0aed9c', subpath: 'api' }],
    ['pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?packaging=sources&classifier=dist', { type: 'maven', namespace: 'org.apache.xmlgraphics', name: 'batik-anim', qualifiers: { packaging: 'sources', classifier: 'dist' } }],
    ['pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie', { type: 'deb', namespace: 'debian', name: 'curl', version: '7.50.3-1' }],
    ['pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10?repository_url=gcr.io', { type: 'docker', version: 'sha256:244fd47e07d10', qualifiers: { repository_url: 'gcr.io' } }],
    ['PKG:NPM/lodash@4.17.21', { type: 'npm', name: 'lodash' }],
    ['pkg:npm/@types/node', { namespace: '@types', name: 'node', version: null }],
    ['pkg:cargo/rand', { name: 'rand', version: null }],
    ['npm/lodash@4.17.21', null],
    ['pkg:lodash', null],
    ['pkg:npm/@1.0', null],
    ['pkg:npm/%E0%A4%A@1', null],
    [`pkg:npm/${'a'.repeat(5000)}@1`, null],
  ];
  for (const [input, expected] of cases) {
    test(input.length > 80 ? `${input.slice(0, 40)}…` : input, () => {
      const purl = parsePurl(input);
      if (expected === null) return assert.equal(purl, null);
      assert.ok(purl);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(purl[k as keyof typeof purl], v, k);
    });
  }

  test('purl types map to OSV ecosystems; Embargo checks npm, PyPI, crates.io and Go, the others are unsupported', () => {
    const of = (p: string) => purlPackage(parsePurl(p) ?? assert.fail(p));
    assert.deepEqual(of('pkg:cargo/rand@0.7.2'), { ecosystem: 'crates.io', name: 'rand', version: '0.7.2', registry: true });
    assert.deepEqual(of('pkg:golang/golang.org/x/net@v0.1.0'), { ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.1.0', registry: true });
    assert.deepEqual(of('pkg:npm/%40babel/core@7.0.0'), { ecosystem: 'npm', name: '@babel/core', version: '7.0.0', registry: true });
    assert.deepEqual(of('pkg:pypi/Django@2.2'), { ecosystem: 'PyPI', name: 'Django', version: '2.2', registry: true });
    assert.deepEqual(of('pkg:npm/left-pad@1.0.0?repository_url=https://npm.internal.example'), { ecosystem: 'npm', name: 'left-pad', version: '1.0.0', registry: false });
    assert.deepEqual(of('pkg:npm/left-pad@1.0.0?repository_url=https://registry.npmjs.org'), { ecosystem: 'npm', name: 'left-pad', version: '1.0.0', registry: true });
    assert.deepEqual(of('pkg:maven/org.apache.jena/apache-jena@3.12.0'), { ecosystem: 'Maven', name: 'org.apache.jena:apache-jena', unsupported: true });
    assert.deepEqual(of('pkg:gem/rails@7.0.0'), { ecosystem: 'RubyGems', name: 'rails', unsupported: true });
    assert.deepEqual(of('pkg:nuget/Newtonsoft.Json@13.0.1'), { ecosystem: 'NuGet', name: 'Newtonsoft.Json', unsupported: true });
    assert.deepEqual(of('pkg:composer/laravel/framework@9.0.0'), { ecosystem: 'Packagist', name: 'laravel/framework', unsupported: true });
    assert.deepEqual(of('pkg:deb/ubuntu/openssl@3.0.2'), { ecosystem: 'Ubuntu', name: 'openssl', unsupported: true });
    assert.deepEqual(of('pkg:generic/openssl@3.0.2'), { ecosystem: 'generic', name: 'openssl', unsupported: true });
  });
});

describe('SBOM input', () => {
  test('the format is told by content, whatever the file is called', () => {
    assert.equal(detectFormat('bom.json', text('scanner/sbom/valid-bom-1.6.json')), 'CycloneDX');
    assert.equal(detectFormat('anything.txt', text('scanner/sbom/SPDXJSONExample-v2.3.spdx.json')), 'SPDX');
    // Keys in any order: the marker need not be near the start.
    const late = JSON.stringify({ components: Array.from({ length: 200 }, (_, i) => ({ type: 'library', name: `n${i}` })), specVersion: '1.6', bomFormat: 'CycloneDX' });
    assert.equal(detectFormat('sbom.json', late), 'CycloneDX');
  });

  test('real CycloneDX 1.6 example: Maven components are reported unchecked (unsupported type), with their lines; metadata.component is the project', () => {
    const parsed = parseLockfile('valid-bom-1.6.json', text('scanner/sbom/valid-bom-1.6.json'));
    assert.equal(parsed.format, 'CycloneDX');
    assert.deepEqual(parsed.packages, []);
    assert.deepEqual(
      parsed.unchecked.map((u) => [u.ecosystem, u.name, u.reason, u.line, u.ref ?? null]),
      [
        ['Maven', 'com.acme:tomcat-catalina', 'unsupported-type', 116, 'pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar'],
        ['Maven', 'com.example:myapplication', 'unsupported-type', 229, 'pkg:maven/com.example/myapplication@1.0.0?packaging=war'],
        ['Maven', 'com.example:myframework', 'unsupported-type', 276, null],
      ],
    );
  });

  test('real CycloneDX 1.6 example with nested components: every level is read', () => {
    const parsed = parseLockfile('valid-compositions-1.6.json', text('scanner/sbom/valid-compositions-1.6.json'));
    assert.deepEqual(parsed.unchecked.map((u) => u.name), ['partner:shaded-library', 'ossproject:library', 'acme:library']);
  });

  test('real SPDX 2.3 example: the described package is the project; packages without a purl are unchecked (no-purl)', () => {
    const parsed = parseLockfile('example.spdx.json', text('scanner/sbom/SPDXJSONExample-v2.3.spdx.json'));
    assert.equal(parsed.format, 'SPDX');
    assert.deepEqual(parsed.packages, []);
    assert.deepEqual(
      parsed.unchecked.map((u) => [u.ecosystem, u.name, u.spec, u.reason, u.ref]),
      [
        ['', 'Apache Commons Lang', 'Apache Commons Lang', 'no-purl', 'SPDXRef-fromDoap-1'],
        ['Maven', 'org.apache.jena:apache-jena', 'pkg:maven/org.apache.jena/apache-jena@3.12.0', 'unsupported-type', 'SPDXRef-fromDoap-0'],
        ['', 'Saxon', 'Saxon@8.8', 'no-purl', 'SPDXRef-Saxon'],
      ],
    );
  });

  const lockfile = parseLockfile(
    'requirements.txt',
    text('scanner/lockfiles/awx-2021-02/requirements.txt'),
  );
  const cargo = parseLockfile('Cargo.lock', text('scanner/lockfiles/nushell-2021/Cargo.lock'));
  const gomod = parseLockfile('go.mod', text('scanner/lockfiles/osv-scanner-2022/go.mod'));
  const npm = parseLockfile('package-lock.json', text('scanner/synthetic/package-lock-v2/package-lock.json'));
  const all = [...lockfile.packages, ...cargo.packages, ...gomod.packages, ...npm.packages];
  const key = (p: { ecosystem: string; name: string; version: string }) => `${p.ecosystem} ${normalisePackageName(p.ecosystem as 'npm', p.name)} ${p.version}`;

  test('a CycloneDX 1.5 BOM (valid against the official schema) gives the packages of the lockfiles it lists', () => {
    const bom = cycloneDxFor(all, '1.5', [{ type: 'library', name: 'vendored-thing', version: '1.0' }, { type: 'library', name: 'x', purl: 'pkg:pypi/unpinned' }]);
    assert.ok(cyclonedx15(JSON.parse(bom)), JSON.stringify(cyclonedx15.errors?.slice(0, 3)));
    const parsed = parseLockfile('bom.cdx.json', bom);
    assert.deepEqual(parsed.packages.map(key).sort(), all.map(key).sort());
    assert.deepEqual(parsed.unchecked.map((u) => [u.name, u.reason]), [['vendored-thing', 'no-purl'], ['unpinned', 'unpinned']]);
    // Each package at the line of its purl.
    const lines = bom.split('\n');
    for (const p of parsed.packages) assert.match(lines[(p.line as number) - 1] ?? '', /"purl": "pkg:/);
  });

  test('an SPDX 2.3 document (valid against the official schema) gives the same packages', () => {
    const doc = spdxFor(all);
    assert.ok(spdx23(JSON.parse(doc)), JSON.stringify(spdx23.errors?.slice(0, 3)));
    const parsed = parseLockfile('sbom.spdx.json', doc);
    assert.deepEqual(parsed.packages.map(key).sort(), all.map(key).sort());
    assert.deepEqual(parsed.unchecked, []);
  });

  test('limits and malformed documents: a DomainError naming file and line, never another exception', () => {
    const refuse = (name: string, input: string, message: RegExp) =>
      assert.throws(() => parseLockfile(name, input), (e: unknown) => isDomainError(e) && e.code === 'validation' && message.test(e.message), message.source);
    refuse('bom.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.4', components: [] }), /^bom\.json:1: CycloneDX specVersion "1\.4" is not one Embargo reads \(1\.5, 1\.6\)/);
    refuse('sbom.json', JSON.stringify({ spdxVersion: 'SPDX-2.2', packages: [] }), /SPDX version "SPDX-2\.2" is not one Embargo reads/);
    refuse('bom.json', '{"bomFormat": "CycloneDX",\n "specVersion": "1.6",\n "components": [,]}', /^bom\.json:\d+: invalid JSON/);
    refuse('bom.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: {} }), /components is not a list/);
    refuse('bom.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: ['x'] }), /components\[0\] is not an object/);
    const many = { bomFormat: 'CycloneDX', specVersion: '1.6', components: Array.from({ length: MAX_SBOM_COMPONENTS + 1 }, () => ({ type: 'library', name: 'a' })) };
    refuse('bom.json', JSON.stringify(many), new RegExp(`more than ${MAX_SBOM_COMPONENTS} components`));
    let nested: Record<string, unknown> = { type: 'library', name: 'leaf' };
    for (let i = 0; i < MAX_SBOM_DEPTH + 1; i++) nested = { type: 'library', name: `n${i}`, components: [nested] };
    refuse('bom.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [nested] }), /components nest deeper than 32 levels/);
    refuse('sbom.json', JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: Array.from({ length: MAX_SBOM_COMPONENTS + 1 }, () => ({})) }), /more than 100000 packages/);
  });

  test('odd components are reported, not fatal: a purl that cannot be read, a version only on the component, a foreign registry', () => {
    const bom = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { type: 'library', name: 'bad', purl: 'pkg:/nonsense' },
        { type: 'library', name: 'requests', version: '2.19.0', purl: 'pkg:pypi/requests' },
        { type: 'library', name: 'internal', purl: 'pkg:npm/internal@1.0.0?repository_url=https://npm.corp.example' },
        { type: 'library', name: 'no-version', purl: 'pkg:cargo/rand' },
      ],
    });
    const parsed = parseLockfile('bom.json', bom);
    assert.deepEqual(parsed.packages.map((p) => [p.ecosystem, p.name, p.version]), [['PyPI', 'requests', '2.19.0']]);
    assert.deepEqual(parsed.unchecked.map((u) => [u.name, u.reason]), [['bad', 'invalid-purl'], ['internal', 'non-registry'], ['rand', 'unpinned']]);
  });
});
