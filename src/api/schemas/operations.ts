import { Type, type Static } from '@sinclair/typebox';

/** The answer of a project import (docs/operations.md): the project created and the rows loaded per table. */
export const ProjectImportSchema = Type.Object({
  slug: Type.String(),
  counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'rows imported per table' }),
});

export type ProjectImport = Static<typeof ProjectImportSchema>;

/** GET /readyz: 200 when every part is ready, 503 otherwise (same shape). */
export const ReadinessSchema = Type.Object({
  ready: Type.Boolean(),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  pending_migrations: Type.Array(Type.String(), { description: 'migrations this version knows that the store has not run' }),
  jobs: Type.Object({
    state: Type.Union([Type.Literal('off'), Type.Literal('running'), Type.Literal('stopped'), Type.Literal('starting')], {
      description: 'off: EMBARGO_JOBS=off (other instances run them), which counts as ready',
    }),
    stalled: Type.Array(Type.String(), { description: 'jobs whose last tick ended more than five intervals ago' }),
  }),
});
export type Readiness = Static<typeof ReadinessSchema>;

/** POST /api/v1/admin/reporter-erasures: what was erased (counts only, never the data). */
export const ReporterErasureSchema = Type.Object({
  reports: Type.Array(Type.String(), { description: 'tracking ids of the reports whose reporter data was erased' }),
  outbox_rows: Type.Integer(),
  quarantine_rows: Type.Integer(),
});
export type ReporterErasure = Static<typeof ReporterErasureSchema>;
