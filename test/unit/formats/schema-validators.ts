import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'fixtures', 'schemas');
const load = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCHEMAS, path), 'utf8')) as Record<string, unknown>;

// Ajv's CJS default exports under NodeNext typing.
const AjvDraft7 = Ajv as unknown as typeof Ajv.default;
const Ajv2020Class = Ajv2020 as unknown as typeof Ajv2020.default;
const withFormats = addFormats as unknown as typeof addFormats.default;

/** OSV 1.7 (draft 2020-12). */
function osvValidator(): ValidateFunction {
  const ajv = new Ajv2020Class({ strict: false, allErrors: true });
  withFormats(ajv);
  return ajv.compile(load('osv-schema.json'));
}

const CVE_ID = 'https://cveproject.github.io/cve-schema/schema/CVE_Record_Format.json';

/** CVE Record Format 5.1.1 bundled (draft-07): the whole record, and the published CNA container alone. */
function cveValidators(): { record: ValidateFunction; cna: ValidateFunction } {
  const ajv = new AjvDraft7({ strict: false, allErrors: true });
  withFormats(ajv);
  ajv.addSchema(load('cve/CVE_Record_Format_bundled_5.1.1.json'));
  const record = ajv.getSchema(CVE_ID);
  const cna = ajv.getSchema(`${CVE_ID}#/definitions/cnaPublishedContainer`);
  if (!record || !cna) throw new Error('CVE schema did not load');
  return { record, cna };
}

/**
 * CSAF 2.0 (draft 2020-12) with the FIRST CVSS schemas it `$ref`s, registered under the exact URLs CSAF uses
 * (the files carry draft-04/07 headers and `?date` ids, which are dropped).
 */
function csafValidator(): ValidateFunction {
  const ajv = new Ajv2020Class({ strict: false, allErrors: true });
  withFormats(ajv);
  for (const v of ['2.0', '3.0', '3.1']) {
    const { $schema: _s, $id: _i, id: _j, ...schema } = load(`csaf/cvss-v${v}.json`);
    ajv.addSchema(schema, `https://www.first.org/cvss/cvss-v${v}.json`);
  }
  return ajv.compile(load('csaf/csaf_json_schema.json'));
}

export const validators = { osv: osvValidator(), ...cveValidators(), csaf: csafValidator() };

export const describeErrors = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
