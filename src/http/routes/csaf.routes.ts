import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../core/errors.ts';
import { csafOf, csafPath, csafUrl } from '../../services/advisories/exports.ts';
import { allPublicAdvisories, type PublicAdvisory } from '../../services/advisories/publishing.ts';
import type { ServiceContext } from '../../services/context.ts';
import { Document, JsonDocument } from '../../api/schemas.ts';

const BASE = '/.well-known/csaf';
const CSAF_SCHEMA = 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json';
/** The directory and feed change as soon as something is published: short cache. */
const CACHE = 'public, max-age=300';

const json = (body: unknown) => JSON.stringify(body, null, 2);

/** The date a CSAF document was last released: its last revision (or publication). */
const releasedAt = (p: PublicAdvisory): string => p.advisory.revisions[p.advisory.revisions.length - 1]?.date ?? p.advisory.published_at ?? p.advisory.updated_at;

/**
 * Embargo as a CSAF 2.0 provider (role `csaf_provider`, CSAF 7.1): provider metadata at the well-known URL,
 * every public advisory of every project as a TLP:WHITE CSAF document under `<year>/<id>.json`, announced both
 * by a directory (`index.txt`, `changes.csv`, requirements 11–13) and a ROLIE feed (requirements 15–16).
 * Documents are not signed and carry no hash files, so Embargo does not claim `csaf_trusted_provider`.
 */
export const csafRoutes = (ctx: ServiceContext): FastifyPluginAsyncTypebox => async (app) => {
  const base = `${ctx.publicUrl}${BASE}`;

  app.get(`${BASE}/provider-metadata.json`, { config: { anonymous: true }, schema: { hide: true, response: { 200: JsonDocument('CSAF provider metadata') } } }, async (_req, reply) => {
    const all = await allPublicAdvisories(ctx);
    const lastUpdated = all.map(releasedAt).sort().pop() ?? `${ctx.now().toISOString().slice(0, 19)}Z`;
    const host = new URL(ctx.publicUrl).host;
    const metadata = {
      canonical_url: `${base}/provider-metadata.json`,
      distributions: [
        { directory_url: `${base}/` },
        { rolie: { feeds: [{ summary: `All TLP:WHITE advisories published with Embargo at ${host}.`, tlp_label: 'WHITE', url: `${base}/feed-tlp-white.json` }] } },
      ],
      last_updated: lastUpdated,
      list_on_CSAF_aggregators: true,
      metadata_version: '2.0',
      mirror_on_CSAF_aggregators: true,
      publisher: { category: 'vendor', name: `Embargo at ${host}`, namespace: ctx.publicUrl },
      role: 'csaf_provider',
    };
    return reply.type('application/json; charset=utf-8').header('cache-control', CACHE).send(json(metadata));
  });

  app.get(`${BASE}/feed-tlp-white.json`, { config: { anonymous: true }, schema: { hide: true, response: { 200: JsonDocument('ROLIE feed of the TLP:WHITE CSAF documents') } } }, async (_req, reply) => {
    const all = await allPublicAdvisories(ctx);
    const feed = {
      feed: {
        // The ROLIE schema allows [a-zA-Z0-9+-_.] only: a port's colon becomes '-' (host-8443-…), keeping ports apart.
        id: `${new URL(ctx.publicUrl).host.replace(/[^a-zA-Z0-9+\-_.]/g, '-')}-csaf-feed-tlp-white`,
        title: 'CSAF feed (TLP:WHITE)',
        link: [{ rel: 'self', href: `${base}/feed-tlp-white.json` }],
        category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
        updated: all.map(releasedAt).sort().pop() ?? `${ctx.now().toISOString().slice(0, 19)}Z`,
        entry: all.map((p) => {
          const url = csafUrl(ctx.publicUrl, p.advisory);
          return {
            id: p.advisory.id,
            title: p.advisory.title,
            link: [{ rel: 'self', href: url }],
            published: p.advisory.published_at ?? p.advisory.created_at,
            updated: releasedAt(p),
            summary: { content: p.advisory.summary },
            content: { type: 'application/json', src: url },
            format: { schema: CSAF_SCHEMA, version: '2.0' },
          };
        }),
      },
    };
    return reply.type('application/json; charset=utf-8').header('cache-control', CACHE).send(json(feed));
  });

  app.get(`${BASE}/index.txt`, { config: { anonymous: true }, schema: { hide: true, response: { 200: Document('text/plain', 'CSAF directory index: one document path a line') } } }, async (_req, reply) => {
    const all = await allPublicAdvisories(ctx);
    const lines = all.map((p) => csafPath(p.advisory)).sort();
    return reply.type('text/plain; charset=utf-8').header('cache-control', CACHE).send(lines.map((l) => `${l}\n`).join(''));
  });

  app.get(`${BASE}/changes.csv`, { config: { anonymous: true }, schema: { hide: true, response: { 200: Document('text/csv', 'CSAF changes.csv: path and time of the last change, newest first') } } }, async (_req, reply) => {
    const all = await allPublicAdvisories(ctx);
    // CSAF 7.1.13: path and time of the last change, newest first.
    const rows = all.map((p) => [csafPath(p.advisory), releasedAt(p)] as const).sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] < b[1] ? 1 : -1));
    return reply.type('text/csv; charset=utf-8').header('cache-control', CACHE).send(rows.map(([path, at]) => `"${path}","${at}"\n`).join(''));
  });

  app.get(
    `${BASE}/:year/:file`,
    {
      config: { anonymous: true },
      schema: {
        hide: true,
        params: Type.Object({ year: Type.String({ pattern: '^\\d{4}$' }), file: Type.String({ pattern: '^[+\\-a-z0-9_]+\\.json$' }) }),
        response: { 200: JsonDocument('a CSAF 2.0 document') },
      },
    },
    async (req, reply) => {
      const path = `${req.params.year}/${req.params.file}`;
      const hit = (await allPublicAdvisories(ctx)).find((p) => csafPath(p.advisory) === path);
      if (!hit) throw new DomainError('not_found', `No CSAF document ${path}`);
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', CACHE)
        .header('access-control-allow-origin', '*')
        .send(json(csafOf(ctx.publicUrl, hit.project, hit.advisory)));
    },
  );
};
