import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { authorize, type ProjectRole } from '../../core/access/permissions.ts';
import { renderSecurityMd } from '../../core/policy/render-security-md.ts';
import { renderSecurityTxt } from '../../core/policy/render-security-txt.ts';
import { DomainError } from '../../core/errors.ts';
import { UI_ROUTES, uiPath } from '../../core/ui-paths.ts';
import type { ServiceContext } from '../../services/context.ts';
import { findProjectByHost, listProjects, savePolicy, type ProjectRecord } from '../../services/projects/projects.ts';
import { listMembers, setMembership } from '../../services/access/users.ts';
import { keyPublication, signWithProjectKey } from '../../services/pgp/project-keys.ts';
import { actorLabel, requireSiteAdmin } from '../auth.ts';
import { presentProject } from '../../api/present.ts';
import { Document, Nullable, RoleEnum, SlugParams, Str } from '../../api/schemas.ts';
import { MemberListSchema, MembershipSchema, ProjectInfoSchema, ProjectListSchema, ProjectSchema } from '../../api/schemas/projects.ts';

const PolicyBody = Type.Object({ policy_yaml: Str(200_000, 1) }, { additionalProperties: false });
const SecurityTxt = Document('text/plain', 'RFC 9116 security.txt; cleartext-signed (OpenPGP) when the project has a key');

export const projectUrls = (ctx: ServiceContext, p: ProjectRecord) => ({
  canonicalUrl: `${ctx.publicUrl}/projects/${p.slug}/.well-known/security.txt`,
  policyUrl: `${ctx.publicUrl}/api/v1/projects/${p.slug}/security.md`,
  reportUrl: `${ctx.publicUrl}${uiPath(UI_ROUTES.reportForm, { slug: p.slug })}`,
});

async function sendSecurityTxt(ctx: ServiceContext, p: ProjectRecord, reply: FastifyReply) {
  const urls = projectUrls(ctx, p);
  const key = await keyPublication(ctx, p);
  // RFC 9116 only allows https web URIs: a plain-http deployment (local, behind no TLS) leaves them out.
  const https = ctx.publicUrl.startsWith('https://');
  const text = renderSecurityTxt(p.policy, {
    now: ctx.now(),
    ...(https
      ? {
          canonicalUrl: urls.canonicalUrl,
          policyUrl: urls.policyUrl,
          csafUrl: `${ctx.publicUrl}/.well-known/csaf/provider-metadata.json`,
          ...(key ? { encryptionUrl: key.url } : {}),
          // The policy's own acknowledgments/hall_of_fame_url win; else Embargo's page (it exists only when the policy keeps one).
          ...(p.policy.recognition.hall_of_fame && !p.policy.recognition.hall_of_fame_url && !p.policy.contacts.security_txt?.acknowledgments ? { acknowledgmentsUrl: `${ctx.publicUrl}/projects/${p.slug}/hall-of-fame` } : {}),
        }
      : {}),
  });
  // With a project key the file is served cleartext-signed (RFC 9116 §2.3), verifiable with `gpg --verify`.
  const signed = key ? await signWithProjectKey(ctx, p.id, text) : null;
  return reply.type('text/plain; charset=utf-8').send(signed ?? text);
}

export const projectRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/v1/projects', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'Public list of hosted projects', response: { 200: ProjectListSchema } } }, async () => ({
    projects: (await listProjects(ctx.db)).map((p) => ({ slug: p.slug, name: p.name })),
  }));

  app.post(
    '/api/v1/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create (or update) a project from its policy YAML (site admins)',
        body: PolicyBody,
        response: { 200: { ...ProjectSchema, description: 'updated' }, 201: { ...ProjectSchema, description: 'created' } },
      },
    },
    async (req, reply) => {
      const admin = requireSiteAdmin(req);
      const { project, created } = await savePolicy(ctx, req.body.policy_yaml, `user:${admin.id}`);
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
    async (req) => {
      const p = req.project;
      authorize(req.actor, 'project:update-policy');
      const { project } = await savePolicy(ctx, req.body.policy_yaml, actorLabel(req), { expectSlug: p.slug });
      return presentProject(project);
    },
  );

  app.get('/api/v1/projects/:slug/security.md', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'SECURITY.md rendered from the policy', params: SlugParams, response: { 200: Document('text/markdown', 'SECURITY.md') } } }, async (req, reply) => {
    const p = req.project;
    const key = await keyPublication(ctx, p);
    return reply.type('text/markdown; charset=utf-8').send(renderSecurityMd(p.policy, { now: ctx.now(), reportUrl: projectUrls(ctx, p).reportUrl, ...(key ? { projectKey: key } : {}) }));
  });

  app.get('/projects/:slug/.well-known/security.txt', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'RFC 9116 security.txt of a project, by path', params: SlugParams, response: { 200: SecurityTxt } } }, async (req, reply) =>
    sendSecurityTxt(ctx, req.project, reply),
  );

  app.get('/.well-known/security.txt', { config: { anonymous: true }, schema: { tags: ['projects'], summary: 'RFC 9116 security.txt of the project whose host this is', response: { 200: SecurityTxt } } }, async (req, reply) => {
    const p = await findProjectByHost(ctx.db, req.hostname);
    if (!p) throw new DomainError('not_found', `No project is served at host ${req.hostname}; use /projects/{slug}/.well-known/security.txt`);
    return sendSecurityTxt(ctx, p, reply);
  });

  app.get('/api/v1/projects/:slug/members', { schema: { tags: ['members'], summary: 'Project members and roles', params: SlugParams, response: { 200: MemberListSchema } } }, async (req) => {
    const p = req.project;
    authorize(req.actor, 'project:read');
    const members = await listMembers(ctx.db, p.id);
    return { members: members.map((m) => ({ email: m.email, name: m.name, role: m.role as ProjectRole, since: m.created_at.toISOString() })) };
  });

  app.put(
    '/api/v1/projects/:slug/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Give a user a role on the project, or remove them with role null (project admins)',
        params: SlugParams,
        body: Type.Object({ email: Str(254, 3), role: Nullable(RoleEnum) }, { additionalProperties: false }),
        response: { 200: MembershipSchema },
      },
    },
    async (req) => {
      const p = req.project;
      authorize(req.actor, 'project:manage-members');
      return setMembership(ctx, p.slug, req.body.email, req.body.role, actorLabel(req));
    },
  );
};
