import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import {
  generateProjectKey,
  importPrivateKey,
  openPrivateKey,
  sealPrivateKey,
  type ProjectKeyPair,
} from '../../adapters/pgp/keys.ts';
import { cleartextSign, keyIdsOf } from '../../adapters/pgp/messages.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import type { ProjectRecord } from '../projects/projects.ts';

/**
 * A project's OpenPGP keys. At most one is current (published in security.txt and SECURITY.md, signs
 * security.txt, is the one reporters encrypt to); rotation retires it and makes a new one current. Retired
 * keys are never deleted and are still tried on intake, so reports encrypted to an older published key open.
 * Private keys are sealed at rest (`sealPrivateKey`, AAD bound to the project).
 */

export interface ProjectKeyView {
  id: string;
  fingerprint: string;
  algorithm: string;
  userIds: string[];
  keyCreatedAt: Date;
  expiresAt: Date | null;
  origin: 'generated' | 'imported';
  createdAt: Date;
  retiredAt: Date | null;
  current: boolean;
  publicKeyArmored: string;
}

const VIEW_COLUMNS = ['id', 'fingerprint', 'algorithm', 'user_ids', 'key_created_at', 'expires_at', 'origin', 'created_at', 'retired_at', 'public_key_armored'] as const;

type ViewRow = {
  id: string;
  fingerprint: string;
  algorithm: string;
  user_ids: string;
  key_created_at: Date;
  expires_at: Date | null;
  origin: 'generated' | 'imported';
  created_at: Date;
  retired_at: Date | null;
  public_key_armored: string;
};

const toView = (r: ViewRow): ProjectKeyView => ({
  id: r.id,
  fingerprint: r.fingerprint,
  algorithm: r.algorithm,
  userIds: JSON.parse(r.user_ids) as string[],
  keyCreatedAt: new Date(r.key_created_at),
  expiresAt: r.expires_at ? new Date(r.expires_at) : null,
  origin: r.origin,
  createdAt: new Date(r.created_at),
  retiredAt: r.retired_at ? new Date(r.retired_at) : null,
  current: r.retired_at === null,
  publicKeyArmored: r.public_key_armored,
});

/** The public URL of a project's current key (ASCII armor, `application/pgp-keys`). */
export const projectKeyUrl = (ctx: Pick<ServiceContext, 'publicUrl'>, slug: string): string => `${ctx.publicUrl}/projects/${encodeURIComponent(slug)}/pgp-key.asc`;

/** The current key, or null: public information (no authorization). */
export async function currentProjectKey(db: DbOrTx, projectId: string): Promise<ProjectKeyView | null> {
  const row = await db.selectFrom('project_keys').select(VIEW_COLUMNS).where('project_id', '=', projectId).where('retired_at', 'is', null).executeTakeFirst();
  return row ? toView(row as ViewRow) : null;
}

/** Every key the project had, current first, then retired newest first. */
export async function listProjectKeys(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null): Promise<ProjectKeyView[]> {
  authorize(actor, 'project:read');
  const rows = await ctx.db.selectFrom('project_keys').select(VIEW_COLUMNS).where('project_id', '=', project.id).execute();
  return rows.map((r) => toView(r as ViewRow)).sort(byCurrentThenNewest);
}

const byCurrentThenNewest = (a: { retiredAt: Date | null; createdAt: Date }, b: { retiredAt: Date | null; createdAt: Date }) =>
  Number(b.retiredAt === null) - Number(a.retiredAt === null) || (b.retiredAt?.getTime() ?? 0) - (a.retiredAt?.getTime() ?? 0) || b.createdAt.getTime() - a.createdAt.getTime();

export interface UsablePrivateKey {
  fingerprint: string;
  current: boolean;
  /** Primary and subkey ids, upper-case hex. */
  keyIds: string[];
  /** Unprotected armored private key: never log or return it. */
  privateKey: string;
}

/** The project's private keys, opened, current first: what intake decrypts with. */
export async function loadProjectPrivateKeys(ctx: Pick<ServiceContext, 'db' | 'sealer'>, projectId: string): Promise<UsablePrivateKey[]> {
  const rows = await ctx.db
    .selectFrom('project_keys')
    .select(['fingerprint', 'retired_at', 'created_at', 'public_key_armored', 'private_key_sealed', 'key_id'])
    .where('project_id', '=', projectId)
    .execute();
  const sorted = rows
    .map((r) => ({ ...r, retiredAt: r.retired_at ? new Date(r.retired_at) : null, createdAt: new Date(r.created_at) }))
    .sort(byCurrentThenNewest);
  return Promise.all(
    sorted.map(async (r) => ({
      fingerprint: r.fingerprint,
      current: r.retiredAt === null,
      keyIds: await keyIdsOf(r.public_key_armored),
      privateKey: openPrivateKey(ctx.sealer, projectId, { keyId: r.key_id, sealed: Buffer.from(r.private_key_sealed) }),
    })),
  );
}

/** A cleartext-signed copy of `text` made with the current key, or null when the project has no key. */
export async function signWithProjectKey(ctx: Pick<ServiceContext, 'db' | 'sealer' | 'now'>, projectId: string, text: string): Promise<string | null> {
  const keys = await loadProjectPrivateKeys(ctx, projectId);
  const current = keys.find((k) => k.current);
  return current ? cleartextSign(text, current.privateKey, ctx.now()) : null;
}

/** What SECURITY.md, security.txt and the project JSON publish about the current key. */
export async function keyPublication(ctx: ServiceContext, project: ProjectRecord): Promise<{ fingerprint: string; url: string } | null> {
  const key = await currentProjectKey(ctx.db, project.id);
  return key ? { fingerprint: key.fingerprint, url: projectKeyUrl(ctx, project.slug) } : null;
}

// ---- lifecycle -------------------------------------------------------------------------------------------

export interface NewKeyInput {
  /** Armored private key to import; absent = generate one. */
  armoredPrivateKey?: string;
  passphrase?: string;
  /** User id email of a generated key; defaults to the policy's security contact. */
  email?: string;
  /** Lifetime of a generated key; 0/absent = no expiry. */
  expiresInSeconds?: number;
}

async function makeKeyPair(ctx: ServiceContext, project: ProjectRecord, input: NewKeyInput): Promise<ProjectKeyPair & { origin: 'generated' | 'imported' }> {
  const now = ctx.now();
  if (input.armoredPrivateKey !== undefined) {
    return { ...(await importPrivateKey(input.armoredPrivateKey, { now, ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}) })), origin: 'imported' };
  }
  const email = input.email ?? project.policy.contacts.email;
  if (!email) throw DomainError.validation([{ field: 'email', message: 'is required: the policy names no security email for the key user id' }]);
  return {
    ...(await generateProjectKey({ projectName: project.name, email, now, ...(input.expiresInSeconds ? { expiresInSeconds: input.expiresInSeconds } : {}) })),
    origin: 'generated',
  };
}

/** Locks the project row: key changes of one project are serialised across connections and instances. */
const lockProject = (tx: Tx, projectId: string) => tx.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().executeTakeFirstOrThrow();

async function retireCurrent(tx: Tx, projectId: string, now: Date): Promise<string | null> {
  const retired = await tx.updateTable('project_keys').set({ retired_at: now }).where('project_id', '=', projectId).where('retired_at', 'is', null).returning('fingerprint').executeTakeFirst();
  return retired?.fingerprint ?? null;
}

/**
 * Adds a key (generated or imported) as the current one. `mode: 'create'` refuses when the project already has
 * a current key (409: rotate instead); `mode: 'rotate'` retires the current key in the same transaction.
 */
export async function addProjectKey(
  ctx: ServiceContext,
  project: ProjectRecord,
  actor: Actor | null,
  actorLabel: string,
  input: NewKeyInput,
  mode: 'create' | 'rotate',
): Promise<ProjectKeyView> {
  authorize(actor, 'project:manage-keys');
  // Key generation and unlocking are slow CPU work: done before the transaction, which only writes.
  const pair = await makeKeyPair(ctx, project, input);
  const now = ctx.now();
  const sealed = sealPrivateKey(ctx.sealer, project.id, pair.privateKeyArmored);
  return ctx.db.transaction().execute(async (tx) => {
    await lockProject(tx, project.id);
    const known = await tx.selectFrom('project_keys').select(['fingerprint', 'retired_at']).where('project_id', '=', project.id).where('fingerprint', '=', pair.fingerprint).executeTakeFirst();
    if (known) throw new DomainError('conflict', `Key ${pair.fingerprint} is already ${known.retired_at ? 'a retired' : 'the current'} key of this project; a retired key is not made current again`);
    let retired: string | null = null;
    if (mode === 'create') {
      const current = await tx.selectFrom('project_keys').select('fingerprint').where('project_id', '=', project.id).where('retired_at', 'is', null).executeTakeFirst();
      if (current) throw new DomainError('conflict', `The project already has key ${current.fingerprint}; rotate it instead`, { fingerprint: current.fingerprint });
    } else {
      retired = await retireCurrent(tx, project.id, now);
    }
    const row = await tx
      .insertInto('project_keys')
      .values({
        project_id: project.id,
        fingerprint: pair.fingerprint,
        algorithm: pair.algorithm,
        user_ids: JSON.stringify(pair.userIds),
        key_created_at: pair.created,
        expires_at: pair.expires,
        public_key_armored: pair.publicKeyArmored,
        private_key_sealed: sealed.sealed,
        key_id: sealed.keyId,
        origin: pair.origin,
        created_at: now,
        retired_at: null,
      })
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
    const action = mode === 'rotate' ? 'project.key-rotated' : pair.origin === 'imported' ? 'project.key-imported' : 'project.key-generated';
    await appendAudit(tx, { actor: actorLabel, action, projectId: project.id, data: { fingerprint: pair.fingerprint, origin: pair.origin, retired } }, now);
    return toView(row as ViewRow);
  });
}

/** Retires the current key without a successor: the project publishes no key and security.txt is unsigned. */
export async function retireProjectKey(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, actorLabel: string): Promise<{ fingerprint: string; retiredAt: Date }> {
  authorize(actor, 'project:manage-keys');
  const now = ctx.now();
  return ctx.db.transaction().execute(async (tx) => {
    await lockProject(tx, project.id);
    const fingerprint = await retireCurrent(tx, project.id, now);
    if (!fingerprint) throw new DomainError('conflict', 'The project has no current key to retire');
    await appendAudit(tx, { actor: actorLabel, action: 'project.key-retired', projectId: project.id, data: { fingerprint } }, now);
    return { fingerprint, retiredAt: now };
  });
}
