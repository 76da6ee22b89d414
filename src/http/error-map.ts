import type { FastifyError, FastifyInstance } from 'fastify';
import { redactUrl } from './redact.ts';
import { isDomainError, type DomainErrorCode, type FieldProblem } from '../core/errors.ts';

const STATUS: Record<DomainErrorCode, number> = {
  validation: 400,
  policy_invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  locked: 423,
  rate_limited: 429,
  'totp-required': 401,
  'two-factor-required': 403,
  pgp_rejected: 422,
  upstream_failed: 502,
};

export interface ErrorBody {
  error: string;
  message: string;
  problems?: FieldProblem[];
  [key: string]: unknown;
}

/**
 * Turns Fastify/ajv validation output into the same field-level shape the core uses: one problem per field
 * (a union such as Nullable(...) otherwise yields one error per branch: "must be boolean", "must be null", ...).
 */
function ajvProblems(err: FastifyError): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  const allowed = new Map<string, string[]>();
  for (const v of err.validation ?? []) {
    const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const params = v.params as Record<string, unknown>;
    const missing = typeof params.missingProperty === 'string' ? params.missingProperty : null;
    const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : null;
    const field = missing ? (base ? `${base}.${missing}` : missing) : extra ? (base ? `${base}.${extra}` : extra) : base || (err.validationContext ?? 'body');
    const message = missing ? 'is required' : extra ? 'is not a known field' : v.message ?? 'is invalid';
    if (v.keyword === 'const') allowed.set(field, [...(allowed.get(field) ?? []), String(params.allowedValue)]);
    if (!byField.has(field)) byField.set(field, { field, message });
  }
  for (const [field, values] of allowed) byField.set(field, { field, message: `must be one of: ${values.join(', ')}` });
  return [...byField.values()];
}

/** The one place that decides what an error looks like over HTTP; internals never leak. */
export function registerErrorMapping(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDomainError(err)) {
      const status = STATUS[err.code];
      return reply.status(status).send({ error: err.code, message: err.message, ...err.details } satisfies ErrorBody);
    }
    if (err.validation) {
      return reply.status(400).send({ error: 'validation', message: 'Invalid request', problems: ajvProblems(err) } satisfies ErrorBody);
    }
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_FILES_LIMIT' || err.code === 'FST_PARTS_LIMIT') {
      return reply.status(413).send({ error: 'payload_too_large', message: err.message });
    }
    if (status === 429) return reply.status(429).send({ error: 'rate_limited', message: err.message });
    if (status === 403 && /csrf/i.test(err.code ?? '')) {
      return reply.status(403).send({ error: 'csrf', message: 'Missing or invalid CSRF token (send the X-CSRF-Token header)' });
    }
    if (status >= 400 && status < 500) return reply.status(status).send({ error: err.code ?? 'bad_request', message: err.message });
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'Internal server error' });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not_found', message: `No route ${req.method} ${redactUrl(req.url.split('?')[0] ?? '')}` }));
}
