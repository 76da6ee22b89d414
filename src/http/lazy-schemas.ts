import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), each route's validator and
 * serializer compiled on the route's first request instead of at start-up. Compiling all ~150 of them up front was
 * a third of the server's start-up on the request thread (bench/startup.ts); most routes of an instance are not
 * called in its first seconds, and a route pays its few milliseconds once.
 *
 * Same compilers, options and external schemas as Fastify's defaults. One difference of Fastify's for a custom
 * compiler is handled here: it no longer lower-cases header schemas (HTTP header names arrive lower-cased), so
 * this does. A schema that cannot compile fails its route's first request with a 500 rather than the start-up;
 * every route is called by the integration tests (the authorization matrix).
 */

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFn = ((...args: unknown[]) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/** A validator that compiles on first use; Fastify reads `errors` and `schemaEnv` off the function it was given. */
function lazyValidator(compile: () => ValidatorFn): ValidatorFn {
  let fn: ValidatorFn | undefined;
  const get = (): ValidatorFn => (fn ??= compile());
  const validate = function (this: unknown, ...args: unknown[]) {
    return get().apply(this, args);
  } as ValidatorFn;
  Object.defineProperty(validate, 'errors', { get: () => fn?.errors, set: (v: unknown) => void (get().errors = v) });
  Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
  return validate;
}

/** `properties` keys and `required` entries lower-cased, as Fastify does for its default compiler. */
function lowerCaseHeaders(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  const props = s.properties as Record<string, unknown> | undefined;
  return {
    ...s,
    ...(props && typeof props === 'object' ? { properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k.toLowerCase(), v])) } : {}),
    ...(Array.isArray(s.required) ? { required: s.required.map((r: unknown) => (typeof r === 'string' ? r.toLowerCase() : r)) } : {}),
  };
}

type Route = Record<string, unknown> & { httpPart?: string; schema?: unknown };
type Serializer = (doc: unknown) => string;

export function lazySchemaCompilers(): Factories {
  const defaultValidators = AjvCompiler() as unknown as (externalSchemas: unknown, options: unknown) => (route: Route) => ValidatorFn;
  const defaultSerializers = SerializerSelector() as unknown as (externalSchemas: unknown, options: unknown) => (route: Route) => Serializer;
  const buildValidator = (externalSchemas: unknown, ajvOptions: unknown) => {
    // The Ajv instance itself is made on first use too.
    let compiler: ((route: Route) => ValidatorFn) | undefined;
    return (route: Route): ValidatorFn => {
      const def = route.httpPart === 'headers' ? { ...route, schema: lowerCaseHeaders(route.schema) } : route;
      return lazyValidator(() => (compiler ??= defaultValidators(externalSchemas, ajvOptions))(def));
    };
  };
  const buildSerializer = (externalSchemas: unknown, serializerOptions: unknown) => {
    let compiler: ((route: Route) => Serializer) | undefined;
    return (route: Route): Serializer => {
      let fn: Serializer | undefined;
      return (doc) => (fn ??= (compiler ??= defaultSerializers(externalSchemas, serializerOptions))(route))(doc);
    };
  };
  // Fastify types the factories for Ajv's and JTD's compilers alike; these hand Ajv's on unchanged.
  return { buildValidator, buildSerializer } as unknown as Factories;
}
