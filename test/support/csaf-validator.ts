// BSI's reference CSAF validator (@secvisogram/csaf-validator-lib): its strict schema test, every mandatory test and
// the optional tests, through validateStrict (which only runs tests defined in the library).
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js';
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
import * as optional from '@secvisogram/csaf-validator-lib/optionalTests.js';
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js';

export interface BsiFinding {
  test: string;
  kind: 'error' | 'warning' | 'info';
  message: string;
  instancePath: string;
}

/**
 * Runs the strict schema test, all mandatory tests and all optional tests (6.2.x) over `doc`; returns every error
 * and warning with the test that raised it. Optional tests that need the network or hunspell are not in 6.2.
 */
export async function bsiValidate(doc: unknown): Promise<{ isValid: boolean; findings: BsiFinding[] }> {
  const tests = [csaf_2_0_strict, ...Object.values(mandatory), ...Object.values(optional)] as Parameters<typeof validateStrict>[0];
  const result = await validateStrict(tests, doc as Parameters<typeof validateStrict>[1]);
  const findings: BsiFinding[] = [];
  for (const t of result.tests) {
    for (const e of t.errors ?? []) findings.push({ test: t.name, kind: 'error', message: e.message, instancePath: e.instancePath });
    for (const w of t.warnings ?? []) findings.push({ test: t.name, kind: 'warning', message: w.message, instancePath: w.instancePath });
  }
  return { isValid: result.isValid, findings };
}
