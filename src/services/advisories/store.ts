/** Advisory rows ↔ the core's `Advisory`: sealing while embargoed, clear once public, revisions, ids. */
import { PUBLIC_STATES, type Advisory, type AdvisoryState } from '../../core/advisories/index.ts';
import { DomainError } from '../../core/errors.ts';
import { openJson } from '../../adapters/crypto/sealer.ts';
import type { StoredCredit } from '../../adapters/db/schema-advisories.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';

export const documentAad = (id: string): string => `advisory:${id}:document`;
export const revisionAad = (id: string, n: number): string => `advisory:${id}:revision:${n}`;

/** What the sealed revision blob holds: the document and the editor's free-text note (embargoed like it). */
interface SealedRevision {
  document: Advisory;
  note: string | null;
}

export type AdvisoryRow = NonNullable<Awaited<ReturnType<typeof selectAdvisory>>>;

export async function selectAdvisory(db: DbOrTx, projectId: string, publicId: string, lock = false) {
  let q = db.selectFrom('advisories').selectAll().where('project_id', '=', projectId).where('public_id', '=', publicId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function requireAdvisory(db: DbOrTx, project: ProjectRecord, publicId: string, lock = false): Promise<AdvisoryRow> {
  const row = await selectAdvisory(db, project.id, publicId, lock);
  if (!row) throw new DomainError('not_found', `No advisory ${publicId} in ${project.slug}`);
  return row;
}

/** The advisory document of a row, opening the sealed copy when it is not public yet. */
export function documentOf(ctx: Pick<ServiceContext, 'sealer'>, row: Pick<AdvisoryRow, 'id' | 'document' | 'document_sealed' | 'key_id'>): Advisory {
  if (row.document !== null) return row.document as Advisory;
  if (!row.document_sealed || !row.key_id) throw new Error(`advisory ${row.id} has no document`);
  return openJson<Advisory>(ctx.sealer, row.key_id, row.document_sealed, documentAad(row.id));
}

export const isPublicState = (s: string): boolean => (PUBLIC_STATES as readonly string[]).includes(s);

/** The credits as the Hall of Fame reads them: names only where the reporter agreed to be named. */
export const storedCredits = (a: Advisory): StoredCredit[] =>
  a.credits.map((c) => ({ name: c.name, type: c.type, report: c.type === 'finder' || c.type === 'reporter' ? a.report_id : null }));

/**
 * The columns that carry the document: sealed (and nothing in clear but the CVE id and dates) until the
 * advisory is public; in clear — document, title, credits — from publication on.
 */
export function documentColumns(ctx: Pick<ServiceContext, 'sealer'>, rowId: string, a: Advisory) {
  const common = {
    state: a.state,
    cve_id: a.cve_id,
    publish_at: a.embargo_until ? new Date(a.embargo_until) : null,
    published_at: a.published_at ? new Date(a.published_at) : null,
    withdrawn_at: a.withdrawn_at ? new Date(a.withdrawn_at) : null,
    updated_at: new Date(a.updated_at),
  };
  if (isPublicState(a.state)) {
    return { ...common, document: JSON.stringify(a), title: a.title, credits: JSON.stringify(storedCredits(a)), document_sealed: null, key_id: null };
  }
  const { keyId, sealed } = ctx.sealer.seal(JSON.stringify(a), documentAad(rowId));
  return { ...common, document: null, title: null, credits: null, document_sealed: sealed, key_id: keyId };
}

/** One revision of an advisory, as `addRevision` stores it. */
export interface NewRevision {
  /** The advisory's row id (`advisories.id`), not its public id. */
  rowId: string;
  number: number;
  document: Advisory;
  /** What the revision did, e.g. "draft → in-review" or "edited: title". */
  summary: string;
  /** The editor's free-text note (sealed with the document). */
  note: string | null;
  actor: string;
  at: Date;
}

/** Appends the next revision row (always sealed: a draft's history is as confidential as the draft). */
export async function addRevision(ctx: Pick<ServiceContext, 'sealer'>, tx: Tx, revision: NewRevision): Promise<void> {
  const { rowId, number, document, summary, note, actor, at } = revision;
  const payload: SealedRevision = { document, note };
  const { keyId, sealed } = ctx.sealer.seal(JSON.stringify(payload), revisionAad(rowId, number));
  await tx
    .insertInto('advisory_revisions')
    .values({ advisory_id: rowId, number, state: document.state, document_sealed: sealed, key_id: keyId, summary, actor, created_at: at })
    .execute();
}

export interface StoredRevision {
  number: number;
  state: AdvisoryState;
  summary: string;
  note: string | null;
  actor: string;
  createdAt: Date;
  document: Advisory;
}

export async function loadRevisions(db: DbOrTx, ctx: Pick<ServiceContext, 'sealer'>, rowId: string): Promise<StoredRevision[]> {
  const rows = await db.selectFrom('advisory_revisions').selectAll().where('advisory_id', '=', rowId).orderBy('number').execute();
  return rows.map((r) => {
    const { document, note } = openJson<SealedRevision>(ctx.sealer, r.key_id, r.document_sealed, revisionAad(rowId, r.number));
    return { number: r.number, state: r.state as AdvisoryState, summary: r.summary, note, actor: r.actor, createdAt: r.created_at, document };
  });
}

/** `<PREFIX>-SA-<year>-<nnnn>`: numbered per project and year, like tracking ids but never confused with them. */
export async function nextPublicId(tx: Tx, project: ProjectRecord, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const row = await tx
    .insertInto('advisory_sequences')
    .values({ project_id: project.id, year, last_value: 1 })
    .onConflict((oc) => oc.columns(['project_id', 'year']).doUpdateSet((eb) => ({ last_value: eb('advisory_sequences.last_value', '+', 1) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return `${project.trackingPrefix}-SA-${year}-${String(row.last_value).padStart(4, '0')}`;
}
