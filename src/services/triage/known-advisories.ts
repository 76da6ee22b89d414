import { sql } from 'kysely';
import { matchKnownAdvisories, namedAdvisoryIds, packageNameCandidates, type AdvisoryText, type KnownAdvisory } from '../../core/triage/known-advisories.ts';
import type { Corpus } from '../../core/triage/similarity.ts';
import type { SignedTerms } from '../../core/triage/signature.ts';
import { duplicateThreshold, STORED_CANDIDATE_FLOOR } from '../../core/triage/threshold.ts';
import { normalisePackageName, isEcosystem } from '../../core/versions/ecosystems.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/record.ts';
import { recordPagesForPackages } from '../scanning/osv-import.ts';
import type { OsvRecord } from '../../core/scanner/osv-record.ts';
import { readOsvRecord } from '../../core/scanner/osv-record.ts';
import { aad } from '../reports/store.ts';

/** Records of named packages scored by text, at most (a report naming a package with hundreds of advisories). */
const RECORDS_SCORED = 300;

export const knownAdvisoriesAad = (reportId: string) => aad(reportId, 'known-advisories');

/** The ecosystems present in the imported OSV data: a loose index scan of osv_packages' primary key. */
async function ecosystems(tx: DbOrTx): Promise<string[]> {
  const { rows } = await sql<{ e: string | null }>`with recursive e(e) as (
      select min(ecosystem) from osv_packages
      union all select (select min(ecosystem) from osv_packages where ecosystem > e.e) from e where e.e is not null)
    select e from e where e is not null`.execute(tx);
  return rows.map((r) => r.e as string);
}

/**
 * The imported OSV records a report names (by id or alias) or describes (records of the packages it names,
 * scored by text as duplicates are), best first. Reads only: the index rows of the ids and package names the
 * report holds, and those records.
 */
export async function findKnownAdvisories(tx: Tx, signed: SignedTerms, text: string, corpus: Corpus, hash: (s: string) => number): Promise<KnownAdvisory[]> {
  const ids = namedAdvisoryIds(signed);
  const byAlias = ids.length ? await tx.selectFrom('osv_aliases').select('record_id').where('alias', '=', sql<string>`any(${ids}::text[])`).execute() : [];
  const names = packageNameCandidates(text);
  const known = await ecosystems(tx);
  const records = new Map<string, AdvisoryText>();
  const add = (r: OsvRecord) => {
    if (records.has(r.id)) return;
    records.set(r.id, {
      id: r.id,
      aliases: r.aliases,
      summary: r.summary,
      details: r.details,
      packages: r.affected.flatMap((a) => (a.package ? [a.package.name.toLowerCase()] : [])),
    });
  };
  if (byAlias.length) {
    const rows = await tx.selectFrom('osv_records').select('record').where('id', '=', sql<string>`any(${byAlias.map((r) => r.record_id)}::text[])`).execute();
    for (const row of rows) {
      const reading = readOsvRecord(JSON.parse(row.record));
      if ('record' in reading) add(reading.record);
    }
  }
  if (names.length && known.length) {
    const wanted = known.flatMap((ecosystem) => names.map((name) => ({ ecosystem, name })));
    // Pages of the size scored, stopping once it is reached (before another page is read): a package can be named
    // by thousands of records. A further page is read only when records of the first were withdrawn or unreadable.
    let scored = 0;
    pages: for await (const page of recordPagesForPackages(tx, wanted, RECORDS_SCORED)) {
      for (const r of page) {
        add(r);
        if (++scored >= RECORDS_SCORED) break pages;
      }
    }
  }
  if (!records.size) return [];
  const reportNames = new Set(names.flatMap((n) => [n, ...known.filter(isEcosystem).map((e) => normalisePackageName(e, n))]));
  return matchKnownAdvisories(signed, reportNames, [...records.values()], corpus, hash, STORED_CANDIDATE_FLOOR);
}

export async function storeKnownAdvisories(ctx: Pick<ServiceContext, 'sealer'>, tx: Tx, reportId: string, found: KnownAdvisory[]): Promise<void> {
  if (!found.length) return;
  const sealed = ctx.sealer.seal(JSON.stringify(found), knownAdvisoriesAad(reportId));
  await tx.insertInto('report_known_advisories').values({ report_id: reportId, found_sealed: sealed.sealed, key_id: sealed.keyId }).execute();
}

/** What the maintainer's view shows: those at or above the project's threshold (an id named is always 1). */
export async function knownAdvisoriesOf(ctx: Pick<ServiceContext, 'sealer'> & { db: DbOrTx }, project: ProjectRecord, reportId: string): Promise<KnownAdvisory[]> {
  const row = await ctx.db.selectFrom('report_known_advisories').select(['found_sealed', 'key_id']).where('report_id', '=', reportId).executeTakeFirst();
  if (!row) return [];
  const threshold = duplicateThreshold(project.policy);
  return openJson<KnownAdvisory[]>(ctx.sealer, row.key_id, row.found_sealed, knownAdvisoriesAad(reportId)).filter((a) => a.score >= threshold);
}
