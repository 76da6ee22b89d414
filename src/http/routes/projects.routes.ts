import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { MAX_POLICY_YAML_CHARS } from '../../core/policy/parse.ts';
import { findProjectByHost, listProjects, savePolicy, updatePolicy } from '../../services/projects/projects.ts';
import { securityMdOf, securityTxtOf } from '../../services/projects/documents.ts';
import { listMembers } from '../../services/access/users.ts';
import { inviteMember, listInvitations } from '../../services/access/invitations.ts';
import { keyPublication } from '../../services/pgp/project-keys.ts';
import { actorLabel, requireSiteAdmin } from '../auth.ts';
import { presentInvitation, presentMember, presentProject, presentProjectListItem } from '../../api/present.ts';
import { Document, Nullable, RoleEnum, SlugParams, Str } from '../../api/schemas.ts';
import { MemberListSchema, MembershipSchema, ProjectInfoSchema, ProjectListSchema, ProjectSchema } from '../../api/schemas/projects.ts';

const PolicyBody = Type.Object({ policy_yaml: Str(MAX_POLICY_YAML_CHARS, 1) }, { additionalProperties: false });
const SecurityTxt = Document('text/plain', 'RFC 9116 security.txt; cleartext-signed (OpenPGP) when the project has a key');

export const projectRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/v1/projects', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'Public list of hosted projects', response: { 200: ProjectListSchema } } }, async () => ({
    projects: (await listProjects(ctx.db)).map(presentProjectListItem),
  }));

  app.post(
    '/api/v1/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create (or update) a project from its policy YAML (site admins)',
        description: 'With `If-None-Match: *` it only creates: a slug in use answers 409 instead of replacing that project\'s policy.',
        body: PolicyBody,
        response: { 200: { ...ProjectSchema, description: 'updated' }, 201: { ...ProjectSchema, description: 'created' } },
      },
    },
    async (req, reply) => {
      const admin = requireSiteAdmin(req);
      const createOnly = req.headers['if-none-match']?.trim() === '*';
      const { project, created } = await savePolicy(ctx, req.body.policy_yaml, `user:${admin.id}`, { createOnly });
      return reply.status(created ? 201 : 200).send(presentProject(project));
    },
  );

  app.get('/api/v1/projects/:slug', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'Public project information and its parsed policy', params: SlugParams, response: { 200: ProjectInfoSchema } } }, async (req) => {
    const p = req.project;
    return { ...presentProject(p), pgp_key: await keyPublication(ctx, p), policy: p.policy };
  });

  app.get('/api/v1/projects/:slug/policy', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'The policy YAML source', params: SlugParams, response: { 200: Document('application/yaml', 'the policy YAML') } } }, async (req, reply) => {
    const p = req.project;
    return reply.type('application/yaml; charset=utf-8').send(p.policyYaml);
  });

  app.put(
    '/api/v1/projects/:slug/policy',
    { schema: { tags: ['projects'], summary: 'Replace the policy (project admins); problems are listed with their lines', params: SlugParams, body: PolicyBody, response: { 200: ProjectSchema } } },
    async (req) => presentProject(await updatePolicy(ctx, req.project, req.actor, actorLabel(req), req.body.policy_yaml)),
  );

  app.get('/api/v1/projects/:slug/security.md', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'SECURITY.md rendered from the policy', params: SlugParams, response: { 200: Document('text/markdown', 'SECURITY.md') } } }, async (req, reply) =>
    reply.type('text/markdown; charset=utf-8').send(await securityMdOf(ctx, req.project)),
  );

  app.get('/projects/:slug/.well-known/security.txt', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'RFC 9116 security.txt of a project, by path', params: SlugParams, response: { 200: SecurityTxt } } }, async (req, reply) =>
    reply.type('text/plain; charset=utf-8').send(await securityTxtOf(ctx, req.project)),
  );

  app.get('/.well-known/security.txt', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'RFC 9116 security.txt of the project whose host this is', response: { 200: SecurityTxt } } }, async (req, reply) => {
    const p = await findProjectByHost(ctx.db, req.hostname);
    if (!p) throw new DomainError('not_found', `No project is served at host ${req.hostname}; use /projects/{slug}/.well-known/security.txt`);
    return reply.type('text/plain; charset=utf-8').send(await securityTxtOf(ctx, p));
  });

  app.get('/api/v1/projects/:slug/members', { schema: { tags: ['members'], summary: 'Project members and roles', params: SlugParams, response: { 200: MemberListSchema } } }, async (req) => {
    const members = await listMembers(ctx, req.project, req.actor);
    const invitations = await listInvitations(ctx, req.project, req.actor);
    return { members: members.map(presentMember), invitations: invitations.map(presentInvitation) };
  });

  app.put(
    '/api/v1/projects/:slug/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Give an email a role on the project: a member gets it at once, any other address is mailed an invitation (site admins add existing accounts at once); the answer is the same. Role null removes it (project admins)',
        params: SlugParams,
        body: Type.Object({ email: Str(254, 3), role: Nullable(RoleEnum) }, { additionalProperties: false }),
        response: { 200: MembershipSchema },
      },
    },
    async (req) => inviteMember(ctx, req.project, req.actor, actorLabel(req), { email: req.body.email, role: req.body.role }),
  );
};
