import type { ValidateFunction } from 'ajv';
import { DomainError } from '../../core/errors.ts';

/** Checks a parsed document against the SARIF 2.1.0 schema; a 400 (`validation`) naming the first problems. */
export type SarifValidator = (doc: unknown) => Promise<void>;

/**
 * The SARIF 2.1.0 JSON schema as OASIS published it (vendored unchanged from Microsoft's `@microsoft/jest-sarif`
 * package, MIT; also at schemastore.org). It is draft-04: Ajv 8 reads it once its top-level `id` is `$id` and the
 * draft-04 `$schema` is dropped — nothing else in it differs from draft-07. One of its patterns is not valid in
 * a `u` regular expression, hence `unicodeRegExp: false`. Schema and Ajv load, and compile, on first use (~1 s):
 * a process that never imports SARIF never pays for them.
 */
export function sarifValidator(): SarifValidator {
  let validate: Promise<ValidateFunction> | null = null;
  const compile = async (): Promise<ValidateFunction> => {
    const [ajvModule, { default: schema }] = await Promise.all([import('ajv'), import('./sarif-2.1.0-rtm.5.json', { with: { type: 'json' } })]);
    // Ajv is bundled into the compiled server (a dev dependency), where esbuild's CommonJS wrapper exports only
    // `default` (module.exports, the Ajv class itself); Node and tsx also see the named export.
    const Ajv = (ajvModule.Ajv as typeof ajvModule.Ajv | undefined) ?? (ajvModule.default as unknown as typeof ajvModule.Ajv);
    const { $schema: _draft, id, ...rest } = schema as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false, unicodeRegExp: false });
    return ajv.compile({ ...rest, $id: id } as object);
  };
  return async (doc) => {
    validate ??= compile();
    const check = await validate;
    if (!check(doc)) {
      const problems = (check.errors ?? []).slice(0, 10).map((e) => ({ field: `sarif${e.instancePath.replace(/\//g, '.')}`, message: e.message ?? 'is invalid' }));
      throw DomainError.validation(problems, 'Not a valid SARIF 2.1.0 log');
    }
  };
}
