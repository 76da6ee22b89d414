import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CVSS_METRIC_DEFINITIONS, scoreCvss } from '../../core/cvss/index.ts';
import { presentCvss } from '../../api/present.ts';
import { Str } from '../../api/schemas.ts';
import { CvssMetricsSchema, CvssScoreSchema, type CvssMetrics } from '../../api/schemas/cvss.ts';

export const cvssRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/cvss',
    {
      config: { anonymous: true },
      schema: {
        tags: ['cvss'],
        summary: 'Score a CVSS v3.0, v3.1 or v4.0 vector (400 names the bad metric and the allowed values)',
        body: Type.Object({ vector: Str(1024, 1) }, { additionalProperties: false }),
        response: { 200: CvssScoreSchema },
      },
    },
    async (req) => presentCvss(scoreCvss(req.body.vector)),
  );

  app.get(
    '/api/v1/cvss/metrics',
    { config: { anonymous: true }, schema: { tags: ['cvss'], summary: 'Metric definitions per CVSS version (for calculator widgets)', response: { 200: CvssMetricsSchema } } },
    // The definitions are deep-frozen (readonly); the wire type is the same data.
    async () => CVSS_METRIC_DEFINITIONS as CvssMetrics,
  );
};
