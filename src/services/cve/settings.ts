import type { CveSchemaValidator } from '../../adapters/cve-schema/validate.ts';
import type { CveRecordVersion } from '../../core/formats/cve5.ts';

/** CVE Services' production API (the default) and its test environment, where a CNA tries its integration first. */
export const CVE_SERVICES_PRODUCTION_URL = 'https://cveawg.mitre.org/api';
export const CVE_SERVICES_TEST_URL = 'https://cveawg-test.mitre.org/api';

/** How this process talks to CVE Services: `ctx.cveServices`, built from the configuration (src/server/cve-config.ts). */
export interface CveServicesSettings {
  /** EMBARGO_CVE_SERVICES_URL: the base URL of projects that name none (default production). */
  defaultBaseUrl: string;
  /** EMBARGO_CVE_RECORD_VERSION: the CVE Record Format exports and publications use unless a project says otherwise. */
  recordVersion: CveRecordVersion;
  /** One request, connection to last byte (EMBARGO_CVE_SERVICES_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** The compiled CVE schemas (loaded at first use): every export is checked against them. */
  schemas: CveSchemaValidator;
}

/** The base URLs a project may choose: production, the test environment, and the instance's own (EMBARGO_CVE_SERVICES_URL). */
export const allowedBaseUrls = (s: Pick<CveServicesSettings, 'defaultBaseUrl'>): string[] => [...new Set([CVE_SERVICES_PRODUCTION_URL, CVE_SERVICES_TEST_URL, s.defaultBaseUrl])];
