import { parseJsonLockfile } from './json-lockfile.ts';
import { isRecord, lockfileError } from './lockfile-error.ts';
import { parsePurl, purlPackage } from './purl.ts';
import type { LockfileContents } from './types.ts';

/** Components (CycloneDX, nested ones included) or packages (SPDX) one document may list. */
export const MAX_SBOM_COMPONENTS = 100_000;
/** CycloneDX components nest (a component's own `components`); deeper than this is refused. */
export const MAX_SBOM_DEPTH = 32;
export const CYCLONEDX_VERSIONS = ['1.5', '1.6'];
export const SPDX_VERSIONS = ['SPDX-2.3'];

/** CycloneDX JSON says `"bomFormat": "CycloneDX"`; SPDX JSON has an `spdxVersion`. */
export const isCycloneDx = (text: string): boolean => /"bomFormat"\s*:\s*"CycloneDX"/.test(text);
export const isSpdx = (text: string): boolean => /"spdxVersion"\s*:\s*"SPDX-/.test(text);

interface Component {
  purl: unknown;
  name: unknown;
  version: unknown;
  group?: unknown;
  /** `bom-ref` or `SPDXID`. */
  ref: string | undefined;
}

/** First line of each value of these keys (`"purl": "…"`), in one pass over the text. */
function valueLines(text: string, keys: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let from = 0;
  for (const m of text.matchAll(new RegExp(`"(${keys})"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g'))) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    from = m.index;
    let value: string;
    try {
      value = JSON.parse(`"${m[2] ?? ''}"`) as string;
    } catch {
      continue;
    }
    const key = `${m[1] ?? ''}\0${value}`;
    if (!lines.has(key)) lines.set(key, line);
  }
  return lines;
}

/**
 * Sorts one component: a package of an ecosystem Embargo checks, pinned by its package URL (or, when the purl
 * has no version, the component's own version), from the ecosystem's registry; else unchecked with the reason.
 */
function addComponent(c: Component, file: string, out: LockfileContents, lineOf: (key: string, value: string | undefined) => number | undefined, purlKey: string, refKey: string): void {
  const ref = c.ref;
  const version = typeof c.version === 'string' && c.version ? c.version : null;
  const baseName = typeof c.name === 'string' && c.name ? c.name : (ref ?? '(unnamed)');
  const extra = { file, ...(ref !== undefined ? { ref } : {}) };
  if (typeof c.purl !== 'string' || !c.purl.trim()) {
    const group = typeof c.group === 'string' && c.group ? `${c.group}:` : '';
    const line = lineOf(refKey, ref);
    out.unchecked.push({ ecosystem: '', name: baseName, spec: `${group}${baseName}${version ? `@${version}` : ''}`, reason: 'no-purl', ...(line !== undefined ? { line } : {}), ...extra });
    return;
  }
  const purlText = c.purl.trim();
  const line = lineOf(purlKey, c.purl) ?? lineOf(refKey, ref);
  const at = line !== undefined ? { line } : {};
  const purl = parsePurl(purlText);
  if (!purl) {
    out.unchecked.push({ ecosystem: '', name: baseName, spec: purlText.length > 200 ? `${purlText.slice(0, 197)}...` : purlText, reason: 'invalid-purl', ...at, ...extra });
    return;
  }
  const pkg = purlPackage(purl);
  if ('unsupported' in pkg) {
    out.unchecked.push({ ecosystem: pkg.ecosystem, name: pkg.name, spec: purlText, reason: 'unsupported-type', ...at, ...extra });
    return;
  }
  const pinned = pkg.version ?? version;
  if (!pinned) out.unchecked.push({ ecosystem: pkg.ecosystem, name: pkg.name, spec: purlText, reason: 'unpinned', ...at, ...extra });
  else if (!pkg.registry) out.unchecked.push({ ecosystem: pkg.ecosystem, name: pkg.name, spec: purlText, reason: 'non-registry', ...at, ...extra });
  else out.packages.push({ ecosystem: pkg.ecosystem, name: pkg.name, version: pinned, ...at, file });
}

const tooMany = (file: string, what: string): Error => lockfileError(file, 1, `more than ${MAX_SBOM_COMPONENTS} ${what}, the limit for one document`);

/**
 * CycloneDX 1.5 and 1.6 JSON: every component (`components`, nested ones too) by its package URL. The component
 * the BOM describes (`metadata.component`) is the project itself, not checked, as a lockfile's root package.
 */
export function parseCycloneDx(text: string, file: string): LockfileContents {
  const doc = parseJsonLockfile(text, file);
  if (!isRecord(doc) || doc.bomFormat !== 'CycloneDX') throw lockfileError(file, 1, 'not a CycloneDX document: no "bomFormat": "CycloneDX"');
  if (typeof doc.specVersion !== 'string' || !CYCLONEDX_VERSIONS.includes(doc.specVersion)) {
    throw lockfileError(file, 1, `CycloneDX specVersion ${JSON.stringify(doc.specVersion ?? null)} is not one Embargo reads (${CYCLONEDX_VERSIONS.join(', ')})`);
  }
  const lines = valueLines(text, 'purl|bom-ref');
  const lineOf = (key: string, value: string | undefined): number | undefined => (value === undefined ? undefined : lines.get(`${key}\0${value}`));
  const out: LockfileContents = { packages: [], unchecked: [] };
  let count = 0;
  const walk = (components: unknown, path: string, depth: number): void => {
    if (components === undefined) return;
    if (!Array.isArray(components)) throw lockfileError(file, 1, `${path} is not a list`);
    if (depth > MAX_SBOM_DEPTH) throw lockfileError(file, 1, `components nest deeper than ${MAX_SBOM_DEPTH} levels`);
    components.forEach((c, i) => {
      if (++count > MAX_SBOM_COMPONENTS) throw tooMany(file, 'components');
      if (!isRecord(c)) throw lockfileError(file, 1, `${path}[${i}] is not an object`);
      const ref = typeof c['bom-ref'] === 'string' ? c['bom-ref'] : undefined;
      addComponent({ purl: c.purl, name: c.name, version: c.version, group: c.group, ref }, file, out, lineOf, 'purl', 'bom-ref');
      walk(c.components, `${path}[${i}].components`, depth + 1);
    });
  };
  walk(doc.components, 'components', 1);
  return out;
}

/**
 * SPDX 2.3 JSON: every package by its package URL (an `externalRefs` entry of type `purl`, category
 * PACKAGE-MANAGER). The packages the document describes (`documentDescribes`, `DESCRIBES` relationships of the
 * document) are the project itself, not checked, as a lockfile's root package.
 */
export function parseSpdx(text: string, file: string): LockfileContents {
  const doc = parseJsonLockfile(text, file);
  if (!isRecord(doc) || typeof doc.spdxVersion !== 'string') throw lockfileError(file, 1, 'not an SPDX document: no "spdxVersion"');
  if (!SPDX_VERSIONS.includes(doc.spdxVersion)) throw lockfileError(file, 1, `SPDX version ${JSON.stringify(doc.spdxVersion)} is not one Embargo reads (${SPDX_VERSIONS.join(', ')})`);
  const packages = doc.packages ?? [];
  if (!Array.isArray(packages)) throw lockfileError(file, 1, 'packages is not a list');
  if (packages.length > MAX_SBOM_COMPONENTS) throw tooMany(file, 'packages');
  const described = new Set<string>();
  if (Array.isArray(doc.documentDescribes)) for (const id of doc.documentDescribes) if (typeof id === 'string') described.add(id);
  if (Array.isArray(doc.relationships)) {
    for (const r of doc.relationships) {
      if (!isRecord(r)) continue;
      if (r.relationshipType === 'DESCRIBES' && r.spdxElementId === 'SPDXRef-DOCUMENT' && typeof r.relatedSpdxElement === 'string') described.add(r.relatedSpdxElement);
      if (r.relationshipType === 'DESCRIBED_BY' && r.relatedSpdxElement === 'SPDXRef-DOCUMENT' && typeof r.spdxElementId === 'string') described.add(r.spdxElementId);
    }
  }
  const lines = valueLines(text, 'referenceLocator|SPDXID');
  const lineOf = (key: string, value: string | undefined): number | undefined => (value === undefined ? undefined : lines.get(`${key}\0${value}`));
  const out: LockfileContents = { packages: [], unchecked: [] };
  packages.forEach((p, i) => {
    if (!isRecord(p)) throw lockfileError(file, 1, `packages[${i}] is not an object`);
    const ref = typeof p.SPDXID === 'string' ? p.SPDXID : undefined;
    if (ref !== undefined && described.has(ref)) return;
    const refs = Array.isArray(p.externalRefs) ? p.externalRefs : [];
    const purlRef = refs.find((r) => isRecord(r) && r.referenceType === 'purl' && (r.referenceCategory === 'PACKAGE-MANAGER' || r.referenceCategory === 'PACKAGE_MANAGER'));
    const purl = isRecord(purlRef) ? purlRef.referenceLocator : undefined;
    addComponent({ purl, name: p.name, version: p.versionInfo, ref }, file, out, lineOf, 'referenceLocator', 'SPDXID');
  });
  return out;
}
