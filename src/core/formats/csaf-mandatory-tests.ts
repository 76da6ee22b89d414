import { CWE_ID, cweName } from '../advisories/cwe.ts';
import { PURL } from '../advisories/purl.ts';
import { parseCvss, scoreCvss, cvssSeverity } from '../cvss/index.ts';
import { DomainError } from '../errors.ts';
import { CVSS3_JSON_METRICS } from './cvss-json.ts';

/**
 * CSAF 2.0 section 6.1 mandatory tests, over any parsed CSAF document (not only ours). Each finding names the
 * test and the JSON path of the offending value. Tests not listed in `IMPLEMENTED_MANDATORY_TESTS` are not
 * run (see docs/advisories.md for why each is left out).
 */
export interface MandatoryTestFinding {
  test: string;
  path: string;
  message: string;
}

export const IMPLEMENTED_MANDATORY_TESTS = [
  '6.1.1', '6.1.2', '6.1.3', '6.1.4', '6.1.5', '6.1.6', '6.1.7', '6.1.8', '6.1.9', '6.1.10', '6.1.11', '6.1.13',
  '6.1.14', '6.1.16', '6.1.17', '6.1.18', '6.1.19', '6.1.20', '6.1.21', '6.1.22', '6.1.23',
  '6.1.27.4', '6.1.27.5', '6.1.27.6', '6.1.27.11', '6.1.29', '6.1.30', '6.1.31',
] as const;

type J = Record<string, unknown>;
const obj = (v: unknown): J | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Every `product` under `branches`, recursively (CSAF 3.1.2.2). */
function branchProducts(branches: unknown, path: string, out: { id: string; path: string }[]): void {
  arr(branches).forEach((b, i) => {
    const branch = obj(b);
    if (!branch) return;
    const at = `${path}[${i}]`;
    const id = str(obj(branch.product)?.product_id);
    if (id !== null) out.push({ id, path: `${at}/product/product_id` });
    branchProducts(branch.branches, `${at}/branches`, out);
  });
}

function definedProducts(doc: J): { id: string; path: string }[] {
  const tree = obj(doc.product_tree);
  if (!tree) return [];
  const out: { id: string; path: string }[] = [];
  branchProducts(tree.branches, '/product_tree/branches', out);
  arr(tree.full_product_names).forEach((p, i) => {
    const id = str(obj(p)?.product_id);
    if (id !== null) out.push({ id, path: `/product_tree/full_product_names[${i}]/product_id` });
  });
  arr(tree.relationships).forEach((r, i) => {
    const id = str(obj(obj(r)?.full_product_name)?.product_id);
    if (id !== null) out.push({ id, path: `/product_tree/relationships[${i}]/full_product_name/product_id` });
  });
  return out;
}

const STATUS_GROUPS: Record<string, string> = {
  first_affected: 'affected',
  known_affected: 'affected',
  last_affected: 'affected',
  known_not_affected: 'not affected',
  first_fixed: 'fixed',
  fixed: 'fixed',
  under_investigation: 'under investigation',
};

/** Product ids a document refers to (6.1.1's list). */
function referencedProducts(doc: J): { id: string; path: string }[] {
  const out: { id: string; path: string }[] = [];
  const push = (list: unknown, path: string): void =>
    arr(list).forEach((id, i) => {
      if (typeof id === 'string') out.push({ id, path: `${path}[${i}]` });
    });
  const tree = obj(doc.product_tree);
  arr(tree?.product_groups).forEach((g, i) => push(obj(g)?.product_ids, `/product_tree/product_groups[${i}]/product_ids`));
  arr(tree?.relationships).forEach((r, i) => {
    for (const key of ['product_reference', 'relates_to_product_reference']) {
      const id = str(obj(r)?.[key]);
      if (id !== null) out.push({ id, path: `/product_tree/relationships[${i}]/${key}` });
    }
  });
  arr(doc.vulnerabilities).forEach((v, i) => {
    const vuln = obj(v);
    if (!vuln) return;
    const at = `/vulnerabilities[${i}]`;
    const status = obj(vuln.product_status);
    for (const key of Object.keys(status ?? {})) push(status?.[key], `${at}/product_status/${key}`);
    arr(vuln.remediations).forEach((r, j) => push(obj(r)?.product_ids, `${at}/remediations[${j}]/product_ids`));
    arr(vuln.scores).forEach((s, j) => push(obj(s)?.products, `${at}/scores[${j}]/products`));
    arr(vuln.threats).forEach((t, j) => push(obj(t)?.product_ids, `${at}/threats[${j}]/product_ids`));
    arr(vuln.flags).forEach((f, j) => push(obj(f)?.product_ids, `${at}/flags[${j}]/product_ids`));
  });
  return out;
}

// ---- versions of the revision history (CSAF 3.1.11: integer or semantic versioning) ----
const INTEGER = /^(0|[1-9][0-9]*)$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

interface Version {
  text: string;
  integer: boolean;
  parts: number[];
  pre: string | null;
}

function readVersion(text: string): Version | null {
  if (INTEGER.test(text)) return { text, integer: true, parts: [Number(text)], pre: null };
  const m = SEMVER.exec(text);
  if (!m) return null;
  return { text, integer: false, parts: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ?? null };
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d) return d;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  const [pa, pb] = [a.pre.split('.'), b.pre.split('.')];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y);
    if (nx) return -1;
    if (ny) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A timestamp as [milliseconds since the epoch, digits below the millisecond]: OASIS's 6.1.14-08 orders two
 * revisions 0.1 µs apart, finer than `Date.parse` sees.
 */
function timeKey(text: string): [number, string] {
  const m = /\.(\d+)/.exec(text);
  return [Date.parse(text), (m?.[1] ?? '').slice(3).padEnd(9, '0')];
}

const compareTimes = (a: [number, string], b: [number, string]): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

interface HistoryItem {
  index: number;
  date: [number, string];
  number: Version | null;
  raw: string;
}

function history(doc: J): HistoryItem[] {
  return arr(obj(obj(doc.document)?.tracking)?.revision_history).flatMap((r, index) => {
    const item = obj(r);
    const raw = str(item?.number);
    const date = timeKey(str(item?.date) ?? '');
    return raw === null ? [] : [{ index, date, number: readVersion(raw), raw }];
  });
}

/** Sorted ascending by date; equal dates keep document order, then number (CSAF 6.1.14's sort). */
const byDate = (items: HistoryItem[]): HistoryItem[] =>
  [...items].sort((a, b) => compareTimes(a.date, b.date) || (a.number && b.number ? compareVersions(a.number, b.number) : 0) || a.index - b.index);

// ---- CVSS (6.1.8 – 6.1.10) ----
const V3_REQUIRED = ['version', 'vectorString', 'baseScore', 'baseSeverity'];
const SEVERITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const SCORE_KEYS = ['baseScore', 'temporalScore', 'environmentalScore'];
const SEVERITY_KEYS: Record<string, string> = { baseScore: 'baseSeverity', temporalScore: 'temporalSeverity', environmentalScore: 'environmentalSeverity' };
const V2_REQUIRED = ['version', 'vectorString', 'baseScore'];

function cvssFindings(cvss: J, path: string, kind: 'cvss_v2' | 'cvss_v3', find: (test: string, path: string, message: string) => void): void {
  // 6.1.8: the FIRST schema's required properties, enumerations and score bounds.
  const required = kind === 'cvss_v3' ? V3_REQUIRED : V2_REQUIRED;
  const missing = required.filter((k) => !(k in cvss));
  if (missing.length) {
    find('6.1.8', path, `missing ${missing.join(', ')} (FIRST CVSS ${kind === 'cvss_v3' ? 'v3.x' : 'v2.0'} schema)`);
    return;
  }
  if (kind === 'cvss_v2') {
    const expected = cvss2BaseScore(str(cvss.vectorString) ?? '');
    if (expected === null) find('6.1.8', `${path}/vectorString`, 'is not a CVSS v2 base vector');
    else if (cvss.baseScore !== expected) find('6.1.9', `${path}/baseScore`, `is ${String(cvss.baseScore)}, the vector computes ${expected}`);
    return;
  }
  const vector = str(cvss.vectorString) ?? '';
  let parsed;
  try {
    parsed = parseCvss(vector);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    find('6.1.8', `${path}/vectorString`, `not a CVSS v3 vector: ${e.message}`);
    return;
  }
  if (parsed.version === '4.0' || parsed.version !== cvss.version) {
    find('6.1.8', `${path}/version`, `${String(cvss.version)} does not match the vector's CVSS ${parsed.version}`);
    return;
  }
  let schemaOk = true;
  for (const def of Object.values(CVSS3_JSON_METRICS)) {
    const v = cvss[def.name];
    if (v !== undefined && !Object.values(def.values).includes(String(v))) {
      find('6.1.8', `${path}/${def.name}`, `${JSON.stringify(v)} is not a value of ${def.name}`);
      schemaOk = false;
    }
  }
  for (const key of SCORE_KEYS) {
    const v = cvss[key];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 10)) {
      find('6.1.8', `${path}/${key}`, 'is not a score between 0 and 10');
      schemaOk = false;
    }
    const sev = cvss[SEVERITY_KEYS[key] ?? ''];
    if (sev !== undefined && !SEVERITIES.includes(String(sev))) {
      find('6.1.8', `${path}/${SEVERITY_KEYS[key]}`, 'is not NONE, LOW, MEDIUM, HIGH or CRITICAL');
      schemaOk = false;
    }
  }
  if (!schemaOk) return;
  // 6.1.9: the scores and severities the vector computes to.
  const result = scoreCvss(vector);
  if (result.version === '4.0') return;
  const computed: Record<string, number> = { baseScore: result.baseScore, temporalScore: result.temporalScore, environmentalScore: result.environmentalScore };
  for (const key of SCORE_KEYS) {
    const given = cvss[key];
    const expected = computed[key] ?? 0;
    if (given !== undefined && given !== expected) find('6.1.9', `${path}/${key}`, `is ${String(given)}, the vector computes ${expected}`);
    const sevKey = SEVERITY_KEYS[key] ?? '';
    const sev = cvss[sevKey];
    const expectedSev = cvssSeverity(expected).toUpperCase();
    if (sev !== undefined && sev !== expectedSev) find('6.1.9', `${path}/${sevKey}`, `is ${String(sev)}, the vector computes ${expectedSev}`);
  }
  // 6.1.10: every metric property agrees with the vector (a metric the vector leaves out is NOT_DEFINED).
  for (const [key, def] of Object.entries(CVSS3_JSON_METRICS)) {
    const v = cvss[def.name];
    if (v === undefined) continue;
    const inVector = parsed.metrics[key];
    const expected = inVector === undefined ? 'NOT_DEFINED' : def.values[inVector];
    if (v !== expected) find('6.1.10', `${path}/${def.name}`, `is ${String(v)} but the vector says ${expected ?? 'nothing'}`);
  }
}

// Words count only as whole, space-separated words: OASIS's 6.1.31-12 keeps "after-eight" valid.
const V2_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { L: 0.395, A: 0.646, N: 1.0 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  C: { N: 0, P: 0.275, C: 0.66 },
  I: { N: 0, P: 0.275, C: 0.66 },
  A: { N: 0, P: 0.275, C: 0.66 },
};

/**
 * CVSS v2.0 base score (FIRST CVSS v2 guide, 3.2.1); temporal and environmental v2 scores are not checked.
 * null when the vector lacks a base metric.
 */
export function cvss2BaseScore(vector: string): number | null {
  const m: Record<string, number> = {};
  for (const part of vector.split('/')) {
    const [k = '', v = ''] = part.split(':');
    const w = V2_WEIGHTS[k]?.[v];
    if (w !== undefined) m[k] = w;
  }
  const [av, ac, au, c, i, a] = ['AV', 'AC', 'Au', 'C', 'I', 'A'].map((k) => m[k]);
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return null;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

const RANGE_WORDS = /^vers:|<|>|(^|\s)(after|all|before|earlier|later|prior|versions)(\s|$)/i;

/** Runs the implemented mandatory tests; an empty list means the document passes them. */
export function runCsafMandatoryTests(input: unknown): MandatoryTestFinding[] {
  const findings: MandatoryTestFinding[] = [];
  const find = (test: string, path: string, message: string): void => void findings.push({ test, path, message });
  const doc = obj(input);
  if (!doc) return [{ test: 'schema', path: '', message: 'not a JSON object' }];
  const document = obj(doc.document) ?? {};
  const tracking = obj(document.tracking) ?? {};
  const category = str(document.category) ?? '';
  const vulns = arr(doc.vulnerabilities).map(obj);
  const tree = obj(doc.product_tree);

  // 6.1.1 / 6.1.2: product ids referenced but not defined; defined twice.
  const defined = definedProducts(doc);
  const ids = new Set(defined.map((d) => d.id));
  for (const ref of referencedProducts(doc)) if (!ids.has(ref.id)) find('6.1.1', ref.path, `product id ${ref.id} is not defined in the product tree`);
  const seen = new Map<string, string>();
  for (const d of defined) {
    const first = seen.get(d.id);
    if (first) find('6.1.2', d.path, `product id ${d.id} is already defined at ${first}`);
    else seen.set(d.id, d.path);
  }

  // 6.1.3: a relationship whose product refers back to itself through relationships.
  const edges = new Map<string, string[]>();
  arr(tree?.relationships).forEach((r) => {
    const rel = obj(r);
    const id = str(obj(rel?.full_product_name)?.product_id);
    if (id === null) return;
    edges.set(id, [...(edges.get(id) ?? []), ...[str(rel?.product_reference), str(rel?.relates_to_product_reference)].filter((x): x is string => x !== null)]);
  });
  arr(tree?.relationships).forEach((r, i) => {
    const start = str(obj(obj(r)?.full_product_name)?.product_id);
    if (start === null) return;
    const stack = [...(edges.get(start) ?? [])];
    const visited = new Set<string>();
    while (stack.length) {
      const next = stack.pop() as string;
      if (next === start) {
        find('6.1.3', `/product_tree/relationships[${i}]`, `product id ${start} is defined in terms of itself`);
        break;
      }
      if (visited.has(next)) continue;
      visited.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
  });

  // 6.1.4 / 6.1.5: product group ids.
  const groups = arr(tree?.product_groups).map((g, i) => ({ id: str(obj(g)?.group_id), path: `/product_tree/product_groups[${i}]/group_id` }));
  const groupIds = new Set(groups.map((g) => g.id));
  const seenGroups = new Set<string>();
  for (const g of groups) {
    if (g.id === null) continue;
    if (seenGroups.has(g.id)) find('6.1.5', g.path, `group id ${g.id} is defined twice`);
    seenGroups.add(g.id);
  }
  vulns.forEach((v, i) => {
    for (const key of ['remediations', 'threats', 'flags'] as const) {
      arr(v?.[key]).forEach((x, j) =>
        arr(obj(x)?.group_ids).forEach((g, k) => {
          if (typeof g === 'string' && !groupIds.has(g)) find('6.1.4', `/vulnerabilities[${i}]/${key}[${j}]/group_ids[${k}]`, `group id ${g} is not defined`);
        }),
      );
    }
  });

  vulns.forEach((v, i) => {
    if (!v) return;
    const at = `/vulnerabilities[${i}]`;
    // 6.1.6: one product in two of affected / not affected / fixed / under investigation.
    const groupOf = new Map<string, string>();
    const status = obj(v.product_status) ?? {};
    for (const [key, list] of Object.entries(status)) {
      const group = STATUS_GROUPS[key];
      if (!group) continue;
      arr(list).forEach((id, j) => {
        if (typeof id !== 'string') return;
        const other = groupOf.get(id);
        if (other && other !== group) find('6.1.6', `${at}/product_status/${key}[${j}]`, `product ${id} is both ${other} and ${group}`);
        else groupOf.set(id, group);
      });
    }
    // 6.1.7: two scores of one CVSS version for one product.
    const versions = new Map<string, string>();
    arr(v.scores).forEach((s, j) => {
      const score = obj(s);
      for (const kind of ['cvss_v2', 'cvss_v3'] as const) {
        const cvss = obj(score?.[kind]);
        if (!cvss) continue;
        const key = `${kind}:${String(cvss.version ?? '')}`;
        arr(score?.products).forEach((p) => {
          if (typeof p !== 'string') return;
          if (versions.has(`${p}\0${key}`)) find('6.1.7', `${at}/scores[${j}]`, `product ${p} has a second ${kind} score of version ${String(cvss.version)}`);
          versions.set(`${p}\0${key}`, key);
        });
        cvssFindings(cvss, `${at}/scores[${j}]/${kind}`, kind, find);
      }
    });
    // 6.1.11: the CWE id and its catalogue name.
    const cwe = obj(v.cwe);
    if (cwe) {
      const id = str(cwe.id) ?? '';
      const known = cweName(id);
      if (!CWE_ID.test(id)) find('6.1.11', `${at}/cwe/id`, `${id} is not a CWE id`);
      else if (known !== undefined && known !== cwe.name) find('6.1.11', `${at}/cwe/name`, `${id} is named "${known}"`);
    }
    // 6.1.29: a remediation must name products or groups.
    arr(v.remediations).forEach((r, j) => {
      const rem = obj(r);
      if (!arr(rem?.product_ids).length && !arr(rem?.group_ids).length) find('6.1.29', `${at}/remediations[${j}]`, 'names neither product_ids nor group_ids');
    });
    // 6.1.27.5 / 6.1.27.6 (csaf_security_advisory, csaf_vex).
    if ((category === 'csaf_security_advisory' || category === 'csaf_vex') && !arr(v.notes).length) find('6.1.27.5', `${at}/notes`, 'a vulnerability needs notes in this profile');
    if (category === 'csaf_security_advisory' && !v.product_status) find('6.1.27.6', `${at}/product_status`, 'a vulnerability needs product_status in this profile');
  });

  // 6.1.13: purl syntax.
  const helpers: { purl: unknown; path: string }[] = [];
  const walk = (branches: unknown, path: string): void =>
    arr(branches).forEach((b, i) => {
      const p = obj(obj(b)?.product)?.product_identification_helper;
      if (obj(p)?.purl !== undefined) helpers.push({ purl: obj(p)?.purl, path: `${path}[${i}]/product/product_identification_helper/purl` });
      walk(obj(b)?.branches, `${path}[${i}]/branches`);
    });
  walk(tree?.branches, '/product_tree/branches');
  arr(tree?.full_product_names).forEach((p, i) => {
    const h = obj(obj(p)?.product_identification_helper);
    if (h?.purl !== undefined) helpers.push({ purl: h.purl, path: `/product_tree/full_product_names[${i}]/product_identification_helper/purl` });
  });
  for (const h of helpers) if (typeof h.purl !== 'string' || !PURL.test(h.purl)) find('6.1.13', h.path, `${JSON.stringify(h.purl)} is not a valid package URL`);

  // 6.1.31: version ranges in product_version.
  const walkVersions = (branches: unknown, path: string): void =>
    arr(branches).forEach((b, i) => {
      const branch = obj(b);
      const name = str(branch?.name) ?? '';
      if (branch?.category === 'product_version' && RANGE_WORDS.test(name)) find('6.1.31', `${path}[${i}]/name`, `"${name}" is a version range; use product_version_range`);
      walkVersions(branch?.branches, `${path}[${i}]/branches`);
    });
  walkVersions(tree?.branches, '/product_tree/branches');

  // Revision history and version: 6.1.14, 6.1.16 – 6.1.22, 6.1.30.
  const items = history(doc);
  const status = str(tracking.status);
  const versionText = str(tracking.version) ?? '';
  const version = readVersion(versionText);
  const sorted = byDate(items);
  for (let k = 1; k < sorted.length; k++) {
    const [prev, cur] = [sorted[k - 1], sorted[k]];
    if (prev?.number && cur?.number && compareVersions(cur.number, prev.number) < 0) {
      find('6.1.14', `/document/tracking/revision_history[${cur.index}]/number`, `${cur.raw} comes after ${prev.raw} by date but is lower`);
    }
  }
  const latest = sorted[sorted.length - 1];
  if (latest?.number && version) {
    const strip = (v: Version): string => (status === 'draft' || v.pre === null ? v.parts.join('.') : `${v.parts.join('.')}-${v.pre}`);
    if (strip(latest.number) !== strip(version)) find('6.1.16', '/document/tracking/version', `is ${versionText}, the latest revision is ${latest.raw}`);
  }
  if (version && (version.parts[0] === 0 || version.pre !== null) && status !== 'draft') find('6.1.17', '/document/tracking/status', `must be draft for version ${versionText}`);
  if (status === 'final' || status === 'interim') {
    for (const it of items) if (it.number && it.number.parts[0] === 0) find('6.1.18', `/document/tracking/revision_history[${it.index}]/number`, `${it.raw} is a pre-release number in a released document`);
    if (version?.pre) find('6.1.20', '/document/tracking/version', `${versionText} has a pre-release part in a ${status} document`);
  }
  for (const it of items) if (it.number?.pre) find('6.1.19', `/document/tracking/revision_history[${it.index}]/number`, `${it.raw} is a pre-release version`);
  const first = sorted[0];
  if (first?.number && first.number.parts[0] !== 0 && first.number.parts[0] !== 1) find('6.1.21', `/document/tracking/revision_history[${first.index}]/number`, 'the first revision must be 0 or 1');
  for (let k = 1; k < sorted.length; k++) {
    const [prev, cur] = [sorted[k - 1]?.number, sorted[k]?.number];
    if (prev && cur && (cur.parts[0] ?? 0) - (prev.parts[0] ?? 0) > 1) find('6.1.21', `/document/tracking/revision_history[${sorted[k]?.index}]/number`, `a revision between ${prev.text} and ${cur.text} is missing`);
  }
  const numbers = new Map<string, number>();
  for (const it of items) {
    if (numbers.has(it.raw)) find('6.1.22', `/document/tracking/revision_history[${it.index}]/number`, `${it.raw} appears twice`);
    numbers.set(it.raw, it.index);
  }
  const kinds = new Set([...items.map((i) => i.number?.integer), version?.integer].filter((x) => x !== undefined));
  if (kinds.size > 1) find('6.1.30', '/document/tracking', 'mixes integer and semantic versioning');

  // 6.1.23: one CVE in two vulnerabilities.
  const cves = new Set<string>();
  vulns.forEach((v, i) => {
    const cve = str(v?.cve);
    if (cve === null) return;
    if (cves.has(cve)) find('6.1.23', `/vulnerabilities[${i}]/cve`, `${cve} is used by another vulnerability`);
    cves.add(cve);
  });

  // 6.1.27.4 / 6.1.27.11 (csaf_security_advisory, csaf_vex): product tree and vulnerabilities must exist.
  if (category === 'csaf_security_advisory' || category === 'csaf_vex') {
    if (!tree) find('6.1.27.4', '/product_tree', `required for ${category}`);
    if (!Array.isArray(doc.vulnerabilities)) find('6.1.27.11', '/vulnerabilities', `required for ${category}`);
  }
  return findings;
}
