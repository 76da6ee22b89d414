import { isEcosystem, type Ecosystem } from '../versions/ecosystems.ts';

/** A package URL (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`. */
export interface Purl {
  type: string;
  /** Segments joined with `/`, percent-decoded; '' when there is none. */
  namespace: string;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
  subpath: string;
}

/** Longer than this is not a package URL any SBOM tool writes: refused before any work. */
export const MAX_PURL_LENGTH = 4096;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Parses a package URL as the purl specification's "how to parse" steps say: subpath after the last `#`,
 * qualifiers after the last `?`, the `pkg:` scheme, the type up to the first `/`, the version after the last
 * `@`, the name after the last `/` and the namespace before it; each part percent-decoded. Null when it is not a
 * package URL (no `pkg:` scheme, no type or name, a bad percent-escape, a type with characters the spec forbids).
 */
export function parsePurl(text: string): Purl | null {
  if (text.length > MAX_PURL_LENGTH) return null;
  let rest = text.trim();
  let subpath = '';
  const hash = rest.lastIndexOf('#');
  if (hash >= 0) {
    const segments: string[] = [];
    for (const s of rest.slice(hash + 1).split('/')) {
      if (!s || s === '.' || s === '..') continue;
      const d = decode(s);
      if (d === null) return null;
      segments.push(d);
    }
    subpath = segments.join('/');
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const question = rest.lastIndexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = decode(pair.slice(eq + 1));
      if (value === null) return null;
      if (value) qualifiers[pair.slice(0, eq).toLowerCase()] = value;
    }
    rest = rest.slice(0, question);
  }
  const colon = rest.indexOf(':');
  if (colon < 0 || rest.slice(0, colon).toLowerCase() !== 'pkg') return null;
  rest = rest.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const type = rest.slice(0, slash).toLowerCase();
  if (!/^[a-z.+-][a-z0-9.+-]*$/.test(type)) return null;
  rest = rest.slice(slash + 1);
  let version: string | null = null;
  const at = rest.lastIndexOf('@');
  // An npm scope written without its percent-encoding (`pkg:npm/@types/node`) is no version: versions have no `/`.
  if (at >= 0 && !rest.slice(at + 1).includes('/')) {
    version = decode(rest.slice(at + 1));
    if (version === null) return null;
    if (!version) version = null;
    rest = rest.slice(0, at);
  }
  const segments = rest.split('/').filter((s) => s !== '');
  const rawName = segments.pop();
  if (!rawName) return null;
  const name = decode(rawName);
  const namespace = segments.map(decode);
  if (name === null || !name || namespace.some((s) => s === null)) return null;
  return { type, namespace: namespace.join('/'), name, version, qualifiers, subpath };
}

/** purl types and the OSV ecosystem of the registry each names (https://ossf.github.io/osv-schema/#affectedpackage-field). */
const OSV_ECOSYSTEM_OF_TYPE: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  cargo: 'crates.io',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
  hackage: 'Hackage',
  cran: 'CRAN',
  conan: 'ConanCenter',
  swift: 'SwiftURL',
  bitnami: 'Bitnami',
  julia: 'Julia',
  opam: 'opam',
  bioconductor: 'Bioconductor',
};

/** Linux distributions: the ecosystem comes from the namespace (`pkg:deb/debian/curl`). */
const DISTRIBUTION_ECOSYSTEMS: Record<string, Record<string, string>> = {
  deb: { debian: 'Debian', ubuntu: 'Ubuntu' },
  apk: { alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard' },
  rpm: { redhat: 'Red Hat', almalinux: 'AlmaLinux', rocky: 'Rocky Linux', opensuse: 'openSUSE', suse: 'SUSE', mageia: 'Mageia', openeuler: 'openEuler' },
};

/** What a package URL names for a scan: a package of an ecosystem Embargo checks, or why it cannot be checked. */
export type PurlPackage =
  | { ecosystem: Ecosystem; name: string; version: string | null; registry: boolean }
  | { ecosystem: string; name: string; unsupported: true };

/**
 * The OSV ecosystem and package name a package URL names: npm `@scope/name`, Go `namespace/name` (the module
 * path), Maven `group:artifact`, Packagist `vendor/name`, others the name. A `repository_url` qualifier names a
 * registry other than the ecosystem's own (`registry: false`): its releases are not what the advisories describe.
 * Types whose ecosystem Embargo has no version ordering for are `unsupported`, with the OSV ecosystem when the
 * type maps to one, else the purl type.
 */
export function purlPackage(purl: Purl): PurlPackage {
  const ecosystem = DISTRIBUTION_ECOSYSTEMS[purl.type]?.[purl.namespace.toLowerCase()] ?? OSV_ECOSYSTEM_OF_TYPE[purl.type] ?? purl.type;
  const joined = (separator: string): string => (purl.namespace ? `${purl.namespace}${separator}${purl.name}` : purl.name);
  const name = ecosystem === 'Maven' ? joined(':') : ecosystem === 'npm' || ecosystem === 'Go' || ecosystem === 'Packagist' ? joined('/') : purl.name;
  if (!isEcosystem(ecosystem)) return { ecosystem, name, unsupported: true };
  const repository = purl.qualifiers.repository_url;
  return { ecosystem, name, version: purl.version, registry: repository === undefined || isDefaultRegistry(ecosystem, repository) };
}

/** The ecosystems' own registries, which a `repository_url` may name explicitly. */
const DEFAULT_REGISTRIES: Record<Ecosystem, string[]> = {
  npm: ['registry.npmjs.org', 'registry.yarnpkg.com'],
  PyPI: ['pypi.org', 'pypi.python.org', 'files.pythonhosted.org'],
  'crates.io': ['crates.io', 'index.crates.io', 'static.crates.io'],
  Go: ['proxy.golang.org'],
};

const isDefaultRegistry = (ecosystem: Ecosystem, url: string): boolean => {
  const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/:?#]+)/i.exec(url.trim())?.[1]?.toLowerCase();
  return host !== undefined && DEFAULT_REGISTRIES[ecosystem].includes(host);
};
