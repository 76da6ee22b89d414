import { DomainError } from '../../core/errors.ts';
import { MAX_SARIF_RESULTS, sarifFindings } from '../../core/hygiene/sarif.ts';
import { withFingerprint, type HygieneFinding } from '../../core/hygiene/types.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import type { SarifValidator } from './sarif-schema.ts';

/** A SARIF log's findings (fingerprinted) and the tools that wrote it. */
export interface SarifRead {
  tools: string[];
  findings: HygieneFinding[];
}

/**
 * Reads an untrusted SARIF 2.1.0 log: JSON, the schema, then its results as findings. The scan service runs it on
 * the request thread for a small log and on the parse pool (workers/parse-worker.ts) for a large one.
 */
export async function readSarifLog(content: string, validate: SarifValidator): Promise<SarifRead> {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    throw DomainError.validation([{ field: 'content', message: `is not JSON: ${(e as Error).message.slice(0, 200)}` }], 'Not a valid SARIF 2.1.0 log');
  }
  await validate(doc);
  const imported = sarifFindings(doc);
  if (imported.findings.length > MAX_SARIF_RESULTS) throw DomainError.validation([{ field: 'sarif.runs', message: `more than ${MAX_SARIF_RESULTS} results: split the log` }]);
  return { tools: imported.tools, findings: imported.findings.map((f) => withFingerprint(f, sha256Hex)) };
}
