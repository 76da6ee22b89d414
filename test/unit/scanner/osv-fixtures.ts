import { readOsvRecord, type OsvRecord } from '../../../src/core/scanner/osv-record.ts';
import { fixtureText } from './fixtures.ts';

/** The raw JSON of a record under test/fixtures/scanner/records. */
export const rawRecord = (id: string): Record<string, unknown> => JSON.parse(fixtureText(`records/${id}.json`)) as Record<string, unknown>;

/** A fixture record that must pass validation. */
export function record(id: string, change: (json: Record<string, unknown>) => void = () => {}): OsvRecord {
  const json = rawRecord(id);
  change(json);
  const reading = readOsvRecord(json);
  if (!('record' in reading)) throw new Error(`${id}: ${reading.problems.join('; ')}`);
  return reading.record;
}
