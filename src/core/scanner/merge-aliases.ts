import type { Ecosystem } from '../versions/ecosystems.ts';
import type { OsvRecord } from './osv-record.ts';

export interface AdvisoryGroup {
  /** The record whose id names the group. */
  primary: OsvRecord;
  /** Every other id of the group's records and their aliases, sorted. */
  aliases: string[];
  records: OsvRecord[];
}

/** The database each ecosystem's records come from first; its id names a merged finding. */
const HOME_PREFIX: Record<Ecosystem, string> = { PyPI: 'PYSEC-', Go: 'GO-', 'crates.io': 'RUSTSEC-', npm: 'GHSA-' };

function rank(id: string, ecosystem: Ecosystem): number {
  if (id.startsWith(HOME_PREFIX[ecosystem])) return 0;
  if (id.startsWith('GHSA-')) return 1;
  if (id.startsWith('CVE-')) return 3;
  return 2;
}

/**
 * Groups records that describe one vulnerability: two records belong together when one's id is among the
 * other's aliases or they share an alias (CVE, GHSA, PYSEC…), transitively. A group is named by the id of the
 * ecosystem's home database if present (PYSEC for PyPI, GO for Go, RUSTSEC for crates.io, GHSA for npm), then
 * GHSA, then others, CVE last, ties by id; every other id becomes an alias.
 */
export function mergeAliases(records: readonly OsvRecord[], ecosystem: Ecosystem): AdvisoryGroup[] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] ?? i] ?? i;
    return i;
  };
  const owner = new Map<string, number>();
  records.forEach((r, i) => {
    for (const id of [r.id, ...r.aliases]) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, OsvRecord[]>();
  records.forEach((r, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(r);
    else groups.set(root, [r]);
  });
  return [...groups.values()].map((members) => {
    const primary = members.reduce((a, b) => (rank(b.id, ecosystem) - rank(a.id, ecosystem) || (b.id < a.id ? -1 : 1)) < 0 ? b : a);
    const ids = new Set(members.flatMap((r) => [r.id, ...r.aliases]));
    ids.delete(primary.id);
    return { primary, aliases: [...ids].sort(), records: members };
  });
}
