import { DomainError } from '../errors.ts';

export const PROJECT_ROLES = ['admin', 'triager', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** Every action a maintainer can take on a project, and the roles that may take it: one table, one place. */
export const PERMISSIONS = {
  'report:list': ['admin', 'triager', 'viewer'],
  'report:read': ['admin', 'triager', 'viewer'],
  'report:triage': ['admin', 'triager'],
  'report:reply': ['admin', 'triager'],
  'report:note': ['admin', 'triager'],
  /** Invite and remove the parties of a report's case (issue 19); reading the case is report:read. */
  'case:manage': ['admin', 'triager'],
  'sla:read': ['admin', 'triager', 'viewer'],
  'scan:create': ['admin', 'triager'],
  'scan:read': ['admin', 'triager', 'viewer'],
  'audit:read': ['admin'],
  'project:read': ['admin', 'triager', 'viewer'],
  'project:update-policy': ['admin'],
  'project:manage-members': ['admin'],
  'project:manage-keys': ['admin'],
  /** Export the project's data in clear (migration, legal hold: docs/operations.md). */
  'project:export': ['admin'],
  'quarantine:read': ['admin', 'triager'],
  'quarantine:resolve': ['admin', 'triager'],
  /** The review queue (held submissions: release or discard) and blocking senders (issue 18). */
  'intake:review': ['admin', 'triager'],
  'sender:block': ['admin', 'triager'],
  'outbox:read': ['admin'],
  'webhook:manage': ['admin'],
  /** CVE Services credentials of the project (issue 20). */
  'cve:manage': ['admin'],
  /** Reserve a CVE ID from the project's CNA quota. */
  'cve:reserve': ['admin', 'triager'],
  /** The GitHub repository and token a project imports security advisories from (docs/ghsa.md). */
  'ghsa:configure': ['admin'],
  'advisory:read': ['admin', 'triager', 'viewer'],
  'advisory:edit': ['admin', 'triager'],
  'advisory:publish': ['admin'],
  'subscribers:read': ['admin'],
  'bounty:read': ['admin', 'triager'],
  'bounty:award': ['admin'],
} as const satisfies Record<string, readonly ProjectRole[]>;

export type ProjectAction = keyof typeof PERMISSIONS;

/**
 * What an API token may be limited to. A token acts with its owner's role, further limited to the actions of its
 * scopes, so it never exceeds its owner: `admin` on a triager's token adds nothing the triager lacks.
 */
export const TOKEN_SCOPES = ['read', 'triage', 'publish', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The scope each action needs (one table, beside PERMISSIONS). */
export const SCOPE_OF = {
  'report:list': 'read',
  'report:read': 'read',
  'report:triage': 'triage',
  'report:reply': 'triage',
  'report:note': 'triage',
  'case:manage': 'triage',
  'sla:read': 'read',
  'scan:create': 'triage',
  'scan:read': 'read',
  'audit:read': 'admin',
  'project:read': 'read',
  'project:update-policy': 'admin',
  'project:manage-members': 'admin',
  'project:manage-keys': 'admin',
  'project:export': 'admin',
  'quarantine:read': 'read',
  'quarantine:resolve': 'triage',
  'intake:review': 'triage',
  'sender:block': 'triage',
  'outbox:read': 'admin',
  'webhook:manage': 'admin',
  'cve:manage': 'admin',
  'cve:reserve': 'triage',
  'ghsa:configure': 'admin',
  'advisory:read': 'read',
  'advisory:edit': 'triage',
  'advisory:publish': 'publish',
  'subscribers:read': 'admin',
  'bounty:read': 'read',
  'bounty:award': 'admin',
} as const satisfies Record<ProjectAction, TokenScope>;

export const isTokenScope = (v: unknown): v is TokenScope => typeof v === 'string' && (TOKEN_SCOPES as readonly string[]).includes(v);

export const isProjectRole = (v: unknown): v is ProjectRole =>
  typeof v === 'string' && (PROJECT_ROLES as readonly string[]).includes(v);

export const can = (role: ProjectRole | null, action: ProjectAction): boolean =>
  role !== null && (PERMISSIONS[action] as readonly ProjectRole[]).includes(role);

export interface Actor {
  userId: string;
  siteAdmin: boolean;
  /** The actor's role on the project in question, or null for none. */
  role: ProjectRole | null;
  /** When acting through an API token: its scopes (absent for a session, which has all its role allows). */
  scopes?: readonly TokenScope[] | undefined;
}

/** The role an actor acts with on the project: site admins act as project admins everywhere. */
export const effectiveRole = (actor: Actor): ProjectRole | null => (actor.siteAdmin ? 'admin' : actor.role);

/**
 * Site admins act as project admins everywhere. Non-members get `not_found` rather than `forbidden`,
 * so a project's private existence does not leak to outsiders.
 */
export function authorize(actor: Actor | null, action: ProjectAction): void {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in or send an API token');
  const role = effectiveRole(actor);
  if (role === null) throw new DomainError('not_found', 'No such project');
  if (!can(role, action)) throw new DomainError('forbidden', `The ${role} role may not ${action.replace(':', ' ')}`, { action, role });
  const scope = SCOPE_OF[action];
  if (actor.scopes && !actor.scopes.includes(scope)) {
    throw new DomainError('forbidden', `This API token lacks the "${scope}" scope needed to ${action.replace(':', ' ')}`, { action, scope });
  }
}
