import { deriveBranchRanges, type BranchRange } from '../advisories/backport.ts';
import { cweName } from '../advisories/cwe.ts';
import { PURL_TYPE, purlFor } from '../advisories/purl.ts';
import { PUBLIC_STATES } from '../advisories/states.ts';
import type { AffectedProduct, Advisory } from '../advisories/types.ts';
import { parseCvss } from '../cvss/index.ts';
import type { Policy } from '../policy/types.ts';
import { cvss3Json } from './cvss-json.ts';
import { sortKeysDeep } from './sort-keys.ts';

export interface CsafOptions {
  /** `document.publisher.namespace`: the publisher's https URL (CSAF 3.2.1.8.3). */
  namespace: string;
  /** `document.tracking.id`; defaults to the advisory id. */
  trackingId?: string;
  /** `document.tracking.generator.date`, when the caller wants it recorded. */
  generatedAt?: string;
  /** URL where this CSAF document is published (a `self` reference, CSAF 3.2.1.11.1). */
  selfUrl?: string;
}

type Json = Record<string, unknown>;

export interface CsafDocument {
  document: Json & { tracking: Json & { revision_history: { number: string; date: string; summary: string }[]; version: string; status: string } };
  product_tree: { branches: Json[] };
  vulnerabilities: Json[];
}

interface ProductRow {
  range: BranchRange;
  /** The vulnerable or not-affected part of the branch. */
  rangeId: string;
  rangeName: string;
  /** For a fixed branch: the fixed release. */
  fixedId: string | null;
}

/** CSAF 3.1.2.3.2 recommends `vers` for `product_version_range` names. */
function versRange(p: AffectedProduct, r: BranchRange): string {
  const constraints: string[] = [];
  if (r.introduced !== '0') constraints.push(`>=${r.introduced}`);
  if (r.status === 'fixed' && r.fixed) constraints.push(`<${r.fixed}`);
  else if (r.last_affected) constraints.push(`<=${r.last_affected}`);
  else if (r.upper) constraints.push(`<${r.upper}`);
  return `vers:${PURL_TYPE[p.ecosystem]}/${constraints.length ? constraints.join('|') : '*'}`;
}

/**
 * The product tree (CSAF 3.2.2): vendor → product_name → one leaf per branch row, a `product_version_range`
 * for the versions a row speaks about and, for a fixed row, a `product_version` leaf for the fixed release
 * (CSAF 6.1.31 forbids ranges in `product_version`). A literal branch without versions (`main`) is a
 * `product_version` named after the branch.
 */
function productTree(a: Advisory, policy: Policy): { tree: Json; rows: Map<AffectedProduct, ProductRow[]> } {
  let n = 0;
  const nextId = (): string => `CSAFPID-${String(++n).padStart(4, '0')}`;
  const rows = new Map<AffectedProduct, ProductRow[]>();
  const products = a.affected.map((p) => {
    const leaves: Json[] = [];
    const list: ProductRow[] = [];
    for (const r of deriveBranchRanges(p, policy)) {
      const rangeId = nextId();
      const literal = !r.versioned && !r.explicitStart;
      const rangeName = literal ? r.branch : versRange(p, r);
      leaves.push({
        category: literal ? 'product_version' : 'product_version_range',
        name: rangeName,
        // CSAF 6.2.16: every product has an identification helper; a range is named by the package's versionless purl.
        product: { product_id: rangeId, name: `${policy.project.name} ${p.package} ${rangeName} (${r.branch})`, product_identification_helper: { purl: p.purl ?? purlFor(p.ecosystem, p.package) } },
      });
      let fixedId: string | null = null;
      if (r.status === 'fixed' && r.fixed) {
        fixedId = nextId();
        leaves.push({
          category: 'product_version',
          name: r.fixed,
          product: { product_id: fixedId, name: `${policy.project.name} ${p.package} ${r.fixed}`, product_identification_helper: { purl: purlFor(p.ecosystem, p.package, r.fixed) } },
        });
      }
      list.push({ range: r, rangeId, rangeName, fixedId });
    }
    rows.set(p, list);
    return { category: 'product_name', name: p.package, branches: leaves };
  });
  return { tree: { branches: [{ category: 'vendor', name: policy.project.name, branches: products }] }, rows };
}

/** CSAF 3.2.3.9 remediation categories: vendor_fix for a fix, no_fix_planned for won't-fix, none_available otherwise. */
function remediations(p: AffectedProduct, rows: ProductRow[]): Json[] {
  return rows.flatMap(({ range: r, rangeId }): Json[] => {
    switch (r.status) {
      case 'fixed':
        return [{ category: 'vendor_fix', details: `Upgrade ${p.package} to ${r.fixed} or later (${r.branch} branch).`, product_ids: [rangeId] }];
      case 'wont-fix':
        return [{ category: 'no_fix_planned', details: `No fix is planned for the ${r.branch} branch (${r.support}); upgrade to a supported branch.`, product_ids: [rangeId] }];
      case 'affected':
        return [{ category: 'none_available', details: `No fix is available yet for the ${r.branch} branch.`, product_ids: [rangeId] }];
      case 'not-affected':
        return [];
    }
  });
}

const lastRevisionDate = (a: Advisory): string => a.revisions[a.revisions.length - 1]?.date ?? a.updated_at;

/**
 * The advisory as a CSAF 2.0 `csaf_security_advisory`. Tracking (CSAF 3.2.1.12): a public advisory is
 * `final` with its revision history (1, 2, …; integer versioning), version = the last revision number
 * (6.1.16); an unpublished one is `draft`, version `0` with one revision `0` (6.1.17, 6.1.21). CSAF 2.0 has
 * one `cwe` per vulnerability and no CVSS v4: further CWEs and the v4 vector are carried as notes.
 */
export function toCsaf(a: Advisory, policy: Policy, opts: CsafOptions): CsafDocument {
  const published = PUBLIC_STATES.includes(a.state);
  const history = published ? a.revisions.map((r) => ({ number: String(r.number), date: r.date, summary: r.summary })) : [{ number: '0', date: a.updated_at, summary: `Draft (${a.state})` }];
  const last = history[history.length - 1];
  const { tree, rows } = productTree(a, policy);
  const all = [...rows.entries()];
  const ids = (pick: (row: ProductRow) => string | null): string[] => all.flatMap(([, list]) => list.map(pick).filter((x): x is string => x !== null));
  const knownAffected = ids((row) => (row.range.status === 'not-affected' ? null : row.rangeId));
  const fixed = ids((row) => row.fixedId);
  const notAffected = ids((row) => (row.range.status === 'not-affected' ? row.rangeId : null));
  const productStatus: Json = {
    ...(knownAffected.length ? { known_affected: knownAffected } : {}),
    ...(fixed.length ? { fixed } : {}),
    ...(notAffected.length ? { known_not_affected: notAffected } : {}),
  };
  const [firstCwe, ...moreCwes] = a.cwe_ids;
  const notes: Json[] = [{ category: 'description', title: 'Details', text: a.details }];
  if (moreCwes.length) notes.push({ category: 'other', title: 'Further weaknesses', text: moreCwes.map((id) => `${id}: ${cweName(id) ?? id}`).join('\n') });
  if (a.cvss.v4) notes.push({ category: 'other', title: 'CVSS v4.0', text: a.cvss.v4 });
  if (a.state === 'withdrawn') notes.push({ category: 'general', title: 'Withdrawn', text: a.revisions[a.revisions.length - 1]?.summary ?? 'This advisory was withdrawn.' });
  const acknowledgments = a.credits.map((c) => (c.name === null ? { summary: `An anonymous ${c.type}` } : { names: [c.name], summary: c.type }));
  const vulnerability: Json = {
    ...(a.cve_id ? { cve: a.cve_id } : {}),
    ...(firstCwe ? { cwe: { id: firstCwe, name: cweName(firstCwe) ?? firstCwe } } : {}),
    title: a.title,
    notes,
    product_status: productStatus,
    ...(a.published_at ? { release_date: a.published_at } : {}),
    ...(acknowledgments.length ? { acknowledgments } : {}),
    remediations: all.flatMap(([p, list]) => remediations(p, list)),
    ...(a.cvss.v3 && knownAffected.length ? { scores: [{ cvss_v3: cvss3Json(parseCvss(a.cvss.v3).vector), products: knownAffected }] } : {}),
    ...(a.references.length ? { references: a.references.map((r) => ({ category: 'external', summary: r.name ?? r.type, url: r.url })) } : {}),
  };
  if ((vulnerability.remediations as Json[]).length === 0) delete vulnerability.remediations;
  const references = [
    ...(opts.selfUrl ? [{ category: 'self', summary: 'This advisory (CSAF)', url: opts.selfUrl }] : []),
    ...a.references.map((r) => ({ category: 'external', summary: r.name ?? r.type, url: r.url })),
  ];
  // Keys in alphabetical order everywhere (CSAF optional test 6.2.13).
  return sortKeysDeep({
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      title: a.title,
      lang: 'en',
      distribution: { tlp: { label: published ? 'WHITE' : 'AMBER', url: 'https://www.first.org/tlp/' } },
      publisher: { category: 'vendor', name: policy.project.name, namespace: opts.namespace },
      notes: [{ category: 'summary', title: 'Summary', text: a.summary }],
      ...(references.length ? { references } : {}),
      tracking: {
        id: opts.trackingId ?? a.id,
        status: published ? 'final' : 'draft',
        version: last?.number ?? '0',
        revision_history: history,
        // A draft has not been released: its one revision (0), initial and current dates are its last change (CSAF 6.2.5).
        initial_release_date: published ? (a.published_at ?? a.created_at) : a.updated_at,
        current_release_date: published ? lastRevisionDate(a) : a.updated_at,
        generator: { engine: { name: 'Embargo' }, ...(opts.generatedAt ? { date: opts.generatedAt } : {}) },
      },
    },
    product_tree: tree as CsafDocument['product_tree'],
    vulnerabilities: [vulnerability],
  });
}
