import type { Advisory } from '../advisories/types.ts';
import type { Policy } from '../policy/types.ts';
import { toCsaf, type CsafDocument, type CsafOptions } from './csaf.ts';
import { productIri, vulnerabilityOf, type PartyStatement } from './openvex.ts';
import { sortKeysDeep } from './sort-keys.ts';

/**
 * CSAF 2.0 profile `csaf_vex` (CSAF 4.5) of an advisory with its case parties' statuses (issue 19): the project's
 * products as in the security advisory export, then one vendor branch per party with a product per product it
 * stated, each in exactly one product status per vulnerability. A `not_affected` with a justification is a flag of
 * that label (the VEX justifications are CSAF's flag labels); without one, an impact threat (6.1.27.9). Every
 * known_affected product has a remediation (6.1.27.10).
 */

type Json = Record<string, unknown>;

export interface CsafVexOptions extends CsafOptions {
  /** The public advisory page: the external reference a VEX document must have (6.1.27.2). */
  advisoryUrl: string;
  reportTrackingId: string | null;
}

const CVE = /^CVE-\d{4}-\d{4,}$/;
const STATUS_KEY = { affected: 'known_affected', fixed: 'fixed', not_affected: 'known_not_affected', under_investigation: 'under_investigation' } as const;

interface VulnParts {
  status: Record<string, string[]>;
  flags: Json[];
  threats: Json[];
  remediations: Json[];
}

/**
 * A party's version range as a `vers` (CSAF 3.1.2.3.2, optional test 6.2.18): `>=3.0 <3.4` or `>=3.0, <3.4` →
 * `vers:generic/>=3.0|<3.4`; a `vers:` string as given. Each constraint must be a version (a digit first, an optional v). Free text that is no list of constraints gives null (the
 * range then stays in the product's name: a `product_version` may not hold a range, 6.1.31).
 */
export function versOf(versions: string): string | null {
  const v = versions.trim();
  if (/^vers:[a-z0-9.+-]+\/\S+$/i.test(v)) return v;
  const tokens = v.split(/[\s,|]+/).filter(Boolean).map((t) => t.replace(/^==?/, ''));
  if (tokens.length === 0 || !tokens.every((t) => /^(>=|<=|>|<|!=)?v?\d[A-Za-z0-9.+~_-]*$/.test(t))) return null;
  return `vers:generic/${tokens.join('|')}`;
}

const push = (m: Record<string, string[]>, key: string, id: string) => void (m[key] = [...(m[key] ?? []), id]);

export function toCsafVex(a: Advisory, policy: Policy, parties: PartyStatement[], opts: CsafVexOptions): CsafDocument {
  const base = toCsaf(a, policy, opts) as unknown as { document: Json & { references?: Json[]; notes: Json[] }; product_tree: { branches: Json[] }; vulnerabilities: Json[] };
  const own = base.vulnerabilities[0] as Json & { product_status: Record<string, string[]>; notes: Json[]; remediations?: Json[]; threats?: Json[] };
  const vuln = vulnerabilityOf(a);
  const sameVuln = (v: string) => v === vuln.name || v === a.id || v === a.cve_id || v === opts.reportTrackingId;

  // The project's own not-affected rows need an impact statement (6.1.27.9).
  const ownNotAffected = own.product_status.known_not_affected ?? [];
  const ownThreats: Json[] = ownNotAffected.length ? [{ category: 'impact', details: `These versions of ${policy.project.name}'s products do not contain the vulnerable code path.`, product_ids: ownNotAffected }] : [];

  let n = 0;
  const nextId = () => `CSAFPID-P${String(++n).padStart(4, '0')}`;
  const partyBranches = new Map<string, Json[]>();
  const extra = new Map<string, VulnParts>();
  const main: VulnParts = { status: {}, flags: [], threats: [], remediations: [] };
  for (const s of parties) {
    const id = nextId();
    const purl = /^pkg:[a-z]/i.test(s.product) ? s.product : null;
    const helper = purl ? { purl } : { x_generic_uris: [{ namespace: 'https://github.com/package-url/purl-spec', uri: productIri(s.product, s.partyName) }] };
    const range = s.versions ? versOf(s.versions) : null;
    const leaf: Json = range
      ? { category: 'product_name', name: s.product, branches: [{ category: 'product_version_range', name: range, product: { product_id: id, name: `${s.partyName} ${s.product} ${s.versions}`, product_identification_helper: helper } }] }
      : { category: 'product_name', name: s.versions ? `${s.product} ${s.versions}` : s.product, product: { product_id: id, name: `${s.partyName} ${s.product}${s.versions ? ` ${s.versions}` : ''}`, product_identification_helper: helper } };
    partyBranches.set(s.partyName, [...(partyBranches.get(s.partyName) ?? []), leaf]);
    const parts = sameVuln(s.vulnerability) ? main : (extra.get(s.vulnerability) ?? extra.set(s.vulnerability, { status: {}, flags: [], threats: [], remediations: [] }).get(s.vulnerability)!);
    push(parts.status, STATUS_KEY[s.status], id);
    if (s.status === 'not_affected') {
      if (s.justification) parts.flags.push({ label: s.justification, product_ids: [id] });
      parts.threats.push({ category: 'impact', details: s.statement ?? `${s.partyName}: not affected (${s.justification ?? 'no justification given'}).`, product_ids: [id] });
    }
    if (s.status === 'affected') parts.remediations.push({ category: 'none_available', details: s.statement ?? `${s.partyName} has not published a fix yet; contact them for remediation.`, product_ids: [id] });
    if (s.status === 'under_investigation') parts.remediations.push({ category: 'none_available', details: `${s.partyName} is investigating; no remediation is known yet.`, product_ids: [id] });
    if (s.status === 'fixed') parts.remediations.push({ category: 'vendor_fix', details: `Fixed by ${s.partyName} in ${s.fixedVersions ?? 'a later release'}.`, product_ids: [id] });
  }

  const merged: Record<string, string[]> = { ...own.product_status };
  for (const [k, ids] of Object.entries(main.status)) merged[k] = [...(merged[k] ?? []), ...ids];
  // The vulnerability's CVSS v3 base score holds for the parties' affected products too (optional test 6.2.3).
  const scores = (own.scores as Array<Json & { products: string[] }> | undefined)?.map((sc, i) => (i === 0 ? { ...sc, products: [...sc.products, ...(main.status.known_affected ?? [])] } : sc));
  const mainVuln: Json = {
    ...own,
    ...(scores ? { scores } : {}),
    product_status: merged,
    ...(main.flags.length ? { flags: main.flags } : {}),
    ...(ownThreats.length + main.threats.length ? { threats: [...(own.threats ?? []), ...ownThreats, ...main.threats] } : {}),
    ...((own.remediations?.length ?? 0) + main.remediations.length ? { remediations: [...(own.remediations ?? []), ...main.remediations] } : {}),
  };
  if (!a.cve_id) mainVuln.ids = [{ system_name: `${policy.project.name} advisories`, text: a.id }];
  const others: Json[] = [...extra.entries()].map(([name, p]) => ({
    ...(CVE.test(name) ? { cve: name } : { ids: [{ system_name: 'Embargo case', text: name }] }),
    notes: [{ category: 'description', title: 'Statements', text: `Statuses of the parties of ${a.id} about ${name}.` }],
    product_status: p.status,
    ...(p.flags.length ? { flags: p.flags } : {}),
    ...(p.threats.length ? { threats: p.threats } : {}),
    ...(p.remediations.length ? { remediations: p.remediations } : {}),
  }));

  const references = [...(base.document.references ?? []), { category: 'external', summary: 'The advisory', url: opts.advisoryUrl }];
  return sortKeysDeep({
    document: { ...base.document, category: 'csaf_vex', references },
    product_tree: {
      branches: [...base.product_tree.branches, ...[...partyBranches.entries()].map(([name, products]) => ({ category: 'vendor', name, branches: products }))],
    },
    vulnerabilities: [mainVuln, ...others],
  }) as unknown as CsafDocument;
}
