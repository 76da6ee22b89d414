import type { LockedPackage } from '../../src/core/scanner/types.ts';

/** The package URL of a locked package, as SBOM tools write it (npm scopes percent-encoded, Go module paths split). */
export function purlOf(p: Pick<LockedPackage, 'ecosystem' | 'name' | 'version'>): string {
  const enc = (s: string): string => s.split('/').map(encodeURIComponent).join('/');
  switch (p.ecosystem) {
    case 'npm':
      return `pkg:npm/${enc(p.name)}@${encodeURIComponent(p.version)}`;
    case 'PyPI':
      return `pkg:pypi/${encodeURIComponent(p.name.toLowerCase().replace(/_/g, '-'))}@${encodeURIComponent(p.version)}`;
    case 'crates.io':
      return `pkg:cargo/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}`;
    case 'Go':
      return `pkg:golang/${enc(p.name)}@${encodeURIComponent(p.version)}`;
  }
}

/** A CycloneDX JSON BOM listing these packages as library components (valid against the official schema). */
export function cycloneDxFor(packages: readonly Pick<LockedPackage, 'ecosystem' | 'name' | 'version'>[], specVersion: '1.5' | '1.6', extra: object[] = []): string {
  return JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion,
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      metadata: { timestamp: '2026-01-01T00:00:00Z', component: { type: 'application', name: 'the-project', 'bom-ref': 'the-project' } },
      components: [
        ...packages.map((p, i) => ({ type: 'library', 'bom-ref': `c${i}`, name: p.name, version: p.version, purl: purlOf(p) })),
        ...extra,
      ],
    },
    null,
    2,
  );
}

/** An SPDX 2.3 JSON document describing a root package that contains these packages (valid against the schema). */
export function spdxFor(packages: readonly Pick<LockedPackage, 'ecosystem' | 'name' | 'version'>[], extra: object[] = []): string {
  return JSON.stringify(
    {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'the-project',
      documentNamespace: 'https://example.com/spdx/the-project-1',
      creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: embargo-tests'] },
      documentDescribes: ['SPDXRef-root'],
      packages: [
        { SPDXID: 'SPDXRef-root', name: 'the-project', downloadLocation: 'NOASSERTION' },
        ...packages.map((p, i) => ({
          SPDXID: `SPDXRef-p${i}`,
          name: p.name,
          versionInfo: p.version,
          downloadLocation: 'NOASSERTION',
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purlOf(p) }],
        })),
        ...extra,
      ],
      relationships: packages.map((_, i) => ({ spdxElementId: 'SPDXRef-root', relationshipType: 'DEPENDS_ON', relatedSpdxElement: `SPDXRef-p${i}` })),
    },
    null,
    2,
  );
}
