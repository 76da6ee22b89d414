import { isEcosystem, packageKey, schemeFor } from '../versions/ecosystems.ts';
import { rangeScheme, type OsvEvent, type OsvRange } from '../versions/osv-range.ts';

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string };
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  /** GitHub's `database_specific.severity` (LOW … CRITICAL), when given. */
  databaseSeverity?: string;
}

/** The parts of an OSV record the scanner uses. */
export interface OsvRecord {
  id: string;
  modified: string;
  withdrawn?: string;
  aliases: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  affected: OsvAffected[];
  databaseSeverity?: string;
}

export type OsvReading = { record: OsvRecord } | { problems: string[] };

const TOP_LEVEL = new Set(['schema_version', 'id', 'modified', 'published', 'withdrawn', 'aliases', 'related', 'upstream', 'summary', 'details', 'severity', 'affected', 'references', 'credits', 'database_specific']);
const TIMESTAMP = /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/;
/** OSV ecosystem names (schema 1.7), each optionally followed by `:suffix` (`Debian:11`). */
export const OSV_ECOSYSTEMS = [
  'AlmaLinux', 'Alpaquita', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bioconductor', 'Bitnami', 'Chainguard', 'CleanStart',
  'ConanCenter', 'CRAN', 'crates.io', 'Debian', 'Docker Hardened Images', 'Echo', 'FreeBSD', 'GHC', 'GitHub Actions', 'Go', 'Hackage', 'Hex', 'Julia',
  'Kubernetes', 'Linux', 'Mageia', 'Maven', 'MinimOS', 'npm', 'NuGet', 'opam', 'openEuler', 'openSUSE', 'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub',
  'PyPI', 'Red Hat', 'Rocky Linux', 'Root', 'RubyGems', 'SUSE', 'SwiftURL', 'TuxCare', 'Ubuntu', 'VSCode', 'Wolfi', 'GIT',
] as const;
const ECOSYSTEM = new RegExp(`^(${OSV_ECOSYSTEMS.map((e) => e.replace(/[.]/g, '\\.')).join('|')})(:.+)?$`);
const GIT_COMMIT = /^(0|[a-f0-9]{40}|[a-f0-9]{64})$/;
const SEVERITY_TYPES = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu']);
const CVSS_V3 = /^CVSS:3[.][01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;
const CVSS_V4 = /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/;
const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Checks a parsed JSON value against the OSV schema (1.7) and keeps what the scanner needs; every violation is
 * listed with its JSON path. Beyond the schema, a `SEMVER` or `ECOSYSTEM` event that the ecosystem's version
 * scheme cannot read is a violation too. Identifier prefixes are not checked against the schema's list, which
 * grows with every new database, and reference URLs are not checked: the scanner does not use them.
 */
export function readOsvRecord(json: unknown): OsvReading {
  const problems: string[] = [];
  const problem = (path: string, message: string): void => void problems.push(`${path}: ${message}`);
  if (!isObject(json)) return { problems: ['record: not a JSON object'] };
  for (const key of Object.keys(json)) if (!TOP_LEVEL.has(key)) problem(key, 'not an OSV field');
  if (typeof json.id !== 'string' || !/^\S+$/.test(json.id)) problem('id', 'missing or not an identifier');
  for (const key of ['modified', 'published', 'withdrawn'] as const) {
    const v = json[key];
    if (v === undefined && key !== 'modified') continue;
    if (typeof v !== 'string' || !TIMESTAMP.test(v)) problem(key, 'missing or not an RFC 3339 UTC timestamp');
  }
  for (const key of ['aliases', 'related', 'upstream'] as const) {
    const v = json[key];
    if (v !== undefined && !(v === null && key === 'aliases') && !isStringArray(v)) problem(key, 'not a list of strings');
  }
  for (const key of ['summary', 'details', 'schema_version'] as const) {
    if (json[key] !== undefined && typeof json[key] !== 'string') problem(key, 'not a string');
  }
  const severity = readSeverity(json.severity, 'severity', problem);
  const affected: OsvAffected[] = [];
  if (json.affected !== undefined && json.affected !== null) {
    if (!Array.isArray(json.affected)) problem('affected', 'not a list');
    else json.affected.forEach((a, i) => {
      const entry = readAffected(a, `affected[${i}]`, problem);
      if (entry) affected.push(entry);
      if (severity.length && entry?.severity.length) problem(`affected[${i}].severity`, 'not allowed when the record has a top-level severity');
    });
  }
  affected.forEach((a, i) => checkRangeVersions(a, `affected[${i}]`, problem));
  if (problems.length) return { problems };
  return {
    record: {
      id: json.id as string,
      modified: json.modified as string,
      ...(typeof json.withdrawn === 'string' ? { withdrawn: json.withdrawn } : {}),
      aliases: isStringArray(json.aliases) ? json.aliases : [],
      ...(typeof json.summary === 'string' ? { summary: json.summary } : {}),
      ...(typeof json.details === 'string' ? { details: json.details } : {}),
      severity,
      affected,
      ...databaseSeverity(json.database_specific),
    },
  };
}

/**
 * A range event the ecosystem's scheme cannot order would make matching a guess, so it rejects the record.
 * Reports the first event, in written order, that `compileRange` would call unreadable; only parses, since
 * the import checks every record and the intervals are built on first use anyway.
 */
function checkRangeVersions(a: OsvAffected, path: string, problem: (path: string, message: string) => void): void {
  if (!a.package || !isEcosystem(a.package.ecosystem)) return;
  const ecosystemScheme = schemeFor(a.package.ecosystem);
  a.ranges.forEach((r, i) => {
    const scheme = rangeScheme(r, ecosystemScheme);
    if (!scheme) return;
    for (const e of r.events) {
      const [kind, text] = eventEntry(e);
      if ((kind === 'introduced' && text === '0') || (kind === 'limit' && text === '*') || scheme.parse(text) !== null) continue;
      problem(`${path}.ranges[${i}]`, `${JSON.stringify(text)} is not a ${r.type === 'SEMVER' ? 'SemVer 2.0.0' : ecosystemScheme.name} version`);
      return;
    }
  });
}

const eventEntry = (e: OsvEvent): [string, string] => Object.entries(e)[0] as [string, string];

/**
 * The `modified` time (ms) of a parsed record whose `id` and `modified` pass the schema, else null: enough for
 * an incremental import to tell that a record is no newer than its stored copy without checking the rest.
 */
export function osvModifiedTime(json: unknown): { id: string; modified: number } | null {
  if (!isObject(json) || typeof json.id !== 'string' || !/^\S+$/.test(json.id) || typeof json.modified !== 'string' || !TIMESTAMP.test(json.modified)) return null;
  const modified = Date.parse(json.modified);
  return Number.isNaN(modified) ? null : { id: json.id, modified };
}

/** What indexing needs from a record, before (and without) the schema check. */
export interface OsvRecordKeys {
  id: string;
  modified: string;
  withdrawn: boolean;
  /** `packageKey` of every package of an ecosystem Embargo reads that an `affected` entry names, each once. */
  packages: string[];
}

/**
 * The id, `modified`, withdrawal and package keys of a parsed record, checked only as far as indexing needs
 * (id, `modified` and `withdrawn` as the schema wants them); null when those do not pass. The rest of the schema
 * check (`readOsvRecord`) is left for the records a scan actually looks at.
 */
export function readOsvKeys(json: unknown): OsvRecordKeys | null {
  if (!isObject(json)) return null;
  const { id, modified, withdrawn, affected } = json;
  if (typeof id !== 'string' || !/^\S+$/.test(id) || typeof modified !== 'string' || !TIMESTAMP.test(modified)) return null;
  if (withdrawn !== undefined && (typeof withdrawn !== 'string' || !TIMESTAMP.test(withdrawn))) return null;
  const packages: string[] = [];
  if (Array.isArray(affected)) {
    for (const a of affected) {
      const p = isObject(a) ? a.package : undefined;
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.ecosystem !== 'string' || !isEcosystem(p.ecosystem)) continue;
      const key = packageKey(p.ecosystem, p.name);
      if (!packages.includes(key)) packages.push(key);
    }
  }
  return { id, modified, withdrawn: withdrawn !== undefined, packages };
}

function databaseSeverity(db: unknown): { databaseSeverity?: string } {
  return isObject(db) && typeof db.severity === 'string' ? { databaseSeverity: db.severity } : {};
}

function readSeverity(value: unknown, path: string, problem: (path: string, message: string) => void): OsvSeverity[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem(path, 'not a list');
    return [];
  }
  const out: OsvSeverity[] = [];
  value.forEach((s, i) => {
    if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string' || !SEVERITY_TYPES.has(s.type)) {
      problem(`${path}[${i}]`, 'needs a known type and a score');
      return;
    }
    if ((s.type === 'CVSS_V3' && !CVSS_V3.test(s.score)) || (s.type === 'CVSS_V4' && !CVSS_V4.test(s.score))) problem(`${path}[${i}].score`, `not a ${s.type} vector`);
    out.push({ type: s.type, score: s.score });
  });
  return out;
}

function readAffected(value: unknown, path: string, problem: (path: string, message: string) => void): OsvAffected | null {
  if (!isObject(value)) {
    problem(path, 'not an object');
    return null;
  }
  let pkg: OsvAffected['package'];
  if (value.package !== undefined) {
    const p = value.package;
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.ecosystem !== 'string' || !ECOSYSTEM.test(p.ecosystem)) {
      problem(`${path}.package`, 'needs a name and a known ecosystem');
    } else pkg = { ecosystem: p.ecosystem, name: p.name };
  }
  if (value.versions !== undefined && !isStringArray(value.versions)) problem(`${path}.versions`, 'not a list of strings');
  const ranges: OsvRange[] = [];
  if (value.ranges !== undefined) {
    if (!Array.isArray(value.ranges)) problem(`${path}.ranges`, 'not a list');
    else value.ranges.forEach((r, i) => {
      const range = readRange(r, `${path}.ranges[${i}]`, problem);
      if (range) ranges.push(range);
    });
  }
  return {
    ...(pkg ? { package: pkg } : {}),
    ranges,
    versions: isStringArray(value.versions) ? value.versions : [],
    severity: readSeverity(value.severity, `${path}.severity`, problem),
    ...databaseSeverity(value.database_specific),
  };
}

function readRange(value: unknown, path: string, problem: (path: string, message: string) => void): OsvRange | null {
  if (!isObject(value) || (value.type !== 'GIT' && value.type !== 'SEMVER' && value.type !== 'ECOSYSTEM')) {
    problem(path, 'needs a type of GIT, SEMVER or ECOSYSTEM');
    return null;
  }
  const type = value.type;
  if (type === 'GIT' && typeof value.repo !== 'string') problem(`${path}.repo`, 'GIT ranges require a repo');
  if (!Array.isArray(value.events)) {
    problem(`${path}.events`, 'not a list');
    return null;
  }
  const events: OsvEvent[] = [];
  value.events.forEach((e, i) => {
    const keys = isObject(e) ? EVENT_KEYS.filter((k) => k in e) : [];
    const key = keys[0];
    const v = key && isObject(e) ? e[key] : undefined;
    if (keys.length !== 1 || !key || typeof v !== 'string') {
      problem(`${path}.events[${i}]`, 'needs exactly one of introduced, fixed, last_affected, limit');
      return;
    }
    if (type === 'GIT' && !GIT_COMMIT.test(v)) problem(`${path}.events[${i}].${key}`, `${JSON.stringify(v)} is not a full commit hash`);
    events.push({ [key]: v } as OsvEvent);
  });
  if (!events.some((e) => 'introduced' in e)) problem(`${path}.events`, 'must contain an introduced event');
  if (events.some((e) => 'fixed' in e) && events.some((e) => 'last_affected' in e)) problem(`${path}.events`, 'fixed and last_affected are mutually exclusive');
  return { type, events };
}
