import { Ajv, type ValidateFunction } from 'ajv';
import { DomainError } from '../../core/errors.ts';
import schema from './sarif-2.1.0-rtm.5.json' with { type: 'json' };

/**
 * The SARIF 2.1.0 JSON schema as OASIS published it (vendored unchanged from Microsoft's `@microsoft/jest-sarif`
 * package, MIT; also at schemastore.org). It is draft-04: Ajv 8 reads it once its top-level `id` is `$id` and the
 * draft-04 `$schema` is dropped — nothing else in it differs from draft-07.
 */
export function sarifValidator(): (doc: unknown) => void {
  let validate: ValidateFunction | null = null;
  return (doc) => {
    if (!validate) {
      const { $schema: _draft, id, ...rest } = schema as Record<string, unknown>;
      const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false, unicodeRegExp: false });
      validate = ajv.compile({ ...rest, $id: id } as object);
    }
    if (!validate(doc)) {
      const problems = (validate.errors ?? []).slice(0, 10).map((e) => ({ field: `sarif${e.instancePath.replace(/\//g, '.')}`, message: e.message ?? 'is invalid' }));
      throw DomainError.validation(problems, 'Not a valid SARIF 2.1.0 log');
    }
  };
}
