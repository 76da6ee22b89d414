import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../services/context.ts';
import { resolveCase } from '../../services/coordination/access.ts';
import { readCase, readCaseOfReport } from '../../services/coordination/case-view.ts';
import { extensionRequests, decideExtension, requestExtension } from '../../services/coordination/embargo.ts';
import { acceptPartyInvitation, inviteParty, myCases, partyInvitationByToken, removeParty } from '../../services/coordination/parties.ts';
import { setPartyStatus, statusHistory } from '../../services/coordination/statuses.ts';
import { caseAttachment, caseMessages, markRead, postCaseMessage, PAGE } from '../../services/coordination/thread.ts';
import { identitySharing, setIdentityConsent } from '../../services/coordination/reporter-identity.ts';
import { readMultipart } from '../multipart.ts';
import { sendAttachment } from './reports.routes.ts';
import { actorLabel, actorOn } from '../auth.ts';
import { establishSession } from '../session-cookie.ts';
import { Download, NoBody, Nullable, ReportParams, Str, TokenParams } from '../../api/schemas.ts';
import {
  CaseListSchema,
  CaseMessageSchema,
  CaseMessagesSchema,
  CaseSchema,
  JustificationEnum,
  PartyInvitationAcceptedSchema,
  PartyInvitationSchema,
  PartyListSchema,
  PartyRoleEnum,
  PartySchema,
  ReadMarkerSchema,
  StatusHistorySchema,
  StatusSchema,
  ExtensionRequestSchema,
  IdentitySharingSchema,
  Uuid,
} from '../../api/schemas/coordination.ts';
import { presentCase, presentCaseMessage, presentExtension, presentStatus } from '../../api/present-coordination.ts';

/**
 * Multi-party coordination (issue 19). Maintainers invite parties from the report (project routes, the project hook
 * and PERMISSIONS as everywhere). Parties and maintainers meet on /api/v1/cases/:caseId/…, where resolveCase is the
 * one check: a party of that case, or a member of its project; anyone else gets 404. These routes take no :slug, so
 * the project hook never runs for them, and a party never holds a project role.
 */
export const coordinationRoutes = (ctx: ServiceContext, rateLimit: number, sessionMaxAgeSeconds: number): FastifyPluginAsyncTypebox => async (app) => {
  const CaseParams = Type.Object({ caseId: Uuid });
  const caller = (req: FastifyRequest, caseId: string) =>
    resolveCase(ctx, caseId, { user: req.user, tokenProjectIds: req.token?.projectIds ?? null, actorOn: (p) => actorOn(ctx, req.user, p, req.token), label: actorLabel(req) });

  // --- The maintainers' side, on the report.
  app.post(
    '/api/v1/projects/:slug/reports/:trackingId/parties',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Invite a party (vendor, upstream, expert, coordinator) into the report’s case by email; mailed through the outbox',
        params: ReportParams,
        body: Type.Object({ email: Str(320, 3), name: Str(200, 1), role: PartyRoleEnum }, { additionalProperties: false }),
        response: { 201: PartySchema },
      },
    },
    async (req, reply) => {
      const party = await inviteParty(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req), req.body);
      return reply.status(201).send({ ...party, invited_at: party.invited_at.toISOString() });
    },
  );

  app.get(
    '/api/v1/projects/:slug/reports/:trackingId/parties',
    { schema: { tags: ['coordination'], summary: 'The parties of the report’s case with their current statuses, and the case id', params: ReportParams, response: { 200: PartyListSchema } } },
    async (req) => {
      const view = await readCaseOfReport(ctx, req.project, req.params.trackingId, req.actor, actorLabel(req));
      return { case_id: view.id, parties: presentCase(view, []).parties, unread: view.unread };
    },
  );

  app.delete(
    '/api/v1/projects/:slug/reports/:trackingId/parties/:partyId',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Remove a party from the case (its history stays in the audit log)',
        params: Type.Object({ ...ReportParams.properties, partyId: Uuid }),
        response: { 204: NoBody('removed') },
      },
    },
    async (req, reply) => {
      await removeParty(ctx, req.project, req.params.trackingId, req.params.partyId, req.actor, actorLabel(req));
      return reply.status(204).send();
    },
  );

  // --- The invitee's side of a party invitation (token in bodies only, rate-limited like sign-in).
  const Token = Str(200, 10);
  app.post(
    '/api/v1/case-invitations/lookup',
    {
      schema: { tags: ['coordination'], summary: 'What a party invitation link offers, before accepting', body: Type.Object({ token: Token }, { additionalProperties: false }), response: { 200: PartyInvitationSchema } },
      config: { anonymous: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req) => {
      const i = await partyInvitationByToken(ctx.db, req.body.token, ctx.now());
      return { case_id: i.caseId, tracking_id: i.trackingId, project_name: i.projectName, email: i.email, role: i.role, expires_at: i.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/case-invitations/accept',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Accept a party invitation: create the account (name, password) or, signed in as the invited address, join; signs in',
        body: Type.Object({ token: Token, name: Type.Optional(Str(200, 1)), password: Type.Optional(Str(1024, 1)) }, { additionalProperties: false }),
        response: { 200: PartyInvitationAcceptedSchema },
      },
      config: { rateLimit: { max: rateLimit, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const signedIn = req.authVia === 'session' ? (req.user ?? null) : null;
      const { user, caseId } = await acceptPartyInvitation(ctx, req.body.token, { signedIn, name: req.body.name, password: req.body.password });
      if (!signedIn) await establishSession(ctx, req, user, sessionMaxAgeSeconds);
      return { case_id: caseId, user: { id: user.id, email: user.email, name: user.name, site_admin: user.siteAdmin }, csrf_token: reply.generateCsrf() };
    },
  );

  // --- The case, for its parties and its project's members.
  app.get('/api/v1/cases', { schema: { tags: ['coordination'], summary: 'The cases you are a party of, with unread counts', response: { 200: CaseListSchema } } }, async (req) => ({
    cases: await myCases(ctx, req.user),
  }));

  app.get(
    '/api/v1/cases/:caseId',
    { schema: { tags: ['coordination'], summary: 'The case page: embargo, parties, statuses you may see, the latest messages and your unread count', params: CaseParams, response: { 200: CaseSchema } } },
    async (req) => {
      const c = await caller(req, req.params.caseId);
      const [view, ext] = await Promise.all([readCase(ctx, c), extensionRequests(ctx, c)]);
      return presentCase(view, ext);
    },
  );

  app.put(
    '/api/v1/cases/:caseId/status',
    {
      schema: {
        tags: ['coordination'],
        summary: 'State your status (VEX vocabulary) for one vulnerability and product; every change is kept',
        params: CaseParams,
        body: Type.Object(
          {
            vulnerability: Str(200, 1),
            product: Str(500, 1),
            versions: Type.Optional(Nullable(Str(500))),
            status: Type.Union([Type.Literal('under_investigation'), Type.Literal('affected'), Type.Literal('not_affected'), Type.Literal('fixed')]),
            justification: Type.Optional(Nullable(JustificationEnum)),
            fixed_versions: Type.Optional(Nullable(Str(500))),
            statement: Type.Optional(Nullable(Str(20_000))),
          },
          { additionalProperties: false },
        ),
        response: { 200: StatusSchema },
      },
    },
    async (req) => presentStatus(await setPartyStatus(ctx, await caller(req, req.params.caseId), req.body)),
  );

  app.get(
    '/api/v1/cases/:caseId/parties/:partyId/history',
    {
      schema: { tags: ['coordination'], summary: 'Every status change of a party, newest first (your own; any party’s for maintainers or once published)', params: Type.Object({ caseId: Uuid, partyId: Uuid }), response: { 200: StatusHistorySchema } },
    },
    async (req) => ({ history: (await statusHistory(ctx, await caller(req, req.params.caseId), req.params.partyId)).map(presentStatus) }),
  );

  app.get(
    '/api/v1/cases/:caseId/messages',
    {
      schema: {
        tags: ['coordination'],
        summary: `The party thread, oldest first: the latest ${PAGE} messages, or those before a seq`,
        params: CaseParams,
        querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
        response: { 200: CaseMessagesSchema },
      },
    },
    async (req) => {
      const c = await caller(req, req.params.caseId);
      const limit = req.query.limit ?? PAGE;
      const page = await caseMessages(ctx, c, { before: req.query.before, limit: limit + 1 });
      const older = page.length > limit;
      return { messages: (older ? page.slice(1) : page).map(presentCaseMessage), has_older_messages: older };
    },
  );

  app.post(
    '/api/v1/cases/:caseId/messages',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Write to the party thread (JSON, or multipart with files in "attachments", taken as intake takes them); every party and the maintainers read it, never the reporter',
        params: CaseParams,
        body: Type.Object({ body: Str(100_000, 1) }, { additionalProperties: false }),
        response: { 201: CaseMessageSchema },
      },
      preValidation: async (req) => {
        req.uploadedFiles = [];
        if (req.isMultipart()) await readMultipart(req, 'attachments');
      },
    },
    async (req, reply) => {
      const c = await caller(req, req.params.caseId);
      return reply.status(201).send(presentCaseMessage(await postCaseMessage(ctx, c, { body: req.body.body, files: req.uploadedFiles })));
    },
  );

  app.get(
    '/api/v1/cases/:caseId/attachments/:attachmentId',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Download an attachment of the party thread (always as a download; the case’s parties and maintainers only)',
        params: Type.Object({ caseId: Uuid, attachmentId: Uuid }),
        response: { 200: Download('the attachment') },
      },
    },
    async (req, reply) => sendAttachment(reply, await caseAttachment(ctx, await caller(req, req.params.caseId), req.params.attachmentId)),
  );

  app.put(
    '/api/v1/cases/:caseId/read',
    {
      schema: { tags: ['coordination'], summary: 'Move your unread marker forward to a message seq (never back)', params: CaseParams, body: Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), response: { 200: ReadMarkerSchema } },
    },
    async (req) => markRead(ctx, await caller(req, req.params.caseId), req.body.seq),
  );

  app.post(
    '/api/v1/cases/:caseId/extension-requests',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Ask the maintainers to move the embargo later, with a reason',
        params: CaseParams,
        body: Type.Object({ until: Str(40, 10), reason: Str(5_000, 1) }, { additionalProperties: false }),
        response: { 201: ExtensionRequestSchema },
      },
    },
    async (req, reply) => reply.status(201).send(presentExtension(await requestExtension(ctx, await caller(req, req.params.caseId), req.body))),
  );

  app.put(
    '/api/v1/cases/:caseId/extension-requests/:requestId',
    {
      schema: {
        tags: ['coordination'],
        summary: 'Close an extension request as granted or declined (set the embargo itself on the report)',
        params: Type.Object({ caseId: Uuid, requestId: Uuid }),
        body: Type.Object({ state: Type.Union([Type.Literal('granted'), Type.Literal('declined')]) }, { additionalProperties: false }),
        response: { 204: NoBody('decided') },
      },
    },
    async (req, reply) => {
      await decideExtension(ctx, await caller(req, req.params.caseId), req.params.requestId, req.body.state);
      return reply.status(204).send();
    },
  );

  // --- The reporter's consent to show parties who they are (the private link's token, like the reporter page).
  app.get(
    '/api/v1/reporter/:token/identity-sharing',
    { config: { anonymous: true }, schema: { tags: ['reporter'], summary: 'Whether you agreed that the case’s parties may see your name and address, and whether one has', params: TokenParams, response: { 200: IdentitySharingSchema } } },
    async (req) => identitySharing(ctx, req.params.token),
  );

  app.put(
    '/api/v1/reporter/:token/identity-sharing',
    {
      config: { anonymous: true, rateLimit: { max: rateLimit, timeWindow: 60_000 } },
      schema: {
        tags: ['reporter'],
        summary: 'Agree (or no longer agree) that the case’s parties may see your name and address; withdrawing is possible until a party was shown them',
        params: TokenParams,
        body: Type.Object({ consent: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: IdentitySharingSchema },
      },
    },
    async (req) => setIdentityConsent(ctx, req.params.token, req.body.consent),
  );
};
