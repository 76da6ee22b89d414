// The parts of @secvisogram/csaf-validator-lib (plain JavaScript, no types shipped) the tests use.
declare module '@secvisogram/csaf-validator-lib/validateStrict.js' {
  interface TestResult {
    name: string;
    isValid?: boolean;
    errors?: Array<{ message: string; instancePath: string }>;
    warnings?: Array<{ message: string; instancePath: string }>;
    infos?: Array<{ message: string; instancePath: string }>;
  }
  type DocumentTest = (doc: unknown) => unknown;
  export default function validateStrict(tests: DocumentTest[], document: unknown): Promise<{ isValid: boolean; tests: TestResult[] }>;
}
declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js' {
  const tests: Record<string, (doc: unknown) => unknown>;
  export = tests;
}
declare module '@secvisogram/csaf-validator-lib/optionalTests.js' {
  const tests: Record<string, (doc: unknown) => unknown>;
  export = tests;
}
declare module '@secvisogram/csaf-validator-lib/schemaTests.js' {
  export const csaf_2_0_strict: (doc: unknown) => unknown;
}
