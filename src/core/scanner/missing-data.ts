import type { Ecosystem } from '../versions/ecosystems.ts';
import type { LockedPackage, UncheckedDependency } from './types.ts';

/**
 * The packages of ecosystems the OSV data holds no record of at all, as unchecked dependencies (`no-osv-data`):
 * looking them up would find nothing and call them clean, which only says the data was missing. `hasRecords`
 * answers for the whole OSV source (or database), not for one package.
 */
export function uncheckedForMissingData(packages: readonly LockedPackage[], hasRecords: (ecosystem: Ecosystem) => boolean): { missing: Ecosystem[]; checked: LockedPackage[]; unchecked: UncheckedDependency[] } {
  const known = new Map<Ecosystem, boolean>();
  const covered = (e: Ecosystem): boolean => {
    let v = known.get(e);
    if (v === undefined) known.set(e, (v = hasRecords(e)));
    return v;
  };
  const checked: LockedPackage[] = [];
  const unchecked: UncheckedDependency[] = [];
  for (const p of packages) {
    if (covered(p.ecosystem)) {
      checked.push(p);
      continue;
    }
    unchecked.push({ ecosystem: p.ecosystem, name: p.name, spec: `${p.name}@${p.version}`, reason: 'no-osv-data', file: p.file, ...(p.line === undefined ? {} : { line: p.line }) });
  }
  const missing = [...known].filter(([, has]) => !has).map(([e]) => e);
  return { missing: missing.sort(), checked, unchecked };
}

/** Where OSV data comes from and how to refresh it: said by the CLI's help and errors, and the server's. */
export const OSV_DATA_HELP =
  "OSV data comes from osv.dev's per-ecosystem exports: https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip " +
  '(npm, PyPI, Go, crates.io). Download the zips of the ecosystems you scan again to refresh them (they change daily).';
