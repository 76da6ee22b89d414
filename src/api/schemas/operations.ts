import { Type, type Static } from '@sinclair/typebox';

/** The answer of a project import (docs/operations.md): the project created and the rows loaded per table. */
export const ProjectImportSchema = Type.Object({
  slug: Type.String(),
  counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'rows imported per table' }),
});

export type ProjectImport = Static<typeof ProjectImportSchema>;
