import type { Ecosystem } from '../versions/ecosystems.ts';

/** purl-spec package types of the ecosystems Embargo knows. */
export const PURL_TYPE: Readonly<Record<Ecosystem, string>> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo' };

/** purl-spec: `pkg:type/namespace/name@version?qualifiers#subpath`; the type is a lowercase ASCII name. */
export const PURL = /^pkg:[a-z.+-][a-z0-9.+-]*\/[^@?#]+(@[^?#]+)?(\?[^#]*)?(#.*)?$/;

const enc = (segment: string): string => encodeURIComponent(segment);

/** The package URL of a registry package (without version unless given), e.g. `pkg:npm/%40scope/name@1.0.0`. */
export function purlFor(ecosystem: Ecosystem, name: string, version?: string): string {
  const path = ecosystem === 'PyPI' ? enc(name.replace(/[-_.]+/g, '-').toLowerCase()) : name.split('/').map(enc).join('/');
  return `pkg:${PURL_TYPE[ecosystem]}/${path}${version ? `@${enc(version)}` : ''}`;
}

