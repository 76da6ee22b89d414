import { authorize, type Actor } from '../../core/access/permissions.ts';
import { DomainError } from '../../core/errors.ts';
import { parsePolicy } from '../../core/policy/parse.ts';
import type { Policy } from '../../core/policy/types.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { DbOrTx, ServiceContext, Tx } from '../context.ts';
import { lineOfField, normalizeClaim, policyClaims, type PolicyClaim } from '../../core/policy/claims.ts';
import { toRecord, type ProjectRecord } from './record.ts';
import { canonicalJson } from '../../core/audit/chain.ts';
import { rebuildQueueIndex } from '../reports/queue-index.ts';
import { slaVersionsOf } from '../reports/promises.ts';

export type { ProjectRecord } from './record.ts';

/** Policies larger than this are parsed on a worker thread (ctx.parsers): parsing 200 KB takes most of a second. */
const INLINE_POLICY_BYTES = 16 * 1024;

export async function parsePolicyOrThrow(ctx: Pick<ServiceContext, 'parsers'>, yaml: string, now: Date): Promise<Policy> {
  const { policy, problems } = yaml.length <= INLINE_POLICY_BYTES ? parsePolicy(yaml, { now }) : await ctx.parsers.parsePolicy(yaml, now);
  if (!policy || problems.length) {
    throw new DomainError('policy_invalid', `The policy has ${problems.length} problem(s)`, { problems });
  }
  return policy;
}

export async function findProject(db: DbOrTx, slug: string): Promise<ProjectRecord | null> {
  const row = await db.selectFrom('projects').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function getProject(db: DbOrTx, slug: string): Promise<ProjectRecord> {
  const p = await findProject(db, slug);
  if (!p) throw new DomainError('not_found', `No project "${slug}"`);
  return p;
}

/** How long the intake may use a project it read (the cache is `ctx.intakeProjects`, built with this). */
export const INTAKE_CACHE_MS = 5_000;

/**
 * The project for the public intake path, cached for a few seconds per process. On the embedded database a
 * lookup would queue behind the intake commit in progress and so stop submissions from sharing commits;
 * a policy saved here is seen at once, one saved by another instance within INTAKE_CACHE_MS.
 */
export async function getProjectForIntake(ctx: ServiceContext, slug: string): Promise<ProjectRecord> {
  const nowMs = ctx.now().getTime();
  const hit = ctx.intakeProjects.get(slug, nowMs);
  if (hit) return hit;
  const project = await getProject(ctx.db, slug);
  ctx.intakeProjects.set(slug, project, nowMs);
  return project;
}

/** The project holding this host name (its claim), ignoring a port. */
export async function findProjectByHost(db: DbOrTx, host: string): Promise<ProjectRecord | null> {
  const value = normalizeClaim('host', host.replace(/:\d+$/, ''));
  const row = await db
    .selectFrom('project_claims')
    .innerJoin('projects', 'projects.id', 'project_claims.project_id')
    .selectAll('projects')
    .where('project_claims.kind', '=', 'host')
    .where('project_claims.value', '=', value)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The project holding this security address (its claim): where mail to it belongs. */
export async function findProjectByAddress(db: DbOrTx, address: string): Promise<{ id: string; slug: string } | null> {
  const row = await db
    .selectFrom('project_claims')
    .innerJoin('projects', 'projects.id', 'project_claims.project_id')
    .select(['projects.id', 'projects.slug'])
    .where('project_claims.kind', '=', 'email')
    .where('project_claims.value', '=', normalizeClaim('email', address))
    .executeTakeFirst();
  return row ?? null;
}

/** Every claimed security address (lower case): the domains the SMTP listener accepts by default. */
export async function claimedAddresses(db: DbOrTx): Promise<string[]> {
  const rows = await db.selectFrom('project_claims').select('value').where('kind', '=', 'email').execute();
  return rows.map((r) => r.value);
}

export async function listProjects(db: DbOrTx): Promise<ProjectRecord[]> {
  const rows = await db.selectFrom('projects').selectAll().orderBy('slug').execute();
  return rows.map(toRecord);
}

/**
 * Security addresses, hosts and tracking prefixes are held by one project instance-wide: a policy naming one that
 * another project holds is refused (409, with the field and its line), so no project can take another's mail,
 * security.txt or tracking IDs. Which project holds it is not said.
 */
export async function refuseClaimsOfOthers(tx: Tx, claims: PolicyClaim[], projectId: string | null, yaml: string): Promise<void> {
  const held = await tx
    .selectFrom('project_claims')
    .select(['kind', 'value', 'project_id'])
    .where((eb) => eb.or(claims.map((c) => eb.and([eb('kind', '=', c.kind), eb('value', '=', c.value)]))))
    .execute();
  const taken = claims.filter((c) => held.some((h) => h.kind === c.kind && h.value === c.value && h.project_id !== projectId));
  if (taken.length === 0) return;
  const problems = taken.map((c) => {
    const line = lineOfField(yaml, c.field);
    return { field: c.field, message: `"${c.value}" is already held by another project on this instance`, ...(line === undefined ? {} : { line }) };
  });
  throw new DomainError('conflict', `The policy claims ${taken.map((c) => c.field).join(', ')}, already held by another project`, { problems });
}

/** Whether the commitments the SLA clocks read (`SlaPolicy`) differ. */
const slaChanged = (before: Policy, after: Policy): boolean =>
  canonicalJson({ response: before.response, disclosure: before.disclosure }) !== canonicalJson({ response: after.response, disclosure: after.disclosure });

const projectExists = (slug: string, yaml: string) => {
  const line = lineOfField(yaml, 'project.slug');
  const message = `"${slug}" is already the slug of a project: choose another, or edit that project's policy in its settings`;
  return new DomainError('conflict', `A project "${slug}" already exists`, { problems: [{ field: 'project.slug', message, ...(line === undefined ? {} : { line }) }] });
};

/**
 * Creates the project named by the policy, or replaces its policy; the policy's slug is the key. `createOnly`
 * refuses (409) a slug in use instead of replacing that project's policy.
 */
export async function savePolicy(
  ctx: ServiceContext,
  yaml: string,
  actor: string,
  opts: { expectSlug?: string; createOnly?: boolean } = {},
): Promise<{ project: ProjectRecord; created: boolean }> {
  const now = ctx.now();
  const policy = await parsePolicyOrThrow(ctx, yaml, now);
  if (opts.expectSlug && policy.project.slug !== opts.expectSlug) {
    throw DomainError.validation([
      { field: 'project.slug', message: `must stay "${opts.expectSlug}" (the project's slug cannot change)` },
    ]);
  }
  // Lost a race to create the same project (PostgreSQL): refused when creating only, else saved again as an update.
  try {
    return await savePolicyOnce(ctx, policy, yaml, actor, now, opts.createOnly ?? false);
  } catch (e) {
    if (!(e instanceof CreateRaceLost)) throw e;
    if (opts.createOnly) throw projectExists(policy.project.slug, yaml);
    return savePolicyOnce(ctx, policy, yaml, actor, now, false);
  }
}

class CreateRaceLost extends Error {}

async function savePolicyOnce(ctx: ServiceContext, policy: Policy, yaml: string, actor: string, now: Date, createOnly: boolean): Promise<{ project: ProjectRecord; created: boolean }> {
  return ctx.db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('projects').select(['id', 'tracking_prefix', 'policy', 'sla_version']).where('slug', '=', policy.project.slug).forUpdate().executeTakeFirst();
    if (existing && createOnly) throw projectExists(policy.project.slug, yaml);
    const claims = policyClaims(policy);
    await refuseClaimsOfOthers(tx, claims, existing?.id ?? null, yaml);
    const values = {
      name: policy.project.name,
      tracking_prefix: policy.project.tracking_prefix,
      policy_yaml: yaml,
      policy: JSON.stringify(policy),
      hosts: JSON.stringify(policy.project.hosts ?? []),
      updated_at: now,
    };
    const row = existing
      ? await tx.updateTable('projects').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
      : await tx
          .insertInto('projects')
          .values({ ...values, slug: policy.project.slug, created_at: now })
          // Created by another save since our read (PostgreSQL; no row was there to lock): that save won.
          .onConflict((oc) => oc.column('slug').doNothing())
          .returningAll()
          .executeTakeFirst()
          .then((created) => {
            if (!created) throw new CreateRaceLost();
            return created;
          });
    await tx.deleteFrom('project_claims').where('project_id', '=', row.id).execute();
    try {
      await tx.insertInto('project_claims').values(claims.map((c) => ({ kind: c.kind, value: c.value, project_id: row.id }))).execute();
    } catch (e) {
      // Another project's save committed the same claim between our check and this insert (PostgreSQL).
      if ((e as { code?: unknown }).code === '23505') throw new DomainError('conflict', 'Another project claimed one of these values at the same time; save again to see which');
      throw e;
    }
    // The queue index is derived from the SLA commitments: new ones re-place every report (before the audit entry,
    // whose head lock would otherwise be held for the whole rebuild).
    // New SLA promises are a new version: reports keep the one they were submitted under (promises kept as made).
    const sla = JSON.stringify({ response: policy.response, disclosure: policy.disclosure });
    if (!existing) await tx.insertInto('policy_versions').values({ project_id: row.id, version: 1, sla, effective_at: now }).execute();
    else if (slaChanged(existing.policy as Policy, policy)) {
      const version = existing.sla_version + 1;
      await tx.insertInto('policy_versions').values({ project_id: row.id, version, sla, effective_at: now }).execute();
      await tx.updateTable('projects').set({ sla_version: version }).where('id', '=', row.id).execute();
      await rebuildQueueIndex(tx, row.id, await slaVersionsOf(tx, row.id), policy, now);
    }
    await appendAudit(tx, { actor, action: existing ? 'project.policy-updated' : 'project.created', projectId: row.id, data: { slug: row.slug } }, now);
    ctx.intakeProjects.delete(row.slug);
    return { project: toRecord(row), created: !existing };
  });
}

/** A project admin replaces the policy; its slug cannot change (problems are listed with their lines). */
export async function updatePolicy(ctx: ServiceContext, project: ProjectRecord, actor: Actor | null, label: string, yaml: string): Promise<ProjectRecord> {
  authorize(actor, 'project:update-policy');
  return (await savePolicy(ctx, yaml, label, { expectSlug: project.slug })).project;
}
