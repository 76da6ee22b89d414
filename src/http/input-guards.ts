import type { FastifyInstance } from 'fastify';
import { DomainError, type FieldProblem } from '../core/errors.ts';

const NUL = '\u0000';
const MAX_DEPTH = 32;

/** Every string field holding a NUL character, by its path (`body.title`, `query.state`). */
function nulFields(value: unknown, path: string, out: FieldProblem[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes(NUL)) out.push({ field: path, message: 'must not contain NUL characters' });
  } else if (value && typeof value === 'object' && depth < MAX_DEPTH && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) nulFields(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

/**
 * Text with NUL characters is refused at the edge with a 400 naming the field: PostgreSQL cannot store 0x00 in
 * text, and no field of ours needs it (binary content travels as attachments). Runs after validation, so a
 * multipart form has become `req.body` by then.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    const problems: FieldProblem[] = [];
    nulFields(req.body, '', problems);
    nulFields(req.query, 'query', problems);
    nulFields(req.params, 'params', problems);
    if (problems.length) throw DomainError.validation(problems);
  });
}
