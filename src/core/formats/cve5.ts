import { deriveBranchRanges, type BranchRange } from '../advisories/backport.ts';
import { cweName } from '../advisories/cwe.ts';
import type { AffectedProduct, Advisory, ReferenceType } from '../advisories/types.ts';
import { parseCvss } from '../cvss/index.ts';
import { purlFor } from '../advisories/purl.ts';
import { DomainError } from '../errors.ts';
import type { Policy } from '../policy/types.ts';
import type { Ecosystem } from '../versions/ecosystems.ts';
import { cvss3Json, cvss4Json } from './cvss-json.ts';

/** The CVE Record Format versions Embargo writes: 5.2 (the latest, with `affected[].packageURL`) and 5.1. */
export const CVE_RECORD_VERSIONS = ['5.2', '5.1'] as const;
export type CveRecordVersion = (typeof CVE_RECORD_VERSIONS)[number];
export const LATEST_CVE_RECORD_VERSION: CveRecordVersion = '5.2';

/** `dataVersion` per format version (the 5.1 output is unchanged: its schema accepts `5.1` and `5.1.x`). */
export const CVE_DATA_VERSIONS: Record<CveRecordVersion, string> = { '5.1': '5.1', '5.2': '5.2.0' };

export interface CveProvider {
  /** The CNA's organisation UUID (`providerMetadata.orgId`, `cveMetadata.assignerOrgId`). */
  orgId: string;
  shortName?: string;
  /** The CVE Record Format to write; the latest (5.2) unless a CVE Services instance only accepts 5.1. */
  version?: CveRecordVersion;
}

export type CveVersion = {
  version: string;
  status: 'affected' | 'unaffected' | 'unknown';
  versionType?: string;
  lessThan?: string;
  lessThanOrEqual?: string;
};

export type CveCnaContainer = Record<string, unknown> & { providerMetadata: { orgId: string; shortName?: string; dateUpdated?: string } };

export interface CveRecord {
  dataType: 'CVE_RECORD';
  dataVersion: string;
  cveMetadata: Record<string, unknown>;
  containers: { cna: CveCnaContainer };
}

/** `product.collectionURL`: the schema's own example URLs for each registry. */
const COLLECTION_URL: Record<Ecosystem, string> = {
  npm: 'https://registry.npmjs.org',
  PyPI: 'https://pypi.python.org',
  Go: 'https://golang.org/pkg',
  'crates.io': 'https://crates.io',
};

/** `versions[].versionType` names the comparison: SemVer for npm, Go and Cargo, PEP 440 ("python") for PyPI. */
const VERSION_TYPE: Record<Ecosystem, string> = { npm: 'semver', PyPI: 'python', Go: 'semver', 'crates.io': 'semver' };

const REFERENCE_TAGS: Partial<Record<ReferenceType, string[]>> = {
  advisory: ['vendor-advisory'],
  fix: ['patch'],
  report: ['issue-tracking'],
  evidence: ['exploit'],
};

/**
 * One branch as `affected[].versions` entries. The schema's evaluation (first entry containing the version
 * wins, else `defaultStatus`) is why a fixed branch is two entries — affected up to the fix, unaffected from
 * the fix to the branch end — rather than one range with `changes`: an open-ended `changes` range would
 * shadow the branches above it.
 */
export function cveVersions(r: BranchRange, ecosystem: Ecosystem): CveVersion[] {
  const versionType = VERSION_TYPE[ecosystem];
  // A vulnerability introduced within a branch: the branch's earlier releases are stated unaffected.
  const before: CveVersion[] =
    r.status !== 'not-affected' && r.lower !== null && r.explicitStart && r.introduced !== r.lower
      ? [{ version: r.lower, status: 'unaffected', versionType, lessThan: r.introduced }]
      : [];
  return [...before, ...branchVersions(r, versionType)];
}

function branchVersions(r: BranchRange, versionType: string): CveVersion[] {
  switch (r.status) {
    case 'fixed': {
      const out: CveVersion[] = [{ version: r.introduced, status: 'affected', versionType, lessThan: r.fixed ?? '*' }];
      if (r.fixed && r.upper) out.push({ version: r.fixed, status: 'unaffected', versionType, lessThan: r.upper });
      return out;
    }
    case 'wont-fix':
    case 'affected':
      return [
        r.last_affected
          ? { version: r.introduced, status: 'affected', versionType, lessThanOrEqual: r.last_affected }
          : { version: r.introduced, status: 'affected', versionType, lessThan: r.upper ?? '*' },
      ];
    case 'not-affected':
      // A literal branch (`main`) without versions is stated by its name, as a single "version".
      return !r.versioned && !r.explicitStart
        ? [{ version: r.branch, status: 'unaffected' }]
        : [{ version: r.introduced, status: 'unaffected', versionType, lessThan: r.upper ?? '*' }];
  }
}

function cveAffected(p: AffectedProduct, policy: Policy, version: CveRecordVersion): Record<string, unknown> {
  return {
    vendor: policy.project.name,
    product: p.package,
    collectionURL: COLLECTION_URL[p.ecosystem],
    packageName: p.package,
    // 5.2: the package URL, which must not name a version (the advisory's own purl, or the registry's).
    ...(version === '5.2' ? { packageURL: (p.purl ?? purlFor(p.ecosystem, p.package)).replace(/@[^?#]*/, '') } : {}),
    ...(policy.project.url ? { repo: policy.project.url } : {}),
    // Branches the matrix leaves out (unsupported ones) are not assessed.
    defaultStatus: 'unknown',
    versions: deriveBranchRanges(p, policy).flatMap((r) => cveVersions(r, p.ecosystem)),
  };
}

function metrics(a: Advisory): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const scenarios = [{ lang: 'en', value: 'GENERAL' }];
  if (a.cvss.v4) out.push({ format: 'CVSS', scenarios, cvssV4_0: cvss4Json(a.cvss.v4) });
  if (a.cvss.v3) {
    const key = parseCvss(a.cvss.v3).version === '3.0' ? 'cvssV3_0' : 'cvssV3_1';
    out.push({ format: 'CVSS', scenarios, [key]: cvss3Json(a.cvss.v3) });
  }
  return out;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The CNA container (`containers.cna`, schema `cnaPublishedContainer`) of a published advisory: descriptions
 * (plain text, with the Markdown details as `supportingMedia`), affected packages with per-branch versions,
 * CVSS metrics, CWE problem types, references and credits (anonymous credits read "Anonymous").
 */
export function toCveCnaContainer(a: Advisory, policy: Policy, provider: CveProvider): CveCnaContainer {
  const version = provider.version ?? LATEST_CVE_RECORD_VERSION;
  // A draft may have no details yet: the schema refuses an empty supportingMedia value, so none is written.
  const details = a.details.trim();
  if (a.references.length === 0) throw DomainError.validation([{ field: 'references', message: 'CVE records need at least one reference' }]);
  const m = metrics(a);
  const problemTypes = a.cwe_ids.map((id) => ({ descriptions: [{ lang: 'en', type: 'CWE', cweId: id, description: `${id}: ${cweName(id) ?? id}` }] }));
  const credits = a.credits.map((c) => ({ lang: 'en', value: c.name ?? 'Anonymous', type: c.type }));
  return {
    providerMetadata: { orgId: provider.orgId, ...(provider.shortName ? { shortName: provider.shortName } : {}), dateUpdated: a.updated_at },
    ...(a.published_at ? { datePublic: a.published_at } : {}),
    title: clip(a.title, 256),
    descriptions: [
      {
        lang: 'en',
        value: clip(details ? `${a.summary}\n\n${a.details}` : a.summary, 4096),
        ...(details ? { supportingMedia: [{ type: 'text/markdown', base64: false, value: clip(a.details, 16384) }] } : {}),
      },
    ],
    affected: a.affected.map((p) => cveAffected(p, policy, version)),
    ...(problemTypes.length ? { problemTypes } : {}),
    references: a.references.map((r) => ({ url: r.url, ...(r.name ? { name: clip(r.name, 512) } : {}), ...(REFERENCE_TAGS[r.type] ? { tags: REFERENCE_TAGS[r.type] } : {}) })),
    ...(m.length ? { metrics: m } : {}),
    ...(credits.length ? { credits } : {}),
    source: { discovery: a.report_id ? 'EXTERNAL' : 'INTERNAL' },
    x_generator: { engine: 'Embargo' },
  };
}

/**
 * A full CVE record (`dataType`, `dataVersion`, `cveMetadata`, `containers.cna`). A withdrawn advisory
 * becomes a REJECTED record whose reason is the withdrawal's revision summary.
 */
export function toCveRecord(a: Advisory, policy: Policy, provider: CveProvider & { assignerShortName?: string; dateReserved?: string }): CveRecord {
  if (!a.cve_id) throw DomainError.validation([{ field: 'cve_id', message: 'is required for a CVE record' }]);
  const dataVersion = CVE_DATA_VERSIONS[provider.version ?? LATEST_CVE_RECORD_VERSION];
  const base = {
    cveId: a.cve_id,
    assignerOrgId: provider.orgId,
    ...(provider.assignerShortName ?? provider.shortName ? { assignerShortName: provider.assignerShortName ?? provider.shortName } : {}),
    ...(provider.dateReserved ? { dateReserved: provider.dateReserved } : {}),
    dateUpdated: a.updated_at,
  };
  if (a.state === 'withdrawn') {
    const reason = a.revisions[a.revisions.length - 1]?.summary ?? 'Withdrawn by the vendor';
    return {
      dataType: 'CVE_RECORD',
      dataVersion,
      cveMetadata: { ...base, state: 'REJECTED', ...(a.published_at ? { datePublished: a.published_at } : {}), ...(a.withdrawn_at ? { dateRejected: a.withdrawn_at } : {}) },
      containers: {
        cna: {
          providerMetadata: { orgId: provider.orgId, ...(provider.shortName ? { shortName: provider.shortName } : {}), dateUpdated: a.updated_at },
          rejectedReasons: [{ lang: 'en', value: reason }],
        },
      },
    };
  }
  return {
    dataType: 'CVE_RECORD',
    dataVersion,
    cveMetadata: { ...base, state: 'PUBLISHED', ...(a.published_at ? { datePublished: a.published_at } : {}) },
    containers: { cna: toCveCnaContainer(a, policy, provider) },
  };
}
